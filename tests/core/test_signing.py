"""Signed tokens: round trip, length, tampering at every position, expiry, rotation."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxlens.core.errors import ConfigurationError, CxlensError
from cxlens.core.signing import (
    ExpiredTokenError,
    InvalidTokenError,
    Purpose,
    Signer,
    TokenClaims,
    WrongPurposeError,
    signed_link,
)

KEY = "k" * 32
OLD_KEY = "o" * 32
URLSAFE = set(string.ascii_letters + string.digits + "-_")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 22, 10, 30, tzinfo=UTC))


@pytest.fixture
def signer(clock: Clock) -> Signer:
    return Signer([KEY], now=clock)


def test_round_trip_carries_id_purpose_action_and_expiry(signer: Signer) -> None:
    expires = datetime(2026, 12, 22, 11, 0, tzinfo=UTC)
    token = signer.sign(1234, purpose=Purpose.ANSWER, action=9, expires_at=expires)
    assert signer.verify(token, purpose=Purpose.ANSWER) == TokenClaims(
        invitation_id=1234, purpose=Purpose.ANSWER, action=9, expires_at=expires
    )


def test_plain_invitation_token_has_no_action_and_no_expiry(signer: Signer) -> None:
    claims = signer.verify(signer.sign(7), purpose=Purpose.INVITATION)
    assert claims == TokenClaims(invitation_id=7, purpose=Purpose.INVITATION)


def test_tokens_are_url_safe_and_short_enough_for_sms(signer: Signer) -> None:
    # A year's expiry and ids up to 268 million: at most 24 characters.
    for invitation_id in (0, 1, 127, 128, 2_000_000, 268_435_455):
        token = signer.sign(invitation_id, ttl=timedelta(days=365))
        assert set(token) <= URLSAFE
        assert len(token) <= 24, (invitation_id, token)
    vote = signer.sign(2_000_000, purpose=Purpose.ANSWER, action=10, ttl=timedelta(days=90))
    assert len(vote) <= 24


def test_tokens_carry_no_personal_data(signer: Signer) -> None:
    # The payload is numbers only: the same id signs to the same token, whoever it is for.
    assert signer.sign(42) == Signer([KEY]).sign(42)


def test_changing_any_character_is_rejected(signer: Signer) -> None:
    token = signer.sign(987_654, purpose=Purpose.ANSWER, action=3, ttl=timedelta(days=30))
    alphabet = sorted(URLSAFE)
    for position in range(len(token)):
        for replacement in alphabet:
            if replacement == token[position]:
                continue
            forged = token[:position] + replacement + token[position + 1 :]
            with pytest.raises(InvalidTokenError):
                signer.verify(forged, purpose=Purpose.ANSWER)


def test_flipping_any_bit_of_the_raw_token_is_rejected(signer: Signer) -> None:
    import base64

    token = signer.sign(55, purpose=Purpose.UNSUBSCRIBE, ttl=timedelta(hours=5))
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    for index in range(len(raw)):
        for bit in range(8):
            mutated = bytearray(raw)
            mutated[index] ^= 1 << bit
            forged = base64.urlsafe_b64encode(bytes(mutated)).rstrip(b"=").decode()
            with pytest.raises(InvalidTokenError):
                signer.verify(forged, purpose=Purpose.UNSUBSCRIBE)


@pytest.mark.parametrize(
    "bad",
    ["", "!", "abc", "a" * 200, "Ωmega-token-here-xxxxx", "AAAAAAAAAAAAAAAAAAAAAA=="],
)
def test_malformed_tokens_are_invalid(signer: Signer, bad: str) -> None:
    with pytest.raises(InvalidTokenError):
        signer.verify(bad, purpose=Purpose.INVITATION)


def test_truncated_and_extended_tokens_are_invalid(signer: Signer) -> None:
    token = signer.sign(31337, ttl=timedelta(days=1))
    for cut in range(len(token)):
        with pytest.raises(InvalidTokenError):
            signer.verify(token[:cut], purpose=Purpose.INVITATION)
    with pytest.raises(InvalidTokenError):
        signer.verify(token + "A", purpose=Purpose.INVITATION)


def test_wrong_purpose_is_its_own_error(signer: Signer) -> None:
    token = signer.sign(5, purpose=Purpose.UNSUBSCRIBE)
    with pytest.raises(WrongPurposeError) as caught:
        signer.verify(token, purpose=Purpose.ANSWER)
    assert caught.value.expected is Purpose.ANSWER
    assert caught.value.actual is Purpose.UNSUBSCRIBE
    assert "unsubscribe" in str(caught.value)
    assert isinstance(caught.value, CxlensError)


def test_expiry_follows_the_injected_clock(signer: Signer, clock: Clock) -> None:
    token = signer.sign(5, ttl=timedelta(hours=2))
    clock.now += timedelta(hours=2)
    assert signer.verify(token, purpose=Purpose.INVITATION).invitation_id == 5
    clock.now += timedelta(hours=1)  # expiry rounds up to the hour, never down
    with pytest.raises(ExpiredTokenError) as caught:
        signer.verify(token, purpose=Purpose.INVITATION)
    assert caught.value.expired_at == datetime(2026, 11, 22, 13, 0, tzinfo=UTC)
    assert "expired" in str(caught.value)


def test_expires_at_is_exact_on_the_hour(signer: Signer, clock: Clock) -> None:
    at = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    token = signer.sign(5, expires_at=at)
    clock.now = at - timedelta(seconds=1)
    signer.verify(token, purpose=Purpose.INVITATION)
    clock.now = at
    with pytest.raises(ExpiredTokenError):
        signer.verify(token, purpose=Purpose.INVITATION)


def test_expired_token_with_forged_tag_is_reported_as_invalid(signer: Signer, clock: Clock) -> None:
    token = signer.sign(5, ttl=timedelta(hours=1))
    clock.now += timedelta(days=3)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(InvalidTokenError):
        signer.verify(forged, purpose=Purpose.INVITATION)


def test_key_rotation_signs_with_first_and_verifies_with_any(clock: Clock) -> None:
    old = Signer([OLD_KEY], now=clock)
    rotated = Signer([KEY, OLD_KEY], now=clock)
    new_only = Signer([KEY], now=clock)
    old_token = old.sign(11)
    assert rotated.verify(old_token, purpose=Purpose.INVITATION).invitation_id == 11
    new_token = rotated.sign(12)
    assert new_only.verify(new_token, purpose=Purpose.INVITATION).invitation_id == 12
    with pytest.raises(InvalidTokenError):
        old.verify(new_token, purpose=Purpose.INVITATION)
    with pytest.raises(InvalidTokenError):  # once the old key is dropped, its tokens die
        new_only.verify(old_token, purpose=Purpose.INVITATION)


def test_bytes_and_str_keys_are_equivalent(clock: Clock) -> None:
    token = Signer([KEY.encode()], now=clock).sign(3)
    assert Signer([KEY], now=clock).verify(token, purpose=Purpose.INVITATION).invitation_id == 3


@pytest.mark.parametrize("keys", [[], ["short"], "a-single-string-not-a-list-xxxx"])
def test_bad_keys_are_configuration_errors(keys: list[str] | str) -> None:
    with pytest.raises(ConfigurationError):
        Signer(keys)


def test_bad_sign_arguments_are_configuration_errors(signer: Signer) -> None:
    with pytest.raises(ConfigurationError):
        signer.sign(-1)
    with pytest.raises(ConfigurationError):
        signer.sign(1, action=-2)
    with pytest.raises(ConfigurationError):
        signer.sign(1, expires_at=datetime(2030, 1, 1))  # naive
    with pytest.raises(ConfigurationError):
        signer.sign(1, expires_at=datetime(2030, 1, 1, tzinfo=UTC), ttl=timedelta(days=1))


@given(
    invitation_id=st.integers(min_value=0, max_value=2**62),
    action=st.none() | st.integers(min_value=0, max_value=2**40),
    hours=st.none() | st.integers(min_value=1, max_value=24 * 365 * 50),
    purpose=st.sampled_from(list(Purpose)),
)
def test_round_trip_property(
    invitation_id: int, action: int | None, hours: int | None, purpose: Purpose
) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    signer = Signer([KEY], now=lambda: now)
    expires = None if hours is None else now + timedelta(hours=hours)
    claims = signer.verify(
        signer.sign(invitation_id, purpose=purpose, action=action, expires_at=expires),
        purpose=purpose,
    )
    assert claims == TokenClaims(invitation_id, purpose, action, expires)


def test_signed_link_appends_the_token_as_a_path_segment() -> None:
    assert signed_link("https://cx.example/s/", "AbC-_1") == "https://cx.example/s/AbC-_1"
    assert signed_link("https://cx.example/s", "AbC-_1") == "https://cx.example/s/AbC-_1"


def test_customer_signatures_verify_and_say_why_not() -> None:
    from cxlens.core.signing import (
        CustomerSignatureError,
        customer_signature,
        derived_secret,
        verify_customer_signature,
    )

    secret = derived_secret("k" * 32, "widget")
    assert secret != derived_secret("k" * 32, "other") and len(secret) == 64
    now = datetime(2030, 1, 1, tzinfo=UTC)
    issued = int(now.timestamp())
    good = customer_signature(secret, "c-1", issued)
    day = timedelta(hours=24)
    verify_customer_signature(secret, "c-1", str(issued), good.upper(), max_age=day, now=now)
    cases = {
        "missing": ("c-1", issued, None, now),
        "malformed": ("c-1", "-1", good, now),
        "mismatch": ("c-2", issued, good, now),
        "expired": ("c-1", issued, good, now + day + timedelta(seconds=1)),
        "future": ("c-1", issued, good, now - timedelta(minutes=6)),
    }
    for reason, (ref, at, signature, when) in cases.items():
        with pytest.raises(CustomerSignatureError) as caught:
            verify_customer_signature(secret, ref, at, signature, max_age=day, now=when)
        assert caught.value.reason == reason
        assert (caught.value.http_status, caught.value.error_code) == (403, "invalid_signature")
