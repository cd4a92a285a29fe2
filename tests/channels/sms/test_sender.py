"""The in-memory SMS sender the layers above use in their unit tests."""

from __future__ import annotations

import pytest

from cxlens.channels import DeliveryError, FailureKind
from cxlens.channels.sms import InMemorySmsSender, OutgoingSms, SmsSender, check_number


def test_in_memory_sender_keeps_messages() -> None:
    sender: SmsSender = InMemorySmsSender()
    outcome = sender.send("+393471234567", "hello", idempotency_key="k1")
    assert isinstance(sender, InMemorySmsSender)
    assert sender.sent == [OutgoingSms("+393471234567", "hello", "k1")]
    assert outcome.provider_id == "mem-1"


def test_in_memory_sender_raises_configured_failures() -> None:
    failure = DeliveryError(FailureKind.BOUNCE, "invalid number", code=21211)
    sender = InMemorySmsSender(failures={"+393471234567": failure})
    with pytest.raises(DeliveryError) as caught:
        sender.send("+393471234567", "hello")
    assert caught.value is failure
    assert sender.sent == []


@pytest.mark.parametrize("number", ["", "393471234567", "+0391234567", "+39 347 123", "+12345"])
def test_numbers_must_be_e164(number: str) -> None:
    with pytest.raises(DeliveryError) as caught:
        check_number(number, "test")
    assert caught.value.kind is FailureKind.BOUNCE


def test_e164_number_passes() -> None:
    assert check_number("+441632960961", "test") == "+441632960961"
