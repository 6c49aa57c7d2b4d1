"""The mini-app's settings, read from the environment (see README.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        msg = f"{name} is not set (see examples/hospital-miniapp/README.md)"
        raise SystemExit(msg)
    return value


@dataclass(frozen=True, slots=True)
class Config:
    platform_url: str  # OneThing's issuer, e.g. https://onething.example.gov.cn
    client_id: str
    key_file: Path  # the private signing key (JWK, from `hospital-miniapp keygen`)
    webhook_secret: str  # shown once by OneThing when the client was registered
    public_url: str  # where residents' browsers reach this app (the redirect URI's base)
    pwa_url: str  # where the resident continues in OneThing's app
    webhook_tolerance: int = 300  # seconds: older signed timestamps are replays
    dev: bool = False  # serve /events.json (the verified webhooks received), for tests

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url}/callback"

    @property
    def webhook_url(self) -> str:
        return f"{self.public_url}/onething/events"

    @classmethod
    def from_env(cls, *, port: int, dev: bool) -> Config:
        platform = _required("HOSPITAL_PLATFORM_URL").rstrip("/")
        public = os.environ.get("HOSPITAL_PUBLIC_URL", f"http://127.0.0.1:{port}").rstrip("/")
        return cls(
            platform_url=platform,
            client_id=_required("HOSPITAL_CLIENT_ID"),
            key_file=Path(_required("HOSPITAL_KEY_FILE")),
            webhook_secret=_required("HOSPITAL_WEBHOOK_SECRET"),
            public_url=public,
            pwa_url=os.environ.get("HOSPITAL_PWA_URL", platform).rstrip("/"),
            webhook_tolerance=int(os.environ.get("HOSPITAL_WEBHOOK_TOLERANCE", "300")),
            dev=dev,
        )
