"""Label scales are recognised as whole sets, in seven languages."""

from __future__ import annotations

import pytest

from cxlens.ingest.labels import LABEL_SCALES, label_key, match_label_scale


def test_surveymonkey_five_point_satisfaction() -> None:
    scale = match_label_scale(["Very satisfied", "Somewhat satisfied", "Very dissatisfied"])
    assert scale is not None and scale.points == 5 and scale.higher_is_better
    assert scale.score(label_key("Somewhat satisfied")) == 4.0
    assert scale.score(label_key("Neither satisfied nor dissatisfied")) == 3.0


def test_seven_point_labels_give_seven_point_scores() -> None:
    scale = match_label_scale(
        ["Extremely satisfied", "Slightly satisfied", "Moderately dissatisfied"]
    )
    assert scale is not None and scale.points == 7
    assert [scale.score(label_key(x)) for x in ("Slightly satisfied", "Extremely satisfied")] == [
        5.0,
        7.0,
    ]


def test_qualtrics_extremely_on_five_points() -> None:
    scale = match_label_scale(["Extremely satisfied", "Somewhat dissatisfied"])
    assert scale is not None and scale.points == 5
    assert scale.score(label_key("Extremely satisfied")) == 5.0


def test_labels_of_two_scales_match_none() -> None:
    assert (
        match_label_scale(["Very satisfied", "Moderately satisfied", "Somewhat satisfied"]) is None
    )
    assert match_label_scale(["Very satisfied", "Very easy"]) is None
    assert match_label_scale(["Great", "Awful"]) is None
    assert match_label_scale([]) is None


def test_ease_and_effort_directions() -> None:
    ease = match_label_scale(["Very easy", "Somewhat difficult", "Neither easy nor difficult"])
    assert ease is not None and ease.name == "ease" and ease.higher_is_better
    assert ease.score(label_key("Very easy")) == 5.0
    effort = match_label_scale(["Very low effort", "High effort"])
    assert effort is not None and not effort.higher_is_better
    assert effort.score(label_key("Very low effort")) == 1.0


@pytest.mark.parametrize(
    ("labels", "top"),
    [
        (
            ["Molto soddisfatto", "Né soddisfatto né insoddisfatto", "Insoddisfatto"],
            "molto soddisfatto",
        ),
        (["Très satisfait", "Plutôt insatisfait"], "tres satisfait"),
        (
            ["Sehr zufrieden", "Eher unzufrieden", "Weder zufrieden noch unzufrieden"],
            "sehr zufrieden",
        ),
        (["Muy satisfecho", "Algo insatisfecho"], "muy satisfecho"),
        (["Zeer tevreden", "Neutraal", "Ontevreden"], "zeer tevreden"),
        (["Foarte mulțumit", "Nemulțumit", "Neutru"], "foarte multumit"),
        (["Muy fácil", "Ni fácil ni difícil"], "muy facil"),
        (["Tout à fait d’accord", "Pas d'accord"], "tout a fait d'accord"),
    ],
)
def test_other_languages(labels: list[str], top: str) -> None:
    scale = match_label_scale(labels)
    assert scale is not None and scale.score(top) == float(scale.points)


def test_every_scale_has_distinct_labels() -> None:
    for scale in LABEL_SCALES:
        assert len(set(scale.labels)) == scale.points >= 5, scale
