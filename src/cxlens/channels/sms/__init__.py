"""Invitation SMS: segment-aware composition, Twilio and generic HTTP-gateway senders."""

from cxlens.channels.sms.compose import ComposedSms, compose_sms
from cxlens.channels.sms.gateway import HttpGatewayConfig, HttpGatewaySmsSender
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
from cxlens.channels.sms.twilio import TwilioConfig, TwilioSmsSender, classify_twilio_reply

__all__ = [
    "ComposedSms",
    "HttpGatewayConfig",
    "HttpGatewaySmsSender",
    "InMemorySmsSender",
    "OutgoingSms",
    "SegmentInfo",
    "SentSms",
    "SmsEncoding",
    "SmsSender",
    "TwilioConfig",
    "TwilioSmsSender",
    "check_number",
    "classify_twilio_reply",
    "compose_sms",
    "fold_to_gsm7",
    "is_gsm7",
    "segment_info",
]
