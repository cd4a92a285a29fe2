"""Keeping an invitation SMS in one segment without ever cutting the link."""

from __future__ import annotations

import pytest

from cxlens.channels.sms import SmsEncoding, compose_sms
from cxlens.core.errors import InputError
from cxlens.core.signing import Signer, signed_link

LINK = signed_link("https://cx.example/s", Signer(["k" * 32]).sign(1_234_567))
TEMPLATES = [
    "Hi ${name}, thank you for visiting ${company} today! How did we do? "
    "Tell us in 10 seconds: ${link}",
    "${company}: how did we do? ${link}",
    "How did we do? ${link}",
]


def test_short_enough_message_is_sent_as_is() -> None:
    sms = compose_sms(TEMPLATES, link=LINK, name="Maria Rossi", company="Acme")
    assert sms.text == (
        f"Hi Maria Rossi, thank you for visiting Acme today! How did we do? "
        f"Tell us in 10 seconds: {LINK}"
    )
    assert sms.info.segments == 1


def test_long_name_is_shortened_to_the_first_name() -> None:
    name = "Maria Giovanna Alessandra Rossi-Bianchi della Valle"
    company = "Acme Retail Group Italia Nord S.p.A."
    sms = compose_sms(TEMPLATES, link=LINK, name=name, company=company)
    assert sms.text.startswith("Hi Maria, thank you for visiting Acme Retail Group")
    assert sms.text.endswith(LINK)
    assert sms.info.segments == 1


def test_non_gsm_name_is_folded_rather_than_doubling_the_cost() -> None:
    sms = compose_sms(TEMPLATES, link=LINK, name="Ștefan", company="Țară Bună Shop")
    assert sms.info.encoding is SmsEncoding.GSM7
    assert sms.text.startswith("Hi Ștefan".replace("Ș", "S"))
    assert "Tara Buna Shop" in sms.text
    assert sms.info.segments == 1


def test_company_is_cut_word_by_word_then_a_shorter_template_is_used() -> None:
    company = "The Very Long Company Name Of A Large International Retail Conglomerate Ltd"
    sms = compose_sms(TEMPLATES, link=LINK, name="Jo", company=company)
    assert sms.info.segments == 1
    assert sms.text.endswith(LINK)
    assert "The Very Long" in sms.text
    long_link = "https://cx.example/" + "s" * 120
    sms = compose_sms(TEMPLATES, link=long_link, name="Jo", company=company)
    assert sms.text == f"How did we do? {long_link}"


def test_customer_without_name_skips_templates_that_need_one() -> None:
    sms = compose_sms(TEMPLATES, link=LINK, company="Acme")
    assert sms.text == f"Acme: how did we do? {LINK}"
    with pytest.raises(InputError, match="name"):
        compose_sms(TEMPLATES[:1], link=LINK, company="Acme")


def test_when_nothing_fits_the_link_is_still_whole() -> None:
    link = "https://cx.example/s/" + "x" * 200
    sms = compose_sms(TEMPLATES, link=link, name="Maria", company="Acme")
    assert link in sms.text
    assert sms.text == f"How did we do? {link}"
    assert sms.info.segments == 2


def test_link_in_a_unicode_template_is_never_folded() -> None:
    link = "https://cx.example/s/Ab-_9"
    sms = compose_sms(
        ["Mulțumim, ${first_name}! Cum a fost? ${link}"],
        link=link,
        name="Ana",
        company="X",
        max_segments=1,
    )
    assert sms.text.endswith(link)


def test_romanian_template_is_folded_only_when_it_must_be() -> None:
    long_body = "Mulțumim că ați cumpărat de la ${company}, ${first_name}! " * 2
    sms = compose_sms([long_body + "${link}"], link=LINK, name="Ana", company="Acme")
    assert sms.info.encoding is SmsEncoding.GSM7
    assert sms.text.startswith("Multumim ca ati cumparat de la Acme, Ana!")
    short = compose_sms(["Mulțumim! ${link}"], link=LINK, company="Acme")
    assert short.text == f"Mulțumim! {LINK}"  # fits as UCS-2: left alone


@pytest.mark.parametrize(
    "template",
    ["no link here", "${link} and ${link}", "Hi ${customer} ${link}", "Costs $5 ${link}"],
)
def test_bad_templates_are_input_errors(template: str) -> None:
    with pytest.raises(InputError):
        compose_sms([template], link=LINK, name="A", company="B")


def test_link_with_spaces_is_refused() -> None:
    with pytest.raises(InputError):
        compose_sms(TEMPLATES, link="https://x/ y", name="A", company="B")
