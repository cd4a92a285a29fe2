"""The in-memory sender the layers above use in their unit tests."""

from __future__ import annotations

import pytest

from cxlens.channels import DeliveryError, FailureKind
from cxlens.channels.email import EmailSender, InMemoryEmailSender, compose_invitation

from .conftest import MakeEmail


def test_in_memory_sender_keeps_messages(make_email: MakeEmail) -> None:
    sender: EmailSender = InMemoryEmailSender()
    message = compose_invitation(make_email())
    outcome = sender.send(message)
    assert isinstance(sender, InMemoryEmailSender)
    assert sender.sent == [message]
    assert sender.to("MARIA.ROSSI@example.org") == [message]
    assert sender.to("nobody@example.org") == []
    assert outcome.message_id == message["Message-ID"]
    assert outcome.recipients == ("maria.rossi@example.org",)


def test_in_memory_sender_raises_configured_failures(make_email: MakeEmail) -> None:
    bounce = DeliveryError(FailureKind.BOUNCE, "no such user", code=550)
    sender = InMemoryEmailSender(failures={"maria.rossi@example.org": bounce})
    with pytest.raises(DeliveryError) as caught:
        sender.send(compose_invitation(make_email()))
    assert caught.value is bounce
    assert sender.sent == []
