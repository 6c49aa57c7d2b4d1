"""Environment-driven settings, one small frozen dataclass per concern."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parents[3]

_Number = TypeVar("_Number", int, float)


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _env_number(name: str, default: _Number, parse: Callable[[str], _Number], what: str) -> _Number:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return parse(raw)
    except ValueError as exc:
        msg = f"{name} must be {what}, got {raw!r}"
        raise ValueError(msg) from exc


def _env_int(name: str, default: int) -> int:
    return _env_number(name, default, int, "an integer")


def _env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, "a number")


def _env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    return raw in {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True)
class AppSettings:
    """How the HTTP app presents itself."""

    environment: str = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = "http://127.0.0.1:8000"
    pwa_dir: Path = REPO_ROOT / "pwa" / "dist"
    catalog_dir: Path = REPO_ROOT / "catalog"
    log_level: str = "INFO"
    log_json: bool = True

    @property
    def is_dev(self) -> bool:
        return self.environment in {"development", "test"}

    @classmethod
    def from_env(cls) -> AppSettings:
        port = _env_int("PORT", 8000)
        host = _env("HOST", "127.0.0.1")
        return cls(
            environment=_env("ONETHING_ENV", "development"),
            host=host,
            port=port,
            public_url=_env("PUBLIC_URL", f"http://{host}:{port}").rstrip("/"),
            pwa_dir=Path(_env("PWA_DIR", str(REPO_ROOT / "pwa" / "dist"))),
            catalog_dir=Path(_env("CATALOG_DIR", str(REPO_ROOT / "catalog"))),
            log_level=_env("LOG_LEVEL", "INFO").upper(),
            log_json=_env_bool("LOG_JSON", default=True),
        )


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    """PostgreSQL connection; `url` uses the plain postgresql:// scheme."""

    url: str = ""
    pool_size: int = 10
    max_overflow: int = 10
    # A pooled connection used within this many seconds is handed out without a ping
    # (`core/db.py`); 0 pings at every checkout.
    ping_after_idle: float = 0.5
    echo: bool = False

    @property
    def async_url(self) -> str:
        """The URL SQLAlchemy needs for asyncpg."""
        for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
            if self.url.startswith(prefix):
                return "postgresql+asyncpg://" + self.url[len(prefix) :]
        return self.url

    @property
    def asyncpg_dsn(self) -> str:
        """The URL asyncpg accepts directly (no SQLAlchemy driver suffix)."""
        return self.async_url.replace("postgresql+asyncpg://", "postgresql://", 1)

    def with_database(self, name: str) -> str:
        """`url` naming another database on the same server (a query string such as a Unix
        socket's `?host=` kept)."""
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    @classmethod
    def from_env(cls) -> DatabaseSettings:
        return cls(
            url=_env("DATABASE_URL", ""),
            pool_size=_env_int("DATABASE_POOL_SIZE", 10),
            max_overflow=_env_int("DATABASE_MAX_OVERFLOW", 10),
            ping_after_idle=_env_float("DATABASE_PING_AFTER_IDLE", 0.5),
            echo=_env_bool("DATABASE_ECHO", default=False),
        )


@dataclass(frozen=True, slots=True)
class S3Settings:
    """Object storage; bucket names are `<prefix>-<purpose>`."""

    endpoint_url: str = ""
    access_key_id: str = ""
    secret_access_key: str = ""
    region: str = "us-east-1"
    bucket_prefix: str = "onething"
    force_path_style: bool = True

    @property
    def materials_bucket(self) -> str:
        return f"{self.bucket_prefix}-materials"

    @property
    def licenses_bucket(self) -> str:
        return f"{self.bucket_prefix}-licenses"

    @property
    def exports_bucket(self) -> str:
        return f"{self.bucket_prefix}-exports"

    @property
    def buckets(self) -> tuple[str, ...]:
        return (self.materials_bucket, self.licenses_bucket, self.exports_bucket)

    @classmethod
    def from_env(cls) -> S3Settings:
        return cls(
            endpoint_url=_env("S3_ENDPOINT_URL", ""),
            access_key_id=_env("S3_ACCESS_KEY_ID", _env("AWS_ACCESS_KEY_ID", "")),
            secret_access_key=_env("S3_SECRET_ACCESS_KEY", _env("AWS_SECRET_ACCESS_KEY", "")),
            region=_env("S3_REGION", "us-east-1"),
            bucket_prefix=_env("S3_BUCKET_PREFIX", "onething"),
            force_path_style=_env_bool("S3_FORCE_PATH_STYLE", default=True),
        )


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """Background job processing."""

    concurrency: int = 8
    max_attempts: int = 5
    poll_interval_seconds: float = 2.0
    # A job picked by a worker that stopped beating for this long (killed, frozen) runs again.
    heartbeat_timeout_seconds: float = 30.0
    # Periodic jobs (cron, China time is not assumed: UTC; 5 fields, or 6 with seconds last).
    # Empty turns the schedule off.
    overdue_schedule: str = "5 16 * * *"  # 00:05 in China

    @classmethod
    def from_env(cls) -> WorkerSettings:
        return cls(
            concurrency=_env_int("WORKER_CONCURRENCY", 8),
            max_attempts=_env_int("JOB_MAX_ATTEMPTS", 5),
            poll_interval_seconds=_env_float("WORKER_POLL_INTERVAL", 2.0),
            heartbeat_timeout_seconds=_env_float("WORKER_HEARTBEAT_TIMEOUT", 30),
            overdue_schedule=os.environ.get("OVERDUE_SCHEDULE", "5 16 * * *").strip(),
        )


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """Webhooks to department systems: attempts, exponential backoff, and what a receiver
    accepts as fresh."""

    max_attempts: int = 8
    initial_backoff_seconds: float = 10.0  # then x2 per failed attempt
    max_backoff_seconds: float = 3600.0
    timeout_seconds: float = 10.0
    tolerance_seconds: int = 300  # a signed timestamp older than this is a replay

    @classmethod
    def from_env(cls) -> WebhookSettings:
        return cls(
            max_attempts=_env_int("WEBHOOK_MAX_ATTEMPTS", 8),
            initial_backoff_seconds=_env_float("WEBHOOK_INITIAL_BACKOFF", 10),
            max_backoff_seconds=_env_float("WEBHOOK_MAX_BACKOFF", 3600),
            timeout_seconds=_env_float("WEBHOOK_TIMEOUT", 10),
            tolerance_seconds=_env_int("WEBHOOK_TOLERANCE", 300),
        )


