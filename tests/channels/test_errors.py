"""DeliveryError says what the caller should do."""

from __future__ import annotations

import pytest

from cxlens.channels import DeliveryError, FailureKind
from cxlens.core.errors import CxlensError


@pytest.mark.parametrize(
    ("kind", "permanent", "suppress"),
    [
        (FailureKind.BOUNCE, True, True),
        (FailureKind.REJECTED, True, False),
        (FailureKind.TEMPORARY, False, False),
        (FailureKind.CONFIGURATION, False, False),
    ],
)
def test_kind_decides_retry_and_suppression(
    kind: FailureKind, permanent: bool, suppress: bool
) -> None:
    error = DeliveryError(kind, "x")
    assert error.permanent is permanent
    assert error.temporary is not permanent
    assert error.suppress_recipient is suppress
    assert isinstance(error, CxlensError)


def test_message_names_provider_kind_code_and_detail() -> None:
    error = DeliveryError(FailureKind.BOUNCE, "invalid 'To' number", code=21211, provider="twilio")
    assert str(error) == "twilio: bounce delivery failure (21211): invalid 'To' number"
