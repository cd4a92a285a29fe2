"""Invitation SMS: segment-aware composition, Twilio and generic HTTP-gateway senders."""

from cxlens.channels.sms.compose import ComposedSms, compose_sms
from cxlens.channels.sms.gateway import HttpGatewayConfig, HttpGatewaySmsSender
from cxlens.channels.sms.reports import (
    GATEWAY_SIGNATURE_HEADER,
    TWILIO_SIGNATURE_HEADER,
    ReportError,
    SmsReport,
    SmsStatus,
    gateway_signature,
    read_gateway,
    read_twilio,
    twilio_signature,
    verify_gateway,
    verify_twilio,
)
from cxlens.channels.sms.segments import (
    SegmentInfo,
    SmsEncoding,
    fold_to_gsm7,
    is_gsm7,
    segment_info,
)
from cxlens.channels.sms.sender import (
    InMemorySmsSender,
    OutgoingSms,
    SentSms,
    SmsSender,
    check_number,
)
from cxlens.channels.sms.twilio import (
    DELIVERY_BOUNCE_CODES,
    TwilioConfig,
    TwilioSmsSender,
    classify_twilio_reply,
)

__all__ = [
    "DELIVERY_BOUNCE_CODES",
    "GATEWAY_SIGNATURE_HEADER",
    "TWILIO_SIGNATURE_HEADER",
    "ComposedSms",
    "HttpGatewayConfig",
    "HttpGatewaySmsSender",
    "InMemorySmsSender",
    "OutgoingSms",
    "ReportError",
    "SegmentInfo",
    "SentSms",
    "SmsEncoding",
    "SmsReport",
    "SmsSender",
    "SmsStatus",
    "TwilioConfig",
    "TwilioSmsSender",
    "check_number",
    "classify_twilio_reply",
    "compose_sms",
    "fold_to_gsm7",
    "gateway_signature",
    "is_gsm7",
    "read_gateway",
    "read_twilio",
    "segment_info",
    "twilio_signature",
    "verify_gateway",
    "verify_twilio",
]
