"""Every qbx setting, read once at start-up from the environment (and `.env`), nowhere else.

Bad settings stop start-up with one `ConfigError` that lists every bad field and how to fix it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import ConfigError

CommaList = Annotated[tuple[str, ...], NoDecode]


class LogFormat(StrEnum):
    JSON = "json"
    CONSOLE = "console"


class LogLevel(StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


class Settings(BaseSettings):
    """qbx's configuration. Field names are the environment variable names."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        case_sensitive=False,
    )

    # --- Qboxmail -------------------------------------------------------------------------
    qboxmail_api_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("https://api.qboxmail.com"),
        description="Management API host; the client adds the /api/... paths.",
    )
    qboxmail_api_token: SecretStr | None = Field(
        default=None,
        description="Management API token (X-Api-Token). Unset: the embedded simulator is used.",
    )
    qboxmail_send_api_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("https://api.qboxmail.com/v1"),
        description="Send API base, including /v1.",
    )
    qboxmail_connect_timeout: float = Field(default=3.0, gt=0, le=60)
    qboxmail_read_timeout: float = Field(default=10.0, gt=0, le=300)
    qboxmail_retry_budget: float = Field(
        default=20.0, ge=0, le=300, description="Seconds a GET may spend retrying in all."
    )
    qboxmail_max_retries: int = Field(default=4, ge=0, le=10)
    qboxmail_max_connections: int = Field(default=50, ge=1, le=1000)
    qbx_simulator_drift: bool = Field(
        default=False,
        description="Embedded simulator only: rename, drop and retype a few response fields.",
    )

    # --- tracing --------------------------------------------------------------------------
    qbx_scan_budget: int = Field(
        default=12, ge=1, le=200, description="TraceMail pages a hint-less search may read."
    )
    qbx_max_ids_per_message: int = Field(default=5, ge=1, le=20)

    # --- shared state ---------------------------------------------------------------------
    redis_url: str | None = Field(
        default=None, description="redis://host:port/db. Unset: one process, state in memory."
    )
    qbx_redis_prefix: str = Field(default="qbx:", min_length=1, max_length=64)
    qbx_report_cache_seconds: int = Field(default=300, ge=0, le=86400)
    qbx_user_traces_per_minute: int = Field(default=20, ge=1, le=1000)
    qbx_trace_deadline_seconds: float = Field(
        default=90.0, ge=1, le=900, description="Longest one trace may run before it is stopped."
    )
    qbx_ledger_secret: SecretStr | None = Field(
        default=None, description="Shared secret applications use for POST /ledger."
    )
    qbx_job_timeout_seconds: float = Field(
        default=300.0, gt=0, le=3600, description="Longest a background job may run."
    )
    qbx_job_max_tries: int = Field(
        default=3, ge=1, le=20, description="Tries of a failing job before it gives up."
    )
    qbx_job_retry_seconds: float = Field(
        default=5.0, ge=0, le=600, description="First retry back-off; doubles per try."
    )
    qbx_job_lost_grace_seconds: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="After job timeout plus this, a job whose worker died runs again.",
    )

    # --- logging --------------------------------------------------------------------------
    log_level: LogLevel = LogLevel.INFO
    log_format: LogFormat | None = Field(
        default=None, description="json or console; unset: console on a terminal, else json."
    )

    # --- Slack ----------------------------------------------------------------------------
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: AnyHttpUrl = Field(default=AnyHttpUrl("https://slack.com/api/"))
    qbx_watch_channels: CommaList = ()
    qbx_allowed_channels: CommaList = ()
    qbx_allowed_users: CommaList = ()
    qbx_mask_recipients: bool = True
    port: int = Field(default=3000, ge=1, le=65535)

    # --- remediation, watches (issue-14 features) ------------------------------------------
    qbx_remediation_users: CommaList = ()
    qbx_watch_ttl_hours: int = Field(
        default=24, ge=1, le=168, description="A watch stops after this many hours."
    )
    qbx_max_watches: int = Field(default=50, ge=1, le=1000, description="Open watches at most.")

    # --- incidents ------------------------------------------------------------------------
    qbx_incident_channel: str | None = None
    qbx_alerts_secret: SecretStr | None = None
    qbx_watch_interval_seconds: int = Field(default=300, ge=10, le=86400)
    qbx_incident_clear_checks: int = Field(default=3, ge=1, le=100)
    qbx_rule_bounce_rate_percent: float = Field(default=1.0, gt=0, le=100)
    qbx_rule_suppressed_rate_percent: float = Field(default=1.0, gt=0, le=100)
    qbx_rule_error_spike_factor: float = Field(default=3.0, gt=1, le=1000)
    qbx_rule_error_spike_min: int = Field(default=20, ge=1)
    qbx_rule_min_remaining_quota: int = Field(default=1000, ge=0)
    qbx_rule_rate_min_messages: int = Field(
        default=50, ge=0, description="Rate rules judge only windows with this many messages."
    )
    qbx_rule_rate_min_events: int = Field(
        default=3, ge=1, description="A rate incident opens on at least this many bounces."
    )
    qbx_rule_bounce_resolve_percent: float = Field(default=0.5, ge=0, le=100)
    qbx_rule_suppressed_resolve_percent: float = Field(default=0.5, ge=0, le=100)
    qbx_incident_cooldown_seconds: int = Field(default=7200, ge=0, le=7 * 86400)

    @field_validator(
        "qbx_watch_channels",
        "qbx_allowed_channels",
        "qbx_allowed_users",
        "qbx_remediation_users",
        mode="before",
    )
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("qbx_rule_bounce_resolve_percent", "qbx_rule_suppressed_resolve_percent")
    @classmethod
    def _resolve_under_open(cls, value: float, info: ValidationInfo) -> float:
        """Hysteresis: an incident resolves under a threshold at or below the opening one."""
        opening_field = str(info.field_name).replace("_resolve_percent", "_rate_percent")
        opening = info.data.get(opening_field)
        if opening is not None and value > opening:
            raise ValueError(f"must not be over {opening_field.upper()} ({opening:g})")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        if value and not value.startswith("unix://"):
            _check_redis_address(value)
        return value or None

    @property
    def simulated(self) -> bool:
        """No Qboxmail token: qbx runs against its embedded simulator."""
        return self.qboxmail_api_token is None

    def secret_values(self) -> tuple[str, ...]:
        """Every secret's plain value, for the log redactor."""
        secrets = (
            self.qboxmail_api_token,
            self.qbx_ledger_secret,
            self.slack_bot_token,
            self.slack_signing_secret,
            self.slack_app_token,
            self.qbx_alerts_secret,
        )
        plain = [s.get_secret_value() for s in secrets if s is not None]
        return tuple(v for v in (*plain, redis_password(self.redis_url)) if v)


