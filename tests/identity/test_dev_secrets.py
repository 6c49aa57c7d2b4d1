"""Dev secrets: identity keys are generated once into var/ and kept across runs."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from onething.core.processes import load_or_create_secrets
from onething.identity.crypto import BlindIndexer, FieldCipher


def test_identity_keys_are_generated_usable_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    first = load_or_create_secrets(path)
    FieldCipher.from_config(f"dev1:{first['identity_data_key']}")
    BlindIndexer.from_config(first["identity_blind_index_key"])
    assert load_or_create_secrets(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_var_dir_from_before_identity_gains_the_keys_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    path = tmp_path / "secrets.json"
    old = {"postgres_password": "p", "s3_access_key_id": "a", "s3_secret_access_key": "s"}
    path.write_text(json.dumps(old))
    data = load_or_create_secrets(path)
    assert {k: data[k] for k in old} == old
    assert data["identity_data_key"]
    assert json.loads(path.read_text()) == data


async def test_outside_development_the_app_refuses_to_start_without_identity_keys() -> None:
    from litestar.testing import AsyncTestClient

    from onething.core.app import create_app
    from onething.core.settings import AppSettings, DatabaseSettings, Settings
    from onething.identity.crypto import KeyConfigurationError

    app = create_app(
        Settings(
            app=AppSettings(environment="production"),
            database=DatabaseSettings(url="postgresql://unused@127.0.0.1:1/none"),
        )
    )
    refused = False
    try:
        async with AsyncTestClient(app=app):
            pass
    except* KeyConfigurationError:
        refused = True
    assert refused
