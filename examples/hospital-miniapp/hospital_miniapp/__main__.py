"""`python -m hospital_miniapp keygen|registration|serve`: make the signing key, print what to
register with OneThing, run the mini-app."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from hospital_miniapp.config import Config
from hospital_miniapp.oauth import SCOPE, load_key, new_key, public_jwks

# The birth facts the hospital is the authoritative source of (registered as `asserts`).
ASSERTS = [
    "child.sex",
    "child.birth_time",
    "child.gestational_weeks",
    "child.birth_weight",
    "child.birth_length",
    "child.health_status",
    "child.birth_place",
    "child.birth_place_type",
    "child.birth_facility",
    "maternity.delivery_mode",
    "maternity.fetus_count",
]


def _keygen(args: argparse.Namespace) -> None:
    path = Path(args.out)
    if path.exists() and not args.force:
        sys.exit(f"{path} exists (use --force to replace the key)")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump(new_key(args.kid), out)
    print(f"wrote {path} (private; keep it out of version control)")  # noqa: T201


def _registration(args: argparse.Namespace) -> None:
    """The body of `POST /api/v1/admin/clients` (or `onething clients register FILE`)."""
    public_url = args.public_url.rstrip("/")
    body = {
        "client_id": args.client_id,
        "name": {"zh": "市妇幼保健院", "en": "City Maternity Hospital"},
        "redirect_uris": [f"{public_url}/callback"],
        "scopes": SCOPE.split(),
        "jwks": public_jwks(load_key(Path(args.key))),
        "webhook_url": f"{public_url}/onething/events",
        "asserts": ASSERTS,
        "rate_limit_tier": "standard",
    }
    print(json.dumps(body, ensure_ascii=False, indent=2))  # noqa: T201


def _serve(args: argparse.Namespace) -> None:
    from hospital_miniapp.server import serve

    serve(Config.from_env(port=args.port, dev=args.dev), args.port, args.host)


def main() -> None:
    parser = argparse.ArgumentParser(prog="hospital-miniapp")
    commands = parser.add_subparsers(required=True)
    keygen = commands.add_parser("keygen", help="make the private signing key (ES256 JWK)")
    keygen.add_argument("--out", default="var/hospital-key.json")
    keygen.add_argument("--kid", default="hospital-1")
    keygen.add_argument("--force", action="store_true")
    keygen.set_defaults(run=_keygen)
    registration = commands.add_parser("registration", help="print the registration JSON")
    registration.add_argument("--key", default="var/hospital-key.json")
    registration.add_argument("--client-id", default="hospital-mini-app")
    registration.add_argument("--public-url", default="http://127.0.0.1:8600")
    registration.set_defaults(run=_registration)
    run = commands.add_parser("serve", help="run the mini-app")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8600)
    run.add_argument("--dev", action="store_true", help="also serve /events.json (tests)")
    run.set_defaults(run=_serve)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
