"""Loading ``catalog/``: decode every file, run every cross-check, assemble the Catalog."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Final, TypeVar

from onething.catalog.assemble import assemble_catalog
from onething.catalog.bundle_checks import check_bundles
from onething.catalog.checks import (
    Entry,
    Parsed,
    check_departments,
    check_dictionary,
    check_duplicates,
    check_licenses_and_materials,
    check_services,
)
from onething.catalog.model import (
    Bundle,
    Catalog,
    CodeListsFile,
    DepartmentsFile,
    DictionaryFile,
    LicenseTypesFile,
    MaterialsFile,
    Service,
)
from onething.catalog.sources import CatalogError, SourceFile, decode, read_yaml

T = TypeVar("T")

REPO_CATALOG: Final = Path(__file__).resolve().parents[3] / "catalog"
# Folders holding one object per file, named after its id.
PER_FILE_DIRS: Final = ("dictionary", "services", "bundles")
ROOT_FILES: Final = ("departments.yaml", "codelists.yaml", "licenses.yaml", "materials.yaml")
# holidays/: the working-day calendar's files, read by onething.applications.calendar.
IGNORED_DIRS: Final = frozenset({"schema", "holidays"})


class CatalogInvalid(Exception):  # noqa: N818  # it is the state of the catalog, not a failure
    """The catalog files have errors; each one says file, line and what is wrong."""

    def __init__(self, errors: list[CatalogError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def default_catalog_dir() -> Path:
    """``CATALOG_DIR`` if set, else the repository's ``catalog/``."""
    configured = os.environ.get("CATALOG_DIR", "").strip()
    return Path(configured) if configured else REPO_CATALOG


def load_catalog(directory: Path | None = None) -> Catalog:
    """Load and cross-check the catalog, or raise CatalogInvalid listing every error found."""
    catalog, errors = check_catalog(directory)
    if catalog is None:
        raise CatalogInvalid(errors)
    return catalog


def check_catalog(directory: Path | None = None) -> tuple[Catalog | None, list[CatalogError]]:
    """The Catalog (None if anything is wrong) and every error found, in file and line order."""
    root = (directory or default_catalog_dir()).resolve()
    if not root.is_dir():
        return None, [
            CatalogError(file=str(root), line=None, code="missing", message="not a directory")
        ]
    reader = _Reader(root)
    parsed = reader.read_all()
    errors = list(reader.errors)
    # An undecodable shared file (dictionary, departments, ...) would make every reference to
    # it look unknown; report the decoding errors alone until they are fixed.
    if not reader.unread_shared:
        index = parsed.index()
        errors += check_duplicates(parsed)
        errors += check_departments(parsed)
        errors += check_dictionary(parsed, index)
        errors += check_licenses_and_materials(parsed, index)
        errors += check_services(parsed, index)
        errors += check_bundles(parsed.bundles, index, unread_services=reader.unread_services)
    if errors:
        return None, sorted(set(errors), key=lambda e: (e.file, e.line or 0, e.message))
    catalog = assemble_catalog(
        dictionary=[f.value for f in parsed.dictionary],
        departments=[d.value for d in parsed.departments],
        license_types=[t.value for t in parsed.license_types],
        materials=[m.value for m in parsed.materials],
        services=[s.value for s in parsed.services],
        bundles=[b.value for b in parsed.bundles],
    )
    return catalog, []


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.errors: list[CatalogError] = []
        self.unread_shared = False
        self.unread_services: set[str] = set()

    def display(self, path: Path) -> str:
        return f"{self.root.name}/{path.relative_to(self.root).as_posix()}"

    def read_all(self) -> Parsed:
        parsed = Parsed()
        departments = self._read_root("departments.yaml", DepartmentsFile)
        if departments:
            value, source = departments
            parsed.departments = _entries(value.departments, source, "departments")
        codelists = self._read_root("codelists.yaml", CodeListsFile)
        if codelists:
            value_c, source = codelists
            parsed.codelists = _entries(value_c.codelists, source, "codelists")
        licenses = self._read_root("licenses.yaml", LicenseTypesFile)
        if licenses:
            value_l, source = licenses
            parsed.license_types = _entries(value_l.license_types, source, "license_types")
        materials = self._read_root("materials.yaml", MaterialsFile)
        if materials:
            value_m, source = materials
            parsed.materials = _entries(value_m.materials, source, "materials")
        parsed.dictionary = self._read_dir("dictionary", DictionaryFile, lambda f: f.section.id)
        parsed.services = self._read_dir("services", Service, lambda s: s.id)
        parsed.bundles = self._read_dir("bundles", Bundle, lambda b: b.id)
        parsed.resolve_codelists()
        self._report_strays()
        return parsed

    def _read(self, path: Path, kind: type[T]) -> tuple[T, SourceFile] | None:
        data, source, errors = read_yaml(path, self.display(path))
        self.errors += errors
        decoded = decode(data, kind, source) if data is not None else None
        if isinstance(decoded, CatalogError):
            self.errors.append(decoded)
        if decoded is None or isinstance(decoded, CatalogError):
            folder = path.parent.name if path.parent != self.root else ""
            if folder == "services":
                self.unread_services.add(path.stem)
            elif folder != "bundles":
                self.unread_shared = True
            return None
        return decoded, source

    def _read_root(self, name: str, kind: type[T]) -> tuple[T, SourceFile] | None:
        path = self.root / name
        # Optional, so a small catalog (or a test fixture) needs only the files it uses.
        return self._read(path, kind) if path.is_file() else None

    def _read_dir(self, folder: str, kind: type[T], id_of: Callable[[T], str]) -> list[Entry[T]]:
        entries: list[Entry[T]] = []
        for path in sorted((self.root / folder).glob("*.yaml")):
            read = self._read(path, kind)
            if read is None:
                continue
            value, source = read
            if id_of(value) != path.stem:
                message = f"the file must be named after its id: `{id_of(value)}.yaml`"
                self.errors.append(source.error("file_name", message, "id"))
            entries.append(Entry(value, source))
        return entries

    def _report_strays(self) -> None:
        """A misplaced or misnamed file would otherwise be silently ignored."""
        for path in sorted(self.root.rglob("*")):
            relative = path.relative_to(self.root)
            if not path.is_file() or relative.parts[0] in IGNORED_DIRS or path.suffix == ".md":
                continue
            expected = (len(relative.parts) == 1 and relative.name in ROOT_FILES) or (
                len(relative.parts) == 2
                and relative.parts[0] in PER_FILE_DIRS
                and path.suffix == ".yaml"
            )
            if not expected:
                self.errors.append(
                    CatalogError(
                        file=self.display(path),
                        line=None,
                        code="unexpected_file",
                        message=(
                            "not part of the catalog layout: "
                            + ", ".join(ROOT_FILES)
                            + ", dictionary/*.yaml, services/*.yaml, bundles/*.yaml"
                        ),
                    )
                )


def _entries(values: list[T], source: SourceFile, key: str) -> list[Entry[T]]:
    return [Entry(value, source, (key, i)) for i, value in enumerate(values)]
