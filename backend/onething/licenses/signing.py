"""Issuers' signatures: one Ed25519 key per issuing department, detached JWS (EdDSA) over the
canonical metadata plus the file's SHA-256, compact QR tokens, and the public JWKS.

Where a private key lives is not this module's concern: an `IssuerKey` carries the public key
and an async `sign(message) -> signature`, either the platform's own sealed dev key or a call
to a key service (HSM/KMS) holding the key by id (`keyring.py`, `kms.py`). Compact JWS are
assembled here (RFC 7515 §7.1), so a remote signer only ever sees the signing input.
"""

from __future__ import annotations

import base64
import hashlib
import json
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import KeySet, OKPKey

# RFC 9864 prefers the fully-specified "Ed25519"; we sign as "EdDSA" (with Ed25519 keys only),
# which every deployed JOSE verifier knows. The library's reminder is noise in our logs.
warnings.filterwarnings("ignore", message="EdDSA is deprecated", category=SecurityWarning)
ALG: Final = "EdDSA"
ALGORITHMS: Final = [ALG]
METADATA_TYP: Final = "license-metadata+jws"
QR_TYP: Final = "license-qr+jwt"


def canonical_json(value: object) -> bytes:
    """RFC 8785 (JCS) for what we sign: objects, arrays, strings, integers, booleans and null
    (no floats anywhere in signed documents, so number formatting cannot differ)."""
    _refuse_floats(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _refuse_floats(value: object) -> None:
    if isinstance(value, float):
        msg = "signed documents carry no floating-point numbers"
        raise TypeError(msg)
    if isinstance(value, dict):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_floats(item)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def signed_payload(metadata: dict[str, Any], file_sha256: str) -> bytes:
    """What the detached signature covers: the metadata and the file's digest, canonically."""
    return canonical_json({"metadata": metadata, "file_sha256": file_sha256})


MessageSigner = Callable[[bytes], Awaitable[bytes]]


@dataclass(frozen=True)
class IssuerKey:
    """A department's current signing key: its public half, and how to sign with it."""

    kid: str
    public: OKPKey
    issuer_code: str
    sign: MessageSigner


def local_signer(key: OKPKey) -> MessageSigner:
    """Signing with a private key held in this process (the sealed dev keys)."""
    private = key.private_key
    if private is None:  # pragma: no cover - a public key cannot sign
        msg = "a private key is needed to sign"
        raise ValueError(msg)

    async def sign(message: bytes) -> bytes:
        return private.sign(message)  # type: ignore[union-attr]

    return sign


async def _signature(signer: IssuerKey, message: bytes) -> bytes:
    """Sign, then check the signature with the published public half: a key service that
    answered with another key's signature is caught here, not by the first verifier."""
    from cryptography.exceptions import InvalidSignature

    signature = await signer.sign(message)
    try:
        signer.public.public_key.verify(signature, message)  # type: ignore[union-attr]
    except (InvalidSignature, ValueError) as exc:
        msg = f"the signature made with key {signer.kid} does not verify with its public key"
        raise SignatureMismatchError(msg) from exc
    return signature


class SignatureMismatchError(Exception):
    """The signer's output does not verify with the key's published public half."""


async def _compact(signer: IssuerKey, header: dict[str, Any], payload: bytes) -> str:
    protected = _b64url(json.dumps(header, separators=(",", ":"), sort_keys=True).encode())
    signing_input = f"{protected}.{_b64url(payload)}"
    signature = await _signature(signer, signing_input.encode("ascii"))
    return f"{signing_input}.{_b64url(signature)}"


def new_ed25519_key() -> OKPKey:
    return OKPKey.generate_key("Ed25519", private=True)


def key_id(issuer_code: str, key: OKPKey) -> str:
    """`<credit code>:<JWK thumbprint>`: a verifier sees which issuer a key belongs to."""
    return f"{issuer_code}:{key.thumbprint()}"


def public_jwk(kid: str, key: OKPKey, issuer_code: str) -> dict[str, Any]:
    public = key.as_dict(private=False)
    public.update(kid=kid, use="sig", alg=ALG, iss=issuer_code)
    return public


async def sign_detached(signer: IssuerKey, metadata: dict[str, Any], file_sha256: str) -> str:
    """Compact JWS with the payload detached (RFC 7515 appendix F): `header..signature`."""
    header = {"alg": ALG, "kid": signer.kid, "typ": METADATA_TYP}
    token = await _compact(signer, header, signed_payload(metadata, file_sha256))
    protected, _, signature = token.split(".")
    return f"{protected}..{signature}"


def verify_detached(
    signature: str, metadata: dict[str, Any], file_sha256: str, jwks: dict[str, Any]
) -> bool:
    """True when the detached JWS verifies over this metadata and digest with a key of the
    JWKS (the key named by `kid`, and only with EdDSA)."""
    protected, sep, rest = signature.partition("..")
    if not sep or "." in rest:
        return False
    payload = _b64url(signed_payload(metadata, file_sha256))
    return _verify_compact(f"{protected}.{payload}.{rest}", jwks) is not None


async def sign_qr_token(signer: IssuerKey, claims: dict[str, Any]) -> str:
    header = {"alg": ALG, "kid": signer.kid, "typ": QR_TYP}
    return await _compact(signer, header, canonical_json(claims))


def verify_qr_token(token: str, jwks: dict[str, Any]) -> dict[str, Any] | None:
    """The token's claims when its signature verifies with the JWKS alone (offline), and its
    `iss` is the issuer the key is published for; None otherwise."""
    verified = _verify_compact(token, jwks)
    if verified is None:
        return None
    header, payload = verified
    try:
        claims = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(claims, dict) or header.get("typ") != QR_TYP:
        return None
    key_issuer = next(
        (k.get("iss") for k in jwks.get("keys", []) if k.get("kid") == header.get("kid")), None
    )
    if claims.get("iss") != key_issuer:
        return None
    return claims


def _verify_compact(token: str, jwks: dict[str, Any]) -> tuple[dict[str, Any], bytes] | None:
    try:
        key_set = KeySet.import_key_set(
            {"keys": [_strip_custom(k) for k in jwks.get("keys", []) if k.get("alg") == ALG]}
        )
        result = jws.deserialize_compact(token, key_set, algorithms=ALGORITHMS)
    except (JoseError, ValueError, KeyError, TypeError):
        return None
    return dict(result.headers()), result.payload


def _strip_custom(jwk: dict[str, Any]) -> dict[str, Any]:
    # `iss` is our own member; the JWK importer keeps to registered ones.
    return {k: v for k, v in jwk.items() if k != "iss"}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# --- Data Integrity proofs (eddsa-jcs-2022), for the VC export and the status lists -----------

_B58: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ED25519_PUB_MULTICODEC: Final = b"\xed\x01"


def base58btc(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def did_key(key: OKPKey) -> str:
    """`did:key` of an Ed25519 public key (multicodec 0xed01, multibase base58btc)."""
    raw = base64.urlsafe_b64decode(str(key.as_dict(private=False)["x"]) + "==")
    return "did:key:z" + base58btc(_ED25519_PUB_MULTICODEC + raw)


def _proof_hash(document: dict[str, Any], proof_config: dict[str, Any]) -> bytes:
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return (
        hashlib.sha256(canonical_json(proof_config)).digest()
        + hashlib.sha256(canonical_json(unsecured)).digest()
    )


async def add_data_integrity_proof(
    document: dict[str, Any], signer: IssuerKey, *, created: str
) -> dict[str, Any]:
    """The document with a `DataIntegrityProof` (cryptosuite eddsa-jcs-2022) added."""
    method = did_key(signer.public)
    config = {
        "@context": document["@context"],
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": created,
        "verificationMethod": f"{method}#{method.removeprefix('did:key:')}",
        "proofPurpose": "assertionMethod",
    }
    signature = await _signature(signer, _proof_hash(document, config))
    proof = {k: v for k, v in config.items() if k != "@context"}
    proof["proofValue"] = "z" + base58btc(signature)
    return {**document, "proof": proof}


def verify_data_integrity_proof(document: dict[str, Any]) -> bool:
    """Check an eddsa-jcs-2022 proof whose verification method is a `did:key` (self-contained:
    the public key is in the identifier)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != "eddsa-jcs-2022":
        return False
    method = str(proof.get("verificationMethod", ""))
    encoded = method.removeprefix("did:key:").partition("#")[0]
    value = str(proof.get("proofValue", ""))
    if not encoded.startswith("z") or not value.startswith("z"):
        return False
    raw = base58btc_decode(encoded[1:])
    if not raw.startswith(_ED25519_PUB_MULTICODEC) or len(raw) != 34:
        return False
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = document.get("@context")
    try:
        Ed25519PublicKey.from_public_bytes(raw[2:]).verify(
            base58btc_decode(value[1:]), _proof_hash(document, config)
        )
    except (InvalidSignature, ValueError):
        return False
    return True
