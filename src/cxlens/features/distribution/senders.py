"""Channel senders built from :class:`~cxlens.core.settings.Settings` (SMTP, Twilio, gateway)."""

from __future__ import annotations

from cxlens.channels.email import DkimKey, EmailSender, SmtpConfig, SmtpEmailSender, SmtpSecurity
from cxlens.channels.sms import (
    HttpGatewayConfig,
    HttpGatewaySmsSender,
    SmsSender,
    TwilioConfig,
    TwilioSmsSender,
)
from cxlens.core.errors import ConfigurationError
from cxlens.core.settings import Settings, reveal
from cxlens.features.distribution.sms_reports import twilio_status_callback


def email_sender(settings: Settings) -> EmailSender | None:
    """The SMTP sender of the settings, or ``None`` when ``CXLENS_SMTP_HOST`` is unset."""
    if not settings.smtp_host:
        return None
    dkim: DkimKey | None = None
    if settings.dkim_domain or settings.dkim_selector or settings.dkim_private_key_file:
        if not (settings.dkim_domain and settings.dkim_selector and settings.dkim_private_key_file):
            raise ConfigurationError(
                "DKIM needs CXLENS_DKIM_DOMAIN, CXLENS_DKIM_SELECTOR and "
                "CXLENS_DKIM_PRIVATE_KEY_FILE together"
            )
        try:
            pem = settings.dkim_private_key_file.read_bytes()
        except OSError as exc:
            raise ConfigurationError(f"cannot read the DKIM key: {exc}") from exc
        dkim = DkimKey(settings.dkim_domain, settings.dkim_selector, pem)
    config = SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=SmtpSecurity(settings.smtp_security),
        username=settings.smtp_username,
        password=reveal(settings.smtp_password),
        timeout=settings.smtp_timeout,
        local_hostname=settings.smtp_local_hostname,
        envelope_from=settings.email_bounce_address,
    )
    return SmtpEmailSender(config, dkim=dkim)


def sms_sender(settings: Settings) -> SmsSender | None:
    """The SMS sender of ``CXLENS_SMS_PROVIDER`` (``twilio`` or ``http``), or ``None``."""
    if settings.sms_provider is None:
        return None
    if settings.sms_provider == "twilio":
        auth_token = reveal(settings.twilio_auth_token)
        if not settings.twilio_account_sid or not auth_token:
            raise ConfigurationError(
                "Twilio needs CXLENS_TWILIO_ACCOUNT_SID and CXLENS_TWILIO_AUTH_TOKEN"
            )
        return TwilioSmsSender(
            TwilioConfig(
                account_sid=settings.twilio_account_sid,
                auth_token=auth_token,
                from_number=settings.twilio_from,
                messaging_service_sid=settings.twilio_messaging_service_sid,
                base_url=settings.twilio_base_url,
                status_callback=twilio_status_callback(settings),
                timeout=settings.sms_timeout,
            )
        )
    if not settings.sms_gateway_url:
        raise ConfigurationError("the HTTP SMS gateway needs CXLENS_SMS_GATEWAY_URL")
    return HttpGatewaySmsSender(
        HttpGatewayConfig(
            url=settings.sms_gateway_url,
            sender_id=settings.sms_gateway_sender_id,
            auth_header=settings.sms_gateway_auth_header,
            auth_value=reveal(settings.sms_gateway_auth_value),
            to_field=settings.sms_gateway_to_field,
            from_field=settings.sms_gateway_from_field,
            body_field=settings.sms_gateway_body_field,
            id_field=settings.sms_gateway_id_field,
            error_code_field=settings.sms_gateway_error_code_field,
            error_message_field=settings.sms_gateway_error_message_field,
            bounce_codes=frozenset(settings.sms_gateway_bounce_codes),
            idempotency_header=settings.sms_gateway_idempotency_header,
            timeout=settings.sms_timeout,
        )
    )
