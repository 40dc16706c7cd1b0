"""Settings: validation lists every bad field; docs name every setting; secrets stay secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
ENV_NAMES = sorted(name.upper() for name in Settings.model_fields)


def test_defaults_run_on_the_embedded_simulator() -> None:
    settings = load_settings(_env_file=None)
    assert settings.simulated
    assert str(settings.qboxmail_api_url) == "https://api.qboxmail.com/"


def test_a_token_means_the_real_api() -> None:
    settings = load_settings(_env_file=None, qboxmail_api_token="t0ken-value")
    assert not settings.simulated
    assert "t0ken-value" not in repr(settings)
    assert settings.secret_values() == ("t0ken-value",)


def test_every_bad_field_is_named_in_one_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "not-a-port")
    monkeypatch.setenv("QBOXMAIL_READ_TIMEOUT", "-1")
    monkeypatch.setenv("REDIS_URL", "http://127.0.0.1:6379")
    monkeypatch.setenv("QBOXMAIL_API_TOKEN", "do-not-echo-me")
    monkeypatch.setenv("QBX_REDIS_PREFIX", "")
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    text = str(caught.value)
    for name in ("PORT", "QBOXMAIL_READ_TIMEOUT", "REDIS_URL", "QBX_REDIS_PREFIX"):
        assert name in text
    assert "do-not-echo-me" not in text


def test_a_resolve_threshold_over_the_opening_one_stops_start_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QBX_RULE_SUPPRESSED_RATE_PERCENT", "2")
    monkeypatch.setenv("QBX_RULE_SUPPRESSED_RESOLVE_PERCENT", "2.5")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-do-not-echo-me")
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    text = str(caught.value)
    assert "QBX_RULE_SUPPRESSED_RESOLVE_PERCENT" in text
    assert "QBX_RULE_SUPPRESSED_RATE_PERCENT (2)" in text
    assert "do-not-echo-me" not in text
    monkeypatch.setenv("QBX_RULE_SUPPRESSED_RESOLVE_PERCENT", "2")  # equal: no hysteresis, valid
    assert load_settings(_env_file=None).qbx_rule_suppressed_resolve_percent == 2.0


def test_channel_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QBX_WATCH_CHANNELS", " C1, C2 ,,C3 ")
    assert load_settings(_env_file=None).qbx_watch_channels == ("C1", "C2", "C3")


def test_secret_tokens_are_not_in_error_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QBOXMAIL_API_TOKEN", "")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "x" * 3)
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    assert "LOG_LEVEL" in str(caught.value)
    assert "'xxx'" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("redi://:hunter2pw@redis.internal/0", "must start with"),
        ("redis://:hunter2pw@[::1/0", "not a valid URL"),
        ("redis://:hunter2pw@redis.internal:notaport/0", "not a valid URL"),
        ("redis://:hunter2pw@redis.internal:99999/0", "not a valid URL"),
        ("redis://:hunter2pw@redis.internal/zero", "must be a number"),
        ("redis://:hunter2pw@/0", "names no host"),
    ],
)
def test_a_malformed_redis_url_is_refused_without_its_password(
    monkeypatch: pytest.MonkeyPatch, url: str, why: str
) -> None:
    monkeypatch.setenv("REDIS_URL", url)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    assert "REDIS_URL" in str(caught.value)
    assert why in str(caught.value)
    assert "hunter2pw" not in str(caught.value)


def test_the_redis_password_is_among_the_secrets_logs_redact() -> None:
    settings = Settings(_env_file=None, redis_url="redis://:hunter2pw@redis.internal:6380/2")  # type: ignore[call-arg]
    assert "hunter2pw" in settings.secret_values()


@pytest.mark.parametrize("name", ENV_NAMES)
def test_every_setting_is_documented(name: str) -> None:
    assert name in (ROOT / "README.md").read_text(), f"README.md does not document {name}"
    assert name in (ROOT / ".env.example").read_text(), f".env.example does not list {name}"
