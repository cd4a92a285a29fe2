from __future__ import annotations

import numpy as np

from cxlens.text.fast.model import FastModel
from cxlens.text.fast.train import (
    distil,
    fidelity,
    theme_sentences,
    threshold_shifts,
    with_clauses,
)

from .teacher import CORPUS, THEMES, keyword_teacher


def test_distilled_model_reproduces_its_teacher() -> None:
    model = distil(CORPUS, keyword_teacher, bits=10, l2=1e-5, max_iter=60, version="t")
    assert model.themes == THEMES
    assert model.teacher == "keywords@1"
    sentiment, hits = fidelity(model, CORPUS, keyword_teacher(CORPUS))
    assert sentiment > 0.95
    assert hits > 0.95
    probs, scores = model.predict(["the parcel was late", "het personeel was snel"])
    assert probs[0].argmax() == 0
    assert probs[1].argmax() == 2
    assert scores[0, 0] > 0.5 > scores[0, 1]
    assert scores[1, 1] > 0.5 > scores[1, 0]


def test_weights_round_trip_through_npz() -> None:
    model = distil(CORPUS, keyword_teacher, bits=10, max_iter=20, version="t")
    back = FastModel.from_bytes(model.to_bytes())
    assert (back.bits, back.themes, back.teacher, back.version) == (10, THEMES, "keywords@1", "t")
    a, b = model.predict(CORPUS[:20]), back.predict(CORPUS[:20])
    assert np.abs(a[0] - b[0]).max() < 0.02  # int8 quantisation
    assert np.abs(a[1] - b[1]).max() < 0.02


def test_with_clauses_appends_the_clauses_of_contrastive_comments() -> None:
    texts = with_clauses(["the delivery was late but the staff were lovely", "all good"])
    assert texts[:2] == ["the delivery was late but the staff were lovely", "all good"]
    assert texts[2:] == ["the delivery was late", "but the staff were lovely"]


def test_threshold_shifts_map_the_best_matching_threshold_to_one_half() -> None:
    rng = np.random.default_rng(0)
    truth = rng.random((200, 2)) < 0.3
    # an under-confident student: its hits sit around 0.3, its misses around 0.1
    scores = np.where(truth, 0.3, 0.1) + rng.normal(0, 0.02, truth.shape)
    logits = np.log(scores / (1 - scores)).astype(np.float32)
    teacher = np.where(truth, 0.9, 0.05).astype(np.float32)
    teacher[:, 1] = 0.05  # the teacher never hits the second theme: no shift
    shifts = threshold_shifts(logits, teacher)
    assert shifts[1] == 0.0
    assert 0.1 < 1 / (1 + np.exp(-shifts[0])) < 0.3
    assert ((logits[:, 0] - shifts[0] > 0) == truth[:, 0]).all()


def test_the_corpus_reaches_beyond_the_demo_vocabulary() -> None:
    texts = theme_sentences()
    assert "de pizza was koud" in texts  # a taxonomy example
    assert "the service was painfully slow" in texts
    assert any(" and " in t or "; " in t for t in texts)  # recombinations
    assert len(texts) > 2000
