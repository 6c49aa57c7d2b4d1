"""Debian's Chromium settings for the provider's browser tests, and (re-exported from
`tests/live_app.py`) the real app served in a child process."""

from __future__ import annotations

import os
from pathlib import Path

from live_app import served, server_env

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "served", "server_env"]

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
