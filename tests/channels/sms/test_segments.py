"""GSM-7 / UCS-2 detection and segment counts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlens.channels.sms import SmsEncoding, fold_to_gsm7, is_gsm7, segment_info


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", SmsEncoding.GSM7, 0, 0),
        ("a" * 160, SmsEncoding.GSM7, 160, 1),
        ("a" * 161, SmsEncoding.GSM7, 161, 2),
        ("a" * 306, SmsEncoding.GSM7, 306, 2),
        ("a" * 307, SmsEncoding.GSM7, 307, 3),
        ("€" * 80, SmsEncoding.GSM7, 160, 1),  # extension characters count double
        ("€" * 80 + "a", SmsEncoding.GSM7, 161, 2),
        ("[]{}~^|\\", SmsEncoding.GSM7, 16, 1),
        ("Città è già più ñ ü Ä ¿ é", SmsEncoding.GSM7, 25, 1),
        ("ș" * 70, SmsEncoding.UCS2, 70, 1),
        ("ș" * 71, SmsEncoding.UCS2, 71, 2),
        ("ș" * 134, SmsEncoding.UCS2, 134, 2),
        ("ș" * 135, SmsEncoding.UCS2, 135, 3),
        ("🙂" * 35, SmsEncoding.UCS2, 70, 1),  # outside the BMP: two code units
        ("a" * 159 + "ç", SmsEncoding.UCS2, 160, 3),  # lower-case ç is not GSM-7
    ],
)
def test_encoding_units_and_segments(
    text: str, encoding: SmsEncoding, units: int, segments: int
) -> None:
    info = segment_info(text)
    assert (info.encoding, info.units, info.segments) == (encoding, units, segments)


def test_escape_pair_is_not_split_across_parts() -> None:
    # 152 plain septets, then "€" (2): it does not fit in part one's last septet.
    info = segment_info("a" * 152 + "€" + "a" * 10)
    assert info.segments == 2
    assert info.free == 153 - 12


def test_free_units_in_a_single_segment() -> None:
    assert segment_info("Hello").free == 155
    assert segment_info("Ciao ș").free == 64


def test_fold_to_gsm7_keeps_gsm_letters_and_strips_other_accents() -> None:
    assert fold_to_gsm7("Ștefan Țăran") == "Stefan Taran"
    assert fold_to_gsm7("Città è già") == "Città è già"
    assert fold_to_gsm7("“Fryslân”…") == '"Fryslan"...'
    assert fold_to_gsm7("łódź") == "łodz"  # ł has no plain form: kept
    assert not is_gsm7("łodz")


@settings(max_examples=60)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_segments_hold_the_units(text: str) -> None:
    info = segment_info(text)
    if info.segments <= 1:
        assert info.units <= (160 if info.encoding is SmsEncoding.GSM7 else 70)
    else:
        per_part = 153 if info.encoding is SmsEncoding.GSM7 else 67
        assert (info.segments - 1) * per_part < info.units <= info.segments * per_part
