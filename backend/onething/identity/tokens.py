"""JWT access tokens (RFC 9068): claims, signing and verification (no I/O)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwt import JWTClaimsRegistry

from onething.identity.context import SIGNING_ALG

if TYPE_CHECKING:
    from joserfc.jwk import ECKey

    from onething.identity.keys import KeyRing

ACCESS_TOKEN_TYP: Final = "at+jwt"  # noqa: S105 — a media type, not a secret
LEEWAY_SECONDS: Final = 30
_TIMES: Final = frozenset({"exp", "iat", "nbf"})


class TokenRejectedError(Exception):
    """The token is not one this API accepts; the message is safe to show the caller."""


class UnknownSigningKeyError(TokenRejectedError):
    """Signed by a `kid` this ring does not hold (perhaps rotated in by another replica)."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: `sub` is whom the request acts for (a resident, or a client for
    client_credentials), `act` the party actually acting (an agent) when delegated."""

    sub: str
    client_id: str
    scopes: frozenset[str]
    jti: str
    act: dict[str, Any] | None = None
    delegation_id: str | None = None

    @property
    def actor(self) -> str:
        """Who pressed the button: the agent for a delegated token, otherwise `sub`."""
        if self.act and isinstance(self.act.get("sub"), str):
            return str(self.act["sub"])
        return self.sub

    def has_scopes(self, *required: str) -> bool:
        return set(required) <= self.scopes


def sign_access_token(ring: KeyRing, claims: dict[str, Any]) -> str:
    header = {"alg": SIGNING_ALG, "kid": ring.signing_kid, "typ": ACCESS_TOKEN_TYP}
    return jwt.encode(header, claims, ring.signing_key, algorithms=[SIGNING_ALG])


def sign_jwt(ring: KeyRing, claims: dict[str, Any], *, typ: str = "JWT") -> str:
    header = {"alg": SIGNING_ALG, "kid": ring.signing_kid, "typ": typ}
    return jwt.encode(header, claims, ring.signing_key, algorithms=[SIGNING_ALG])


def unverified_kid(token: str) -> str | None:
    try:
        kid = jws.extract_compact(token.encode("ascii")).headers().get("kid")
    except (JoseError, ValueError, UnicodeEncodeError):
        return None
    return kid if isinstance(kid, str) else None


# Tokens verified lately, by (token, issuer, audience): the key that verified each and its
# claims. A client sends the same token with every request for its lifetime; its signature
# and claims need checking once, its expiry and key every time. Bounded, oldest out first.
_VERIFIED: Final[OrderedDict[tuple[str, str, str | None], tuple[str, ECKey, dict[str, Any]]]] = (
    OrderedDict()
)
VERIFIED_CACHE_SIZE: Final = 4096


def verify_access_token(
    ring: KeyRing,
    token: str,
    *,
    issuer: str,
    audience: str | None,
    now: int,
    check_expiry: bool = True,
) -> dict[str, Any]:
    """Signature by one of our published keys, `typ` at+jwt, our `iss`, the expected `aud`
    (None skips it, for revocation and introspection), and `exp`. Returns the claims.

    The same token verified again is answered from `_VERIFIED` (the same bytes verify the
    same way under the same key) once its key is checked to be still in the ring and its
    `exp` not passed; the signature is not checked again. Revocation is not this function's:
    the request gate checks it in the database at every request."""
    cache_key = (token, issuer, audience)
    if check_expiry and (hit := _VERIFIED.get(cache_key)) is not None:
        kid, key, claims = hit
        if ring.verifying.get(kid) is key and now <= int(claims["exp"]) + LEEWAY_SECONDS:
            _VERIFIED.move_to_end(cache_key)
            return dict(claims)
        del _VERIFIED[cache_key]
    verified_by, claims = _verify(
        ring, token, issuer=issuer, audience=audience, now=now, check_expiry=check_expiry
    )
    if check_expiry:
        _VERIFIED[cache_key] = (verified_by, ring.verifying[verified_by], claims)
        if len(_VERIFIED) > VERIFIED_CACHE_SIZE:
            _VERIFIED.popitem(last=False)
    return dict(claims)


def _verify(
    ring: KeyRing,
    token: str,
    *,
    issuer: str,
    audience: str | None,
    now: int,
    check_expiry: bool,
) -> tuple[str, dict[str, Any]]:
    """The `kid` that verified the token, and its claims."""
    kid = unverified_kid(token)
    if kid is None:
        msg = "malformed token"
        raise TokenRejectedError(msg)
    key = ring.verifying.get(kid)
    if key is None:
        msg = "unknown signing key"
        raise UnknownSigningKeyError(msg)
    try:
        decoded = jwt.decode(token, key, algorithms=[SIGNING_ALG])
    except (JoseError, ValueError) as exc:
        msg = "bad signature"
        raise TokenRejectedError(msg) from exc
    if decoded.header.get("typ") != ACCESS_TOKEN_TYP:
        msg = "not an access token"
        raise TokenRejectedError(msg)
    options: dict[str, Any] = {
        "iss": {"essential": True, "value": issuer},
        "jti": {"essential": True},
        "sub": {"essential": True},
        "client_id": {"essential": True},
    }
    if audience is not None:
        options["aud"] = {"essential": True, "value": audience}
    if check_expiry:
        options["exp"] = {"essential": True}
    registry = JWTClaimsRegistry(now=now, leeway=LEEWAY_SECONDS, **options)
    try:
        registry.validate(decoded.claims)
    except JoseError as exc:
        msg = f"claim check failed: {exc.error}"
        raise TokenRejectedError(msg) from exc
    return kid, dict(decoded.claims)


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    scope = claims.get("scope") or ""
    act = claims.get("act")
    return Principal(
        sub=str(claims["sub"]),
        client_id=str(claims["client_id"]),
        scopes=frozenset(str(scope).split()),
        jti=str(claims["jti"]),
        act=act if isinstance(act, dict) else None,
        delegation_id=str(claims["delegation_id"]) if claims.get("delegation_id") else None,
    )


def verify_id_token_hint(ring: KeyRing, token: str, *, issuer: str) -> dict[str, Any]:
    """An ID token we issued, presented back as `id_token_hint` at logout: our signature and
    `iss`. Its expiry is not checked (OpenID Connect RP-Initiated Logout §2: a hint may have
    expired), but a key no longer published is not trusted."""
    kid = unverified_kid(token)
    key = ring.verifying.get(kid) if kid else None
    if key is None:
        msg = "unknown signing key"
        raise TokenRejectedError(msg)
    try:
        decoded = jwt.decode(token, key, algorithms=[SIGNING_ALG])
    except (JoseError, ValueError) as exc:
        msg = "bad signature"
        raise TokenRejectedError(msg) from exc
    if decoded.header.get("typ") == ACCESS_TOKEN_TYP:
        msg = "an access token is not an ID token"
        raise TokenRejectedError(msg)
    registry = JWTClaimsRegistry(
        iss={"essential": True, "value": issuer}, sub={"essential": True}, aud={"essential": True}
    )
    try:
        registry.validate({k: v for k, v in decoded.claims.items() if k not in _TIMES})
    except JoseError as exc:
        msg = f"claim check failed: {exc.error}"
        raise TokenRejectedError(msg) from exc
    return dict(decoded.claims)
