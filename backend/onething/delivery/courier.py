"""The courier adapter: create an order, cancel it, read a tracking callback. One interface,
chosen by `COURIER_BACKEND`; `local` talks real HTTP to the local courier service
(`onething.delivery.local_courier`), a stand-in for EMS/SF-type shipping APIs."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

import httpx
import msgspec

from onething.delivery.signing import SIGNATURE_HEADER, sign, verify
from onething.delivery.states import TrackingStatus

if TYPE_CHECKING:
    from onething.core.settings import DeliverySettings


class Recipient(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    phone: str
    region_code: str
    address: str


class CourierOrder(msgspec.Struct, frozen=True, kw_only=True):
    # Unique per shipment attempt: the courier answers the same order for a repeated call.
    reference: str
    recipient: Recipient
    items: list[str]  # what is inside (service ids), for the waybill


class CourierReceipt(msgspec.Struct, frozen=True, kw_only=True):
    courier: str
    tracking_number: str


class TrackingUpdate(msgspec.Struct, frozen=True, kw_only=True):
    courier: str
    event_id: str
    tracking_number: str
    status: TrackingStatus
    occurred_at: dt.datetime


class CourierUnavailableError(Exception):
    """The courier's API did not answer (or answered 5xx): try again later."""


class CourierRefusedError(Exception):
    """The courier refused the order (4xx): retrying the same order will not help."""


class Courier(Protocol):
    name: str

    async def create_order(self, order: CourierOrder) -> CourierReceipt: ...

    async def cancel(self, tracking_number: str) -> None: ...

    def read_callback(self, signature: str | None, body: bytes) -> TrackingUpdate:
        """Verify and decode a tracking callback (raises BadSignatureError)."""
        ...


class LocalCourier:
    """Client of the local courier service (own process, loopback HTTP)."""

    name = "local"

    def __init__(self, settings: DeliverySettings, *, timeout: float = 5.0) -> None:
        self.base_url = settings.courier_url
        self.secret = settings.courier_secret
        self.timeout = timeout

    async def _post(self, path: str, body: bytes) -> httpx.Response:
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(self.secret, body)}
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.post(
                    f"{self.base_url}{path}", content=body, headers=headers
                )
        except httpx.HTTPError as exc:
            raise CourierUnavailableError(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500:
            raise CourierUnavailableError(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise CourierRefusedError(f"HTTP {response.status_code}: {response.text[:150]}")
        return response

    async def create_order(self, order: CourierOrder) -> CourierReceipt:
        response = await self._post("/api/orders", msgspec.json.encode(order))
        return msgspec.json.decode(response.content, type=CourierReceipt)

    async def cancel(self, tracking_number: str) -> None:
        await self._post(f"/api/orders/{tracking_number}/cancel", b"{}")

    def read_callback(self, signature: str | None, body: bytes) -> TrackingUpdate:
        verify(self.secret, signature, body)
        return msgspec.json.decode(body, type=TrackingUpdate)


def courier_for(settings: DeliverySettings) -> Courier:
    """The adapter chosen by `COURIER_BACKEND` (only `local` exists so far)."""
    if settings.courier_backend == "local":
        return LocalCourier(settings)
    msg = f"unknown COURIER_BACKEND {settings.courier_backend!r}"
    raise ValueError(msg)
