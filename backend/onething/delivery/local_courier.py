"""The LOCAL COURIER SERVICE: a small HTTP app in its own process that stands in for an
EMS/SF-type shipping API we cannot reach from here. Not part of the platform.

It assigns tracking numbers to orders and posts signed tracking events (picked up, in transit,
out for delivery, delivered, returned) to the platform's webhook, either when told to
(`POST /dev/orders/<number>/events`, for tests and demos) or by itself every few seconds
(`--auto-advance`). Requests to it must carry the same HMAC signature as its callbacks.

    python -m onething.delivery.local_courier --port 8377 \\
        --webhook http://127.0.0.1:8000/api/v1/delivery/courier-events   (secret: COURIER_SECRET)
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import re
import signal
import sys
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

from onething.delivery.signing import SIGNATURE_HEADER, BadSignatureError, sign, verify

NAME: Final = "local"
HAPPY_PATH: Final = ("picked_up", "in_transit", "out_for_delivery", "delivered")
STATUSES: Final = frozenset({*HAPPY_PATH, "returned"})
_EVENTS_PATH: Final = re.compile(r"^/dev/orders/([A-Z0-9]+)/events$")
_CANCEL_PATH: Final = re.compile(r"^/api/orders/([A-Z0-9]+)/cancel$")


@dataclass
class Order:
    reference: str
    tracking_number: str
    body: dict[str, Any]
    statuses: list[str] = field(default_factory=list)
    cancelled: bool = False


@dataclass
class CourierState:
    webhook: str
    secret: str
    orders: dict[str, Order] = field(default_factory=dict)  # by tracking number
    by_reference: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def create(self, reference: str, body: dict[str, Any]) -> Order:
        with self.lock:
            known = self.by_reference.get(reference)
            if known is not None:  # the same order again (a retried call): the same number
                return self.orders[known]
            day = dt.datetime.now(dt.UTC).strftime("%y%m%d")
            number = f"LC{day}{os.getpid() % 1000:03d}{next(self.counter):06d}"
            order = Order(reference=reference, tracking_number=number, body=body)
            self.orders[number] = order
            self.by_reference[reference] = number
            return order

    def post_event(self, order: Order, status: str) -> int:
        """Send one signed tracking event to the platform; the webhook's HTTP status."""
        event = {
            "courier": NAME,
            "event_id": str(uuid.uuid4()),
            "tracking_number": order.tracking_number,
            "status": status,
            "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
        }
        body = json.dumps(event).encode()
        request = urllib.request.Request(  # noqa: S310 — the configured webhook URL
            self.webhook,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(self.secret, body)},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                code = int(response.status)
        except urllib.error.HTTPError as exc:
            code = exc.code
        except OSError:
            return 0
        if 200 <= code < 300:
            order.statuses.append(status)
        return code


def _handler(state: CourierState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "LocalCourier/1"

        def log_message(self, format: str, *args: Any) -> None:
            del format, args  # quiet: the devstack's terminal is shared

        def _reply(self, status: int, payload: dict[str, Any]) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/healthz":
                self._reply(HTTPStatus.OK, {"status": "ok", "orders": len(state.orders)})
                return
            self._reply(HTTPStatus.NOT_FOUND, {"error": "not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            try:
                verify(state.secret, self.headers.get(SIGNATURE_HEADER), body)
            except BadSignatureError as exc:
                self._reply(HTTPStatus.UNAUTHORIZED, {"error": str(exc)})
                return
            try:
                data = json.loads(body or b"{}")
            except ValueError:
                self._reply(HTTPStatus.BAD_REQUEST, {"error": "not JSON"})
                return
            if self.path == "/api/orders":
                self._create(data)
            elif match := _CANCEL_PATH.match(self.path):
                self._cancel(match.group(1))
            elif match := _EVENTS_PATH.match(self.path):
                self._event(match.group(1), data)
            else:
                self._reply(HTTPStatus.NOT_FOUND, {"error": "not found"})

        def _create(self, data: dict[str, Any]) -> None:
            recipient = data.get("recipient") or {}
            reference = data.get("reference")
            if not reference or not all(
                recipient.get(k) for k in ("name", "phone", "region_code", "address")
            ):
                self._reply(HTTPStatus.UNPROCESSABLE_ENTITY, {"error": "incomplete order"})
                return
            order = state.create(str(reference), data)
            self._reply(
                HTTPStatus.CREATED, {"courier": NAME, "tracking_number": order.tracking_number}
            )

        def _cancel(self, number: str) -> None:
            order = state.orders.get(number)
            if order is None:
                self._reply(HTTPStatus.NOT_FOUND, {"error": "unknown tracking number"})
                return
            order.cancelled = True
            self._reply(HTTPStatus.OK, {"tracking_number": number, "cancelled": True})

        def _event(self, number: str, data: dict[str, Any]) -> None:
            order = state.orders.get(number)
            status = data.get("status")
            if order is None or status not in STATUSES:
                self._reply(HTTPStatus.NOT_FOUND, {"error": "unknown order or status"})
                return
            code = state.post_event(order, str(status))
            self._reply(HTTPStatus.OK, {"webhook_status": code})

    return Handler


def _auto_advance(state: CourierState, every: float, stop: threading.Event) -> None:
    """Demo mode: each order moves one step along the happy path every `every` seconds."""
    while not stop.wait(every):
        for order in list(state.orders.values()):
            done = len(order.statuses)
            if not order.cancelled and done < len(HAPPY_PATH):
                state.post_event(order, HAPPY_PATH[done])


def serve(host: str, port: int, webhook: str, secret: str, auto_advance: float = 0.0) -> None:
    state = CourierState(webhook=webhook, secret=secret)
    server = ThreadingHTTPServer((host, port), _handler(state))
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        del signum, frame
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if auto_advance > 0:
        threading.Thread(
            target=_auto_advance, args=(state, auto_advance, stop), daemon=True
        ).start()
    print(f"local courier on http://{host}:{port}, webhook {webhook}", flush=True)  # noqa: T201
    server.serve_forever(poll_interval=0.2)
    server.server_close()


def command(port: int, webhook: str, *, auto_advance: float = 0.0) -> list[str]:
    """The command line that runs this service (COURIER_SECRET goes in the environment)."""
    argv = [
        sys.executable,
        "-m",
        "onething.delivery.local_courier",
        "--port",
        str(port),
        "--webhook",
        webhook,
    ]
    if auto_advance > 0:
        argv += ["--auto-advance", str(auto_advance)]
    return argv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8377)
    parser.add_argument("--webhook", required=True, help="the platform's courier-events URL")
    parser.add_argument("--auto-advance", type=float, default=0.0, metavar="SECONDS")
    args = parser.parse_args()
    secret = os.environ.get("COURIER_SECRET", "")
    if not secret:
        parser.error("COURIER_SECRET must be set")
    serve(args.host, args.port, args.webhook, secret, args.auto_advance)


if __name__ == "__main__":
    main()
