"""A stand-in for a mini-app's webhook endpoint (a real HTTP server on loopback, in a thread):
it checks each delivery's signature and freshness with the documented receiver rule
(`onething.departments.signing.verify`) and records what came, acting once per event id. It
can be told to fail the next N deliveries (HTTP 500) to exercise retries."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from onething.departments.signing import (
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureRejectedError,
    verify,
)


@dataclass
class Delivery:
    event_id: str
    body: bytes
    verified: bool


@dataclass
class MiniAppReceiver:
    secret: str
    deliveries: list[Delivery] = field(default_factory=list)
    fail_next: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/onething/events"

    def events(self) -> list[dict[str, Any]]:
        """The verified events, once per id, in arrival order."""
        seen: dict[str, dict[str, Any]] = {}
        for d in self.deliveries:
            if d.verified and d.event_id not in seen:
                seen[d.event_id] = json.loads(d.body)
        return list(seen.values())

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    verify(
                        [receiver.secret.encode()],
                        timestamp_header=self.headers.get(TIMESTAMP_HEADER),
                        signature_header=self.headers.get(SIGNATURE_HEADER),
                        body=body,
                        now=int(time.time()),
                        tolerance_seconds=300,
                    )
                    verified = True
                except SignatureRejectedError:
                    verified = False
                receiver.deliveries.append(
                    Delivery(self.headers.get(EVENT_ID_HEADER, ""), body, verified)
                )
                failing = receiver.fail_next > 0
                receiver.fail_next -= int(failing)
                status = 401 if not verified else 500 if failing else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                del format, args

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
