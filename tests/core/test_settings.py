"""Settings come from CXLENS_* variables; the database defaults to SQLite in the data dir."""

from pathlib import Path

import pytest

from cxlens.core.settings import Settings, reveal


def test_sqlite_file_in_the_data_dir_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CXLENS_DATABASE_URL", raising=False)
    monkeypatch.setenv("CXLENS_DATA_DIR", str(tmp_path))
    assert Settings().resolved_database_url() == f"sqlite:///{tmp_path / 'cxlens.db'}"


@pytest.mark.parametrize(
    "given",
    ["postgresql://u@db.example/cx", "postgres://u@db.example/cx"],
)
def test_postgres_urls_use_psycopg(given: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXLENS_DATABASE_URL", given)
    assert Settings().resolved_database_url() == "postgresql+psycopg://u@db.example/cx"


def test_min_n_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXLENS_MIN_N", "50")
    assert Settings().min_n == 50
    monkeypatch.setenv("CXLENS_MIN_N", "0")
    with pytest.raises(ValueError, match="min_n"):
        Settings()


def test_signing_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXLENS_SIGNING_KEYS", "new-key-0123456789, old-key-0123456789")
    assert Settings().resolved_signing_keys() == ["new-key-0123456789", "old-key-0123456789"]


def test_embedded_default_keeps_one_signing_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CXLENS_SIGNING_KEYS", raising=False)
    monkeypatch.setenv("CXLENS_DATA_DIR", str(tmp_path))
    first = Settings().resolved_signing_keys()
    assert len(first) == 1 and len(first[0]) >= 32
    assert Settings().resolved_signing_keys() == first
    assert (tmp_path / "signing.key").stat().st_mode & 0o077 == 0


SECRETS = {
    "CXLENS_SMTP_PASSWORD": "smtp-password-value",
    "CXLENS_TWILIO_AUTH_TOKEN": "twilio-token-value",
    "CXLENS_SMS_GATEWAY_AUTH_VALUE": "Bearer gateway-value",
    "CXLENS_SMS_GATEWAY_CALLBACK_SECRET": "callback-secret-value",
    "CXLENS_SIGNING_KEYS": "signing-key-value-0123456789",
}


def test_secrets_never_show(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    shown = "\n".join([repr(settings), str(settings), settings.model_dump_json()])
    for value in SECRETS.values():
        assert value not in shown
    assert reveal(settings.smtp_password) == "smtp-password-value"
    assert reveal(settings.twilio_auth_token) == "twilio-token-value"
    assert settings.resolved_signing_keys() == ["signing-key-value-0123456789"]


def test_an_empty_secret_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXLENS_SMS_GATEWAY_CALLBACK_SECRET", "")
    assert reveal(Settings().sms_gateway_callback_secret) is None
    assert reveal(None) is None


def test_groups_keep_the_flat_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXLENS_SMTP_HOST", "mail.example")
    monkeypatch.setenv("CXLENS_SMS_GATEWAY_ID_FIELD", "data.id")
    settings = Settings(smtp_port=2525)
    assert (settings.smtp_host, settings.smtp_port) == ("mail.example", 2525)
    assert settings.sms_gateway_id_field == "data.id"
