"""Notify fixtures: the applications fixtures (people, tokens, api, drain) reused as they are."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_APPLICATIONS = Path(__file__).resolve().parents[1] / "applications"
sys.path.insert(0, str(_APPLICATIONS))

# The applications conftest under a name of its own (two modules called `conftest` clash).
_spec = importlib.util.spec_from_file_location(
    "applications_fixtures_for_notify", _APPLICATIONS / "conftest.py"
)
assert _spec is not None
assert _spec.loader is not None
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

people = _fixtures.people
tokens = _fixtures.tokens
api = _fixtures.api
drain = _fixtures.drain
