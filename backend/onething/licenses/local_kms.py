"""The LOCAL SIGNING SERVICE: a small HTTP app in its own process that stands in for the HSM or
cloud KMS holding issuing departments' production keys, which we cannot reach from here. Not
part of the platform, and not a key store for production (its keys sit in a JSON file).

It speaks the interface documented in `onething.licenses.kms` (`GET /keys/{ref}`, `POST
/keys/{ref}/sign`), plus `POST /keys/{ref}` to create an Ed25519 key, which a real HSM does
in its own ceremony. Every request needs `Authorization: Bearer <LICENSE_KMS_TOKEN>`. Private
keys never leave the process.

    LICENSE_KMS_TOKEN=... python -m onething.licenses.local_kms --port 8378 \\
        --keys var/local-kms/keys.json --create health-commission-2026
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hmac
import json
import os
import re
import signal
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

_KEY_PATH: Final = re.compile(r"^/keys/([A-Za-z0-9._-]{1,100})$")
_SIGN_PATH: Final = re.compile(r"^/keys/([A-Za-z0-9._-]{1,100})/sign$")
_MAX_MESSAGE: Final = 64 * 1024


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass
class KeyStore:
    path: Path
    keys: dict[str, Ed25519PrivateKey] = field(default_factory=dict)
    signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, path: Path) -> KeyStore:
        store = cls(path=path)
        if path.is_file():
            for ref, raw in json.loads(path.read_text()).items():
                store.keys[ref] = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(raw))
        return store

    def create(self, ref: str) -> bool:
        """A new key under `ref`; False when one exists (keys are never replaced)."""
        with self.lock:
            if ref in self.keys:
                return False
            self.keys[ref] = Ed25519PrivateKey.generate()
            self._save()
            return True

    def _save(self) -> None:
        raw = {
            ref: key.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            ).hex()
            for ref, key in self.keys.items()
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(raw))
        tmp.chmod(0o600)
        tmp.replace(self.path)

    def public_jwk(self, ref: str) -> dict[str, str]:
        public = (
            self.keys[ref]
            .public_key()
            .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        )
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(public)}

    def sign(self, ref: str, message: bytes) -> bytes:
        with self.lock:
            self.signatures += 1
        return self.keys[ref].sign(message)


def _handler(store: KeyStore, token: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "LocalSigningService/1"

        def log_message(self, format: str, *args: Any) -> None:
            del format, args  # quiet: the devstack's terminal is shared

        def _reply(self, status: int, payload: dict[str, Any]) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _authorised(self) -> bool:
            given = self.headers.get("Authorization", "")
            if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return True
            self._reply(HTTPStatus.UNAUTHORIZED, {"error": "bad or missing bearer token"})
            return False

        def do_GET(self) -> None:
            if self.path == "/healthz":
                self._reply(HTTPStatus.OK, {"status": "ok", "signatures": store.signatures})
                return
            if not self._authorised():
                return
            match = _KEY_PATH.match(self.path)
            if match is None or match.group(1) not in store.keys:
                self._reply(HTTPStatus.NOT_FOUND, {"error": "no such key"})
                return
            ref = match.group(1)
            self._reply(HTTPStatus.OK, {"key_ref": ref, "public_jwk": store.public_jwk(ref)})

        def do_POST(self) -> None:
            if not self._authorised():
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > _MAX_MESSAGE:
                self._reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "too large"})
                return
            body = self.rfile.read(length)
            if match := _SIGN_PATH.match(self.path):
                self._sign(match.group(1), body)
            elif match := _KEY_PATH.match(self.path):
                created = store.create(match.group(1))
                status = HTTPStatus.CREATED if created else HTTPStatus.OK
                ref = match.group(1)
                self._reply(status, {"key_ref": ref, "public_jwk": store.public_jwk(ref)})
            else:
                self._reply(HTTPStatus.NOT_FOUND, {"error": "not found"})

        def _sign(self, ref: str, body: bytes) -> None:
            if ref not in store.keys:
                self._reply(HTTPStatus.NOT_FOUND, {"error": "no such key"})
                return
            try:
                encoded = str(json.loads(body)["message"])
                message = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            except (ValueError, KeyError, TypeError, binascii.Error):
                self._reply(HTTPStatus.BAD_REQUEST, {"error": "message must be base64url"})
                return
            self._reply(HTTPStatus.OK, {"signature": _b64url(store.sign(ref, message))})

    return Handler


def serve(host: str, port: int, store: KeyStore, token: str) -> None:
    server = ThreadingHTTPServer((host, port), _handler(store, token))

    def on_signal(signum: int, frame: object) -> None:
        del signum, frame
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(f"local signing service on http://{host}:{port}", flush=True)  # noqa: T201
    server.serve_forever(poll_interval=0.2)
    server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8378)
    parser.add_argument("--keys", type=Path, required=True, help="JSON file of the keys")
    parser.add_argument("--create", action="append", default=[], metavar="KEY_REF")
    args = parser.parse_args()
    token = os.environ.get("LICENSE_KMS_TOKEN", "")
    if not token:
        parser.error("LICENSE_KMS_TOKEN must be set")
    store = KeyStore.open(args.keys)
    for ref in args.create:
        store.create(ref)
    serve(args.host, args.port, store, token)


if __name__ == "__main__":
    main()
