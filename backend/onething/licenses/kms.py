"""The key-service adapter: issuing departments' production keys live in an HSM or a cloud KMS
and are referenced here by id (`key_ref`); the platform never holds their private halves.

The interface the platform speaks (HTTP, JSON, `Authorization: Bearer <LICENSE_KMS_TOKEN>`):

    GET  {LICENSE_KMS_URL}/keys/{key_ref}         -> 200 {"key_ref", "public_jwk": {OKP Ed25519}}
    POST {LICENSE_KMS_URL}/keys/{key_ref}/sign    {"message": <base64url>}
                                                  -> 200 {"signature": <base64url, 64 bytes>}

404 means no such key, 401/403 a refused caller, 5xx or no answer an unavailable service. An
HSM's vendor API (PKCS#11 behind a signing gateway) or a cloud KMS `Sign` call with an Ed25519
key maps onto these two calls in a thin gateway of the operator's. In this repository the
LOCAL SIGNING SERVICE (`onething.licenses.local_kms`, own process) implements the interface for
development and tests; it is a stand-in, not a key store for production.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Final, Protocol

import httpx

from onething.licenses.signing import MessageSigner

ED25519_SIGNATURE_BYTES: Final = 64


class KeyServiceUnavailableError(Exception):
    """The key service did not answer, or answered 5xx: try again later (the job retries)."""


class KeyServiceRefusedError(Exception):
    """The key service refused (unknown key, bad credentials, malformed answer): retrying the
    same call will not help; an operator must act."""


class KeyService(Protocol):
    async def public_jwk(self, key_ref: str) -> dict[str, Any]: ...

    async def sign(self, key_ref: str, message: bytes) -> bytes: ...


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class HttpKeyService:
    """Client of a key service speaking the interface above."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    async def _call(self, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.request(
                    method, f"{self.base_url}{path}", json=body, headers=headers
                )
        except httpx.HTTPError as exc:
            msg = f"key service unreachable: {exc.__class__.__name__}"
            raise KeyServiceUnavailableError(msg) from exc
        if response.status_code >= 500:
            msg = f"key service answered {response.status_code}"
            raise KeyServiceUnavailableError(msg)
        if response.status_code != 200:
            msg = f"key service refused {method} {path}: {response.status_code}"
            raise KeyServiceRefusedError(msg)
        try:
            answer = response.json()
        except ValueError as exc:
            msg = "key service answered something other than JSON"
            raise KeyServiceRefusedError(msg) from exc
        if not isinstance(answer, dict):
            msg = "key service answered something other than a JSON object"
            raise KeyServiceRefusedError(msg)
        return answer

    async def public_jwk(self, key_ref: str) -> dict[str, Any]:
        answer = await self._call("GET", f"/keys/{key_ref}", None)
        jwk = answer.get("public_jwk")
        if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            msg = f"key {key_ref} is not an Ed25519 public key"
            raise KeyServiceRefusedError(msg)
        if "d" in jwk:
            msg = f"key service disclosed the private half of {key_ref}"
            raise KeyServiceRefusedError(msg)
        return {"kty": "OKP", "crv": "Ed25519", "x": jwk.get("x")}

    async def sign(self, key_ref: str, message: bytes) -> bytes:
        answer = await self._call("POST", f"/keys/{key_ref}/sign", {"message": _b64url(message)})
        try:
            signature = _unb64url(str(answer.get("signature", "")))
        except (binascii.Error, ValueError) as exc:
            msg = "key service answered a malformed signature"
            raise KeyServiceRefusedError(msg) from exc
        if len(signature) != ED25519_SIGNATURE_BYTES:
            msg = "key service answered a malformed signature"
            raise KeyServiceRefusedError(msg)
        return signature


def remote_signer(service: KeyService, key_ref: str) -> MessageSigner:
    async def sign(message: bytes) -> bytes:
        return await service.sign(key_ref, message)

    return sign
