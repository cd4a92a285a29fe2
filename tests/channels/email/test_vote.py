"""The vote inside the email: one signed, labelled link per score, in HTML and in text."""

from __future__ import annotations

import pytest

from cxlens.channels.email import (
    LinkBuilder,
    VoteQuestion,
    VoteStyle,
    render_vote_html,
    render_vote_text,
)
from cxlens.core.errors import InputError
from cxlens.core.signing import Purpose, Signer, signed_link

from .html_links import links, tags


def make_link(signer: Signer, invitation_id: int = 99) -> LinkBuilder:
    def link(value: int) -> str:
        token = signer.sign(invitation_id, purpose=Purpose.ANSWER, action=value)
        return signed_link("https://cx.example/a", token)

    return link


def verified_values(signer: Signer, hrefs: list[str]) -> list[int | None]:
    return [signer.verify(href.rsplit("/", 1)[1], purpose=Purpose.ANSWER).action for href in hrefs]


def test_nps_row_has_eleven_signed_links_in_order(signer: Signer) -> None:
    question = VoteQuestion.nps("How likely…?", "Not at all likely", "Extremely likely")
    html = render_vote_html(question, make_link(signer))
    anchors = links(html)
    assert [a["href"] for a in anchors] == [make_link(signer)(v) for v in range(11)]
    assert verified_values(signer, [a["href"] for a in anchors]) == list(range(11))
    assert anchors[0]["aria-label"] == "0 – Not at all likely"
    assert anchors[10]["aria-label"] == "10 – Extremely likely"
    assert anchors[5]["aria-label"] == "5"
    assert all(a["title"] == a["aria-label"] for a in anchors)
    assert "Not at all likely" in html and "Extremely likely" in html


def test_row_is_a_table_with_inline_styles_only(signer: Signer) -> None:
    html = render_vote_html(VoteQuestion.nps("Q", "low", "high"), make_link(signer))
    used = tags(html)
    assert "table" in used and "td" in used
    assert {"style", "script", "link", "form", "button", "input"}.isdisjoint(used)
    assert 'role="presentation"' in html
    assert all("style" in a for a in links(html))


def test_csat_labels_become_text_alternatives(signer: Signer) -> None:
    labels = {1: "Very dissatisfied", 3: "Neutral", 5: "Very satisfied"}
    question = VoteQuestion.scale("How satisfied…?", range(1, 6), labels)
    anchors = links(render_vote_html(question, make_link(signer)))
    assert [a["aria-label"] for a in anchors] == [
        "1 – Very dissatisfied",
        "2",
        "3 – Neutral",
        "4",
        "5 – Very satisfied",
    ]


def test_stars_show_a_star_and_the_number(signer: Signer) -> None:
    question = VoteQuestion.stars("Rate your delivery", labels={5: "Excellent"})
    html = render_vote_html(question, make_link(signer))
    anchors = links(html)
    assert len(anchors) == 5
    assert html.count("★") == 5
    assert [a["aria-label"] for a in anchors] == ["1/5", "2/5", "3/5", "4/5", "5/5 – Excellent"]
    assert verified_values(signer, [a["href"] for a in anchors]) == [1, 2, 3, 4, 5]
    assert question.style is VoteStyle.STARS


@pytest.mark.parametrize("points", [3, 5])
def test_smileys_go_from_unhappy_to_happy(signer: Signer, points: int) -> None:
    question = VoteQuestion.smileys("How was it?", {1: "Bad", points: "Great"}, points=points)
    html = render_vote_html(question, make_link(signer))
    anchors = links(html)
    assert len(anchors) == points
    assert anchors[0]["aria-label"] == f"1/{points} – Bad"
    assert anchors[-1]["aria-label"] == f"{points}/{points} – Great"
    assert "🙂" in html and "🙁" in html
    # The face is an image for screen readers, with the same words.
    assert f'role="img" aria-label="1/{points} – Bad"' in html


def test_smileys_need_three_or_five_points() -> None:
    with pytest.raises(InputError):
        VoteQuestion.smileys("Q", points=4)


def test_duplicate_or_missing_values_are_refused() -> None:
    with pytest.raises(InputError):
        VoteQuestion.scale("Q", [1, 1, 2])
    with pytest.raises(InputError):
        VoteQuestion.scale("Q", [])


def test_text_version_lists_every_link_with_its_label(signer: Signer) -> None:
    question = VoteQuestion.nps("How likely?", "Not at all likely", "Extremely likely")
    link = make_link(signer)
    text = render_vote_text(question, link)
    lines = text.splitlines()
    assert lines[0] == "How likely?"
    assert lines[2] == f"  0 – Not at all likely: {link(0)}"
    assert lines[12] == f"  10 – Extremely likely: {link(10)}"
    assert len(lines) == 13


def test_question_text_and_labels_are_escaped(signer: Signer) -> None:
    question = VoteQuestion.scale("Is <b>this</b> ok?", [1, 2], {1: 'a "quote"'})
    html = render_vote_html(question, make_link(signer))
    assert "<b>" not in html
    assert links(html)[0]["aria-label"] == '1 – a "quote"'


def test_ampersands_in_links_are_escaped_and_round_trip(signer: Signer) -> None:
    def link(value: int) -> str:
        return f"https://cx.example/a?x=1&v={value}"

    html = render_vote_html(VoteQuestion.scale("Q", [1, 2]), link)
    assert "&amp;v=1" in html
    assert [a["href"] for a in links(html)] == [link(1), link(2)]
