"""Customer addresses and numbers are masked in text bound for the logs."""

from cxlens.core.redact import redact


def test_addresses_and_numbers_are_masked_dates_and_ids_are_not() -> None:
    text = (
        "550 5.1.1 <bob.smith+x@example.co.uk>: rejected; +31 628639799, (020) 555-1234, "
        "0612345678, 00393471234567; job 12345 at 2030-01-01 10:00"
    )
    masked = redact(text)
    for secret in ("bob.smith", "example.co.uk", "628639799", "555-1234", "0612345678", "3471"):
        assert secret not in masked
    assert "job 12345 at 2030-01-01 10:00" in masked