def redis_password(url: str | None) -> str:
    """The password inside REDIS_URL ("" when none or unreadable), so logs can redact it."""
    try:
        return urlsplit(url or "").password or ""
    except ValueError:
        return ""


def _check_redis_address(url: str) -> None:
    """ValueError naming what is wrong with a redis:// URL, never echoing it (it may hold a
    password)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises on a port that is not a number in range
    except ValueError:
        raise ValueError("is not a valid URL: check the host and port") from None
    if not parts.hostname:
        raise ValueError("names no host (redis://host:port/db)")
    database = parts.path.strip("/")
    if database and not database.isdigit():
        raise ValueError("the database after the last / must be a number")


def _describe(error: dict[str, Any]) -> str:
    name = ".".join(str(part) for part in error["loc"]) or "settings"
    env = name.upper()
    value = error.get("input")
    hidden = any(word in name for word in ("token", "secret", "url"))
    shown = "" if hidden else f" (got {value!r})"
    return f"  - {env}: {error['msg']}{shown}"


def load_settings(**overrides: Any) -> Settings:
    """Read the settings once; raise one ConfigError naming every bad field."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = [_describe(dict(err)) for err in exc.errors()]
        raise ConfigError(
            "qbx cannot start: these settings are invalid. Fix them in the environment or .env "
            "(see .env.example):\n" + "\n".join(lines)
        ) from None
