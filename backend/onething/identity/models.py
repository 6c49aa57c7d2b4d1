"""Identity tables: accounts, login codes, rate limits, SSO sessions, OAuth clients and tokens,
signing keys, the dev SMS outbox and the append-only security events."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, INET, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from onething.core.db import Base

ROLES: Final = ("resident", "agent", "clerk", "admin")

_TZ = DateTime(timezone=True)


class User(Base):
    """An account. Personal fields are ciphertexts (see identity.crypto) bound to the row id;
    `*_index` columns are keyed blind indexes used for look-up and uniqueness."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('resident', 'agent', 'clerk', 'admin')", name="role_known"),
        # A clerk always belongs to a department; nobody else does.
        CheckConstraint(
            "(role = 'clerk') = (department_code IS NOT NULL)", name="clerk_department"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    department_code: Mapped[str | None] = mapped_column(String(32))
    name_encrypted: Mapped[str | None] = mapped_column(Text)
    id_number_encrypted: Mapped[str | None] = mapped_column(Text)
    id_number_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    phone_encrypted: Mapped[str | None] = mapped_column(Text)
    phone_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(_TZ, server_default=func.now())
    disabled_at: Mapped[datetime | None] = mapped_column(_TZ)


class SecurityEvent(Base):
    """Append-only (a trigger refuses UPDATE and DELETE): who did what, for whom, from where."""

    __tablename__ = "security_events"
    __table_args__ = (Index("ix_security_events_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(_TZ, server_default=func.now())
    event_type: Mapped[str] = mapped_column(String(64))
    # The subject the event is about (the resident for delegated actions).
    user_id: Mapped[uuid.UUID | None] = mapped_column()
    # The acting party when it is not the subject (RFC 8693 `act.sub`, e.g. an agent).
    act_sub: Mapped[str | None] = mapped_column(String(64))
    client_id: Mapped[str | None] = mapped_column(String(128))
    ip: Mapped[str | None] = mapped_column(INET)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")


class LoginCode(Base):
    """A one-time SMS code: stored as a keyed hash, short-lived, limited attempts."""

    __tablename__ = "login_codes"
    __table_args__ = (Index("ix_login_codes_phone_index_created_at", "phone_index", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    phone_index: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(_TZ)
    expires_at: Mapped[datetime] = mapped_column(_TZ)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    consumed_at: Mapped[datetime | None] = mapped_column(_TZ)


class RateLimitHit(Base):
    """Fixed-window counters shared by every API process (never process memory)."""

    __tablename__ = "rate_limit_hits"

    bucket: Mapped[str] = mapped_column(String(160), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(_TZ, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)


class SsoSession(Base):
    """A login at the provider; the cookie holds a random id, the table only its hash."""

    __tablename__ = "sso_sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    amr: Mapped[list[str]] = mapped_column(ARRAY(String(16)))
    created_at: Mapped[datetime] = mapped_column(_TZ)
    last_seen_at: Mapped[datetime] = mapped_column(_TZ)
    expires_at: Mapped[datetime] = mapped_column(_TZ)
    ended_at: Mapped[datetime | None] = mapped_column(_TZ)


class SmsOutboxMessage(Base):
    """What the local SMS adapter 'sends': readable through a dev-only endpoint."""

    __tablename__ = "sms_outbox"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    phone_index: Mapped[str] = mapped_column(String(64), index=True)
    phone_encrypted: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(_TZ, server_default=func.now())


class OAuthClient(Base):
    """A relying party: the PWA (public, PKCE), mini-apps and department systems
    (confidential, private_key_jwt)."""

    __tablename__ = "oauth_clients"
    __table_args__ = (
        CheckConstraint(
            "token_endpoint_auth_method IN ('none', 'private_key_jwt')", name="auth_method_known"
        ),
    )

    client_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    token_endpoint_auth_method: Mapped[str] = mapped_column(String(32))
    redirect_uris: Mapped[list[str]] = mapped_column(ARRAY(Text))
    # OpenID Connect RP-Initiated Logout: where the browser may return after logout (exact).
    post_logout_redirect_uris: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    grant_types: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    scope: Mapped[str] = mapped_column(Text)
    jwks: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    first_party: Mapped[bool] = mapped_column(Boolean, server_default="false")
    # A department's system is bound to one catalog department: its client_credentials
    # tokens carry `department:<id>` for that department and no other.
    department: Mapped[str | None] = mapped_column(String(64))
    # Requests per window the client's tokens may make together (API_RATE_LIMIT_TIERS).
    rate_limit_tier: Mapped[str] = mapped_column(String(32), server_default="standard")
    # Registered third-party clients (client_registry.py): the English display name, where
    # their keys are published, where their webhooks go (secret sealed), who registered them.
    name_en: Mapped[str | None] = mapped_column(String(200))
    jwks_uri: Mapped[str | None] = mapped_column(Text)
    webhook_url: Mapped[str | None] = mapped_column(Text)
    webhook_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    registered_by: Mapped[str | None] = mapped_column(String(64))
    # The facts a mini-app is an authoritative source of (a hospital: the birth facts), as
    # catalog data element ids or `<section>.*`: what it may prefill when it launches a draft.
    asserts: Mapped[list[str]] = mapped_column(ARRAY(String(128)), server_default="{}")
    # The webhook event types it subscribed to (client_registry.WEBHOOK_EVENT_TYPES).
    webhook_events: Mapped[list[str]] = mapped_column(ARRAY(String(48)), server_default="{}")
    disabled_at: Mapped[datetime | None] = mapped_column(_TZ)
    created_at: Mapped[datetime] = mapped_column(_TZ, server_default=func.now())


class SigningKey(Base):
    """The provider's asymmetric signing keys; private halves encrypted with the data key.
    A key signs from `activated_at` until `retired_at` and is published until `expires_at`."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    alg: Mapped[str] = mapped_column(String(16))
    private_jwk_encrypted: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSONB)
    activated_at: Mapped[datetime] = mapped_column(_TZ)
    retired_at: Mapped[datetime | None] = mapped_column(_TZ)
    expires_at: Mapped[datetime | None] = mapped_column(_TZ)


class AuthorizationCode(Base):
    """Single use, ≤ 60 s; `used_at` is set atomically at redemption so a replay is seen."""

    __tablename__ = "authorization_codes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str] = mapped_column(
        ForeignKey("oauth_clients.client_id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    sso_session_id: Mapped[uuid.UUID | None] = mapped_column()
    redirect_uri: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text)
    nonce: Mapped[str | None] = mapped_column(String(255))
    code_challenge: Mapped[str] = mapped_column(String(128))
    code_challenge_method: Mapped[str] = mapped_column(String(8))
    auth_time: Mapped[datetime] = mapped_column(_TZ)
    amr: Mapped[list[str]] = mapped_column(ARRAY(String(16)))
    created_at: Mapped[datetime] = mapped_column(_TZ)
    expires_at: Mapped[datetime] = mapped_column(_TZ)
    used_at: Mapped[datetime | None] = mapped_column(_TZ)


class RefreshToken(Base):
    """Rotated at every use; all tokens descended from one grant share a `family_id`, and
    presenting a spent one revokes the whole family (RFC 9700 §4.14)."""

    __tablename__ = "refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    client_id: Mapped[str] = mapped_column(
        ForeignKey("oauth_clients.client_id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    sso_session_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    scope: Mapped[str] = mapped_column(Text)
    auth_time: Mapped[datetime] = mapped_column(_TZ)
    created_at: Mapped[datetime] = mapped_column(_TZ)
    expires_at: Mapped[datetime] = mapped_column(_TZ)
    rotated_at: Mapped[datetime | None] = mapped_column(_TZ)
    revoked_at: Mapped[datetime | None] = mapped_column(_TZ)


class AccessToken(Base):
    """Issued JWT access tokens by `jti`: makes revocation and introspection exact."""

    __tablename__ = "access_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    family_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    client_id: Mapped[str] = mapped_column(
        ForeignKey("oauth_clients.client_id", ondelete="CASCADE")
    )
    subject: Mapped[str] = mapped_column(String(128))
    act_sub: Mapped[str | None] = mapped_column(String(128))
    scope: Mapped[str] = mapped_column(Text)
    sso_session_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(_TZ)
    expires_at: Mapped[datetime] = mapped_column(_TZ)
    revoked_at: Mapped[datetime | None] = mapped_column(_TZ)


class ClientAssertionJti(Base):
    """`jti` of each private_key_jwt assertion seen, until it expires: no replay."""

    __tablename__ = "client_assertion_jtis"

    client_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    jti: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(_TZ)


class Delegation(Base):
    """帮办代办: an agent may act for a resident on the named bundles within the validity, once
    the resident confirmed (SMS code to the resident's phone) or the agent recorded the signed
    authorisation form in person. Revocable by either at any time."""

    __tablename__ = "delegations"
    __table_args__ = (
        CheckConstraint("valid_until > valid_from", name="validity_ordered"),
        CheckConstraint(
            "valid_until <= valid_from + interval '30 days'", name="validity_at_most_30_days"
        ),
        CheckConstraint("agent_id <> resident_id", name="not_self"),
        CheckConstraint(
            "evidence_kind IS NULL OR evidence_kind IN ('sms_confirmation', 'in_person')",
            name="evidence_kind_known",
        ),
        Index("ix_delegations_agent_resident", "agent_id", "resident_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    resident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    bundles: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    valid_from: Mapped[datetime] = mapped_column(_TZ)
    valid_until: Mapped[datetime] = mapped_column(_TZ)
    created_at: Mapped[datetime] = mapped_column(_TZ)
    evidence_kind: Mapped[str | None] = mapped_column(String(32))
    # No personal data: object keys and digests, who checked the ID, when confirmed.
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    confirmation_code_hash: Mapped[str | None] = mapped_column(String(64))
    confirmation_expires_at: Mapped[datetime | None] = mapped_column(_TZ)
    confirmation_attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    confirmed_at: Mapped[datetime | None] = mapped_column(_TZ)
    revoked_at: Mapped[datetime | None] = mapped_column(_TZ)
    revoked_by: Mapped[uuid.UUID | None] = mapped_column()


class Consent(Base):
    """The scopes a resident allowed a third-party client; consented again only for scopes
    not yet allowed. Withdrawing deletes the row (the security events keep the history)."""

    __tablename__ = "consents"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    client_id: Mapped[str] = mapped_column(
        ForeignKey("oauth_clients.client_id", ondelete="CASCADE"), primary_key=True
    )
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    granted_at: Mapped[datetime] = mapped_column(_TZ)
    updated_at: Mapped[datetime] = mapped_column(_TZ)


class Passkey(Base):
    """A WebAuthn credential (passkey) a resident registered; the public key verifies their
    sign-ins, the signature counter exposes a cloned authenticator."""

    __tablename__ = "passkeys"

    credential_id: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(BigInteger)
    transports: Mapped[list[str]] = mapped_column(ARRAY(String(16)), server_default="{}")
    created_at: Mapped[datetime] = mapped_column(_TZ)
    last_used_at: Mapped[datetime | None] = mapped_column(_TZ)


class PasskeyChallenge(Base):
    """One WebAuthn ceremony's challenge: single use (deleted when answered), short-lived."""

    __tablename__ = "passkey_challenges"
    __table_args__ = (CheckConstraint("purpose IN ('register', 'login')", name="purpose_known"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    challenge: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(_TZ)


class FederatedIdentity(Base):
    """An upstream provider's subject linked to a local account (federation)."""

    __tablename__ = "federated_identities"

    issuer: Mapped[str] = mapped_column(Text, primary_key=True)
    subject: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(_TZ)
    last_login_at: Mapped[datetime] = mapped_column(_TZ)


class FederationLogin(Base):
    """A sign-in sent to the upstream provider and not yet back: state (by hash, single use),
    nonce and PKCE verifier, and the authorization request to resume."""

    __tablename__ = "federation_logins"

    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    code_verifier: Mapped[str] = mapped_column(Text)
    nonce: Mapped[str] = mapped_column(String(64))
    next_url: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(_TZ)


class ResidentProfile(Base):
    """Facts a resident asked us to remember for their next application (the "remember for next
    time" box on the review page): contact details and addresses, sealed as one JSON object
    bound to the account; deleted when they say forget."""

    __tablename__ = "resident_profiles"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    facts_encrypted: Mapped[str] = mapped_column(Text)
    consented_at: Mapped[datetime] = mapped_column(_TZ)
    updated_at: Mapped[datetime] = mapped_column(_TZ)