@dataclass(frozen=True, slots=True)
class IdentitySettings:
    """Accounts, login and the OpenID Provider. Keys are base64; `data_keys` is
    `kid:key[,kid:key...]` with the current key first (older ones still decrypt)."""

    data_keys: str = ""
    blind_index_key: str = ""
    issuer: str = ""  # empty: the app's PUBLIC_URL
    sms_backend: str = "local"
    session_idle_seconds: int = 30 * 60
    session_absolute_seconds: int = 12 * 60 * 60
    access_token_seconds: int = 600
    id_token_seconds: int = 600
    authorization_code_seconds: int = 60
    refresh_token_seconds: int = 30 * 24 * 60 * 60
    login_code_seconds: int = 300
    login_code_attempts: int = 5
    codes_per_phone_per_hour: int = 5
    codes_per_ip_per_hour: int = 20
    # cron (pgqueuer's scheduler) for `identity.purge_expired`; empty: not scheduled
    purge_schedule: str = "17 * * * *"
    # Upstream federation (the national identity platform); empty issuer: off
    federation_issuer: str = ""
    federation_client_id: str = ""
    federation_scope: str = "openid profile id_number"

    @classmethod
    def from_env(cls) -> IdentitySettings:
        return cls(
            data_keys=_env("IDENTITY_DATA_KEYS", ""),
            blind_index_key=_env("IDENTITY_BLIND_INDEX_KEY", ""),
            issuer=_env("IDENTITY_ISSUER", "").rstrip("/"),
            sms_backend=_env("SMS_BACKEND", "local"),
            session_idle_seconds=_env_int("SSO_SESSION_IDLE_SECONDS", 30 * 60),
            session_absolute_seconds=_env_int("SSO_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60),
            access_token_seconds=min(_env_int("ACCESS_TOKEN_SECONDS", 600), 600),
            codes_per_phone_per_hour=_env_int("LOGIN_CODES_PER_PHONE_PER_HOUR", 5),
            codes_per_ip_per_hour=_env_int("LOGIN_CODES_PER_IP_PER_HOUR", 20),
            purge_schedule=os.environ.get("IDENTITY_PURGE_SCHEDULE", "17 * * * *").strip(),
            federation_issuer=_env("FEDERATION_ISSUER", "").rstrip("/"),
            federation_client_id=_env("FEDERATION_CLIENT_ID", ""),
            federation_scope=_env("FEDERATION_SCOPE", "openid profile id_number"),
        )


@dataclass(frozen=True, slots=True)
class ApiLimitSettings:
    """Requests per fixed window that one resident (or agent, clerk) and one third-party
    client may make to the API, counted in PostgreSQL so every API process shares them. A
    client's limit comes from its `rate_limit_tier`; first-party clients (the PWA) have no
    client-wide limit, their users have each their own. 0 turns a limit off (the dataclass
    default, and the default under ONETHING_ENV=test unless the variables are set)."""

    window_seconds: int = 60
    per_user: int = 0
    tiers: tuple[tuple[str, int], ...] = ()

    def client_limit(self, tier: str) -> int:
        return dict(self.tiers).get(tier, dict(self.tiers).get("standard", 0))

    @classmethod
    def from_env(cls) -> ApiLimitSettings:
        testing = _env("ONETHING_ENV", "development") == "test"
        raw_tiers = _env("API_RATE_LIMIT_TIERS", "" if testing else "standard:1200,partner:6000")
        tiers = []
        for item in filter(None, (part.strip() for part in raw_tiers.split(","))):
            name, sep, value = item.partition(":")
            if not sep or not value.strip().isdigit():
                msg = f"API_RATE_LIMIT_TIERS must be name:limit[,name:limit…], got {item!r}"
                raise ValueError(msg)
            tiers.append((name.strip(), int(value)))
        return cls(
            window_seconds=max(1, _env_int("API_RATE_WINDOW_SECONDS", 60)),
            per_user=_env_int("API_RATE_LIMIT_PER_USER", 0 if testing else 300),
            tiers=tuple(tiers),
        )


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    """Mail-home delivery: the courier adapter and the consolidation rule. `courier_secret`
    signs the courier's tracking callbacks (HMAC-SHA256) and our calls to it."""

    courier_backend: str = "local"
    courier_url: str = "http://127.0.0.1:8377"
    courier_secret: str = ""
    window_days: int = 2  # paper outputs ready within this many working days travel together
    transit_days: int = 1  # working days a parcel takes; it must still arrive within the limit
    ship_schedule: str = "10 * * * *"  # cron (UTC): collecting parcels whose day has come leave

    @classmethod
    def from_env(cls) -> DeliverySettings:
        return cls(
            courier_backend=_env("COURIER_BACKEND", "local"),
            courier_url=_env("COURIER_URL", "http://127.0.0.1:8377").rstrip("/"),
            courier_secret=_env("COURIER_SECRET", ""),
            window_days=_env_int("DELIVERY_WINDOW_DAYS", 2),
            transit_days=_env_int("DELIVERY_TRANSIT_DAYS", 1),
            ship_schedule=os.environ.get("DELIVERY_SHIP_SCHEDULE", "10 * * * *").strip(),
        )


@dataclass(frozen=True, slots=True)
class LicenseSettings:
    """Where issuing departments' signing keys live. With `kms_url` set, a department's key
    can be one an HSM/KMS holds, referenced by id (`onething licenses use-kms-key`); with
    `generate_keys` off (production), a department without such a key cannot issue, instead of
    the platform generating a key of its own (the development default). Annotated copies
    (加注件) are reachable only through a 5-minute URL: their objects are deleted once older
    than `copy_retention_minutes`, by `licenses.purge_copies` on `copy_purge_schedule`."""

    kms_url: str = ""
    kms_token: str = ""
    generate_keys: bool = True
    copy_retention_minutes: int = 60
    copy_purge_schedule: str = "41 * * * *"

    @classmethod
    def from_env(cls) -> LicenseSettings:
        return cls(
            kms_url=_env("LICENSE_KMS_URL", "").rstrip("/"),
            kms_token=_env("LICENSE_KMS_TOKEN", ""),
            generate_keys=_env_bool("LICENSE_GENERATE_KEYS", default=True),
            copy_retention_minutes=_env_int("LICENSE_COPY_RETENTION_MINUTES", 60),
            copy_purge_schedule=os.environ.get("LICENSE_COPY_PURGE_SCHEDULE", "41 * * * *").strip(),
        )


@dataclass(frozen=True, slots=True)
class NotifySettings:
    """Telling residents: Web Push (VAPID key: base64url of the raw P-256 private scalar)."""

    vapid_private_key: str = ""
    vapid_subject: str = "mailto:ops@onething.invalid"
    push_ttl_seconds: int = 24 * 60 * 60

    @classmethod
    def from_env(cls) -> NotifySettings:
        return cls(
            vapid_private_key=_env("VAPID_PRIVATE_KEY", ""),
            vapid_subject=_env("VAPID_SUBJECT", "mailto:ops@onething.invalid"),
            push_ttl_seconds=_env_int("PUSH_TTL_SECONDS", 24 * 60 * 60),
        )


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the process needs, read once from the environment."""

    app: AppSettings = field(default_factory=AppSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    s3: S3Settings = field(default_factory=S3Settings)
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    identity: IdentitySettings = field(default_factory=IdentitySettings)
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    notify: NotifySettings = field(default_factory=NotifySettings)
    api_limits: ApiLimitSettings = field(default_factory=ApiLimitSettings)
    licenses: LicenseSettings = field(default_factory=LicenseSettings)

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            app=AppSettings.from_env(),
            database=DatabaseSettings.from_env(),
            s3=S3Settings.from_env(),
            worker=WorkerSettings.from_env(),
            identity=IdentitySettings.from_env(),
            webhooks=WebhookSettings.from_env(),
            delivery=DeliverySettings.from_env(),
            notify=NotifySettings.from_env(),
            api_limits=ApiLimitSettings.from_env(),
            licenses=LicenseSettings.from_env(),
        )
