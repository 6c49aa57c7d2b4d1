"""Clients generated from the committed openapi/openapi.json work (issue 9): openapi-typescript's
types type-check a typed usage of them (clients/typescript/usage.ts, tsc --strict), and the
package openapi-python-client generates imports and talks to the app. Generated code is never
committed: the TypeScript types go to clients/typescript/generated/ (ignored), the Python
package to a temporary directory."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from onething.core.settings import REPO_ROOT

SPEC = REPO_ROOT / "openapi" / "openapi.json"
TYPESCRIPT = REPO_ROOT / "clients" / "typescript"
PACKAGE = "onething_client"


def _run(command: list[str], cwd: Path) -> str:
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{output}"
    return output


def test_the_typescript_client_type_checks_a_typed_usage() -> None:
    npm = shutil.which("npm")
    assert npm, "npm is needed (Node >= 20): it is part of `make setup`"
    if not (TYPESCRIPT / "node_modules" / ".bin" / "openapi-typescript").exists():
        _run([npm, "ci", "--no-audit", "--no-fund"], TYPESCRIPT)  # `make setup` does it too
    _run([npm, "run", "--silent", "generate"], TYPESCRIPT)
    generated = (TYPESCRIPT / "generated" / "schema.d.ts").read_text()
    assert '"/api/v1/drafts": {' in generated
    _run([npm, "run", "--silent", "typecheck"], TYPESCRIPT)


@pytest.fixture(scope="module")
def python_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("python-client")
    generator = Path(sys.executable).parent / "openapi-python-client"
    command = [str(generator), "generate", "--path", str(SPEC), "--meta", "none"]
    output = _run([*command, "--output-path", str(root / PACKAGE)], root)
    # A warning means an operation or answer was left out of the client.
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _api(package: ModuleType, module: str) -> Any:
    return importlib.import_module(f"{package.__name__}.api.{module}")


async def test_the_python_client_imports_and_calls_the_app(
    python_client: ModuleType, app: Any, client: Any
) -> None:
    """Through the generated functions and models, against the app in this process (the
    `client` fixture keeps its lifespan running): a list, an object by path parameter, and
    a problem answer parsed into the generated ProblemDetails model."""
    models = importlib.import_module(f"{PACKAGE}.models")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        api = python_client.Client(base_url="http://testserver").set_async_httpx_client(http)
        bundles = await _api(python_client, "catalog.list_bundles").asyncio(client=api)
        assert "newborn-birth" in {bundle.id for bundle in bundles}
        detail = await _api(python_client, "catalog.get_bundle").asyncio(
            "newborn-birth", client=api
        )
        assert isinstance(detail, models.BundleDetail)
        assert detail.services[0].department.name.zh_cn
        missing = await _api(python_client, "catalog.get_bundle").asyncio_detailed(
            "no-such-bundle", client=api
        )
        assert missing.status_code == 404
        assert isinstance(missing.parsed, models.ProblemDetails)
        assert missing.parsed.type_ == "/problems/not-found"
