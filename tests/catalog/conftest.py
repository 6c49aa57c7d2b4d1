"""Fixtures for the pure catalog tests: the repository's catalog, loaded once."""

from __future__ import annotations

import pytest

from onething.catalog.loader import REPO_CATALOG, load_catalog
from onething.catalog.model import Catalog


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(REPO_CATALOG)
