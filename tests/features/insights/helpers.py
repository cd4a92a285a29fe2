"""A deterministic, counting stand-in for the e5 embedder, and comments in a real store."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
from sqlalchemy.orm import Session

from cxlens.features.insights import TextModels
from cxlens.models import Answer, Question, Response, Survey, SurveyVersion
from cxlens.text import SentimentHead
from cxlens.text.types import EmbeddingKind, Vectors

DIM = 384


class CountingEmbedder:
    """Bag of words hashed into 384 dimensions over a shared direction; counts every text."""

    name = "counting-embedder"
    version = "1"
    dim = DIM

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed(self, texts: Sequence[str], *, kind: EmbeddingKind) -> Vectors:
        self.embedded.extend(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            words = [w.strip(".,!?:;") for w in text.lower().split()]
            bag = np.zeros(DIM, dtype=np.float32)
            for word in words:
                if word:
                    bag[1 + zlib.crc32(word.encode()) % (DIM - 1)] += 1.0
            norm = float(np.linalg.norm(bag)) or 1.0
            out[i] = bag / norm
            out[i, 0] = 1.2
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / norms).astype(np.float32)


def word_slot(word: str) -> int:
    """The dimension the counting embedder puts ``word`` in."""
    return 1 + zlib.crc32(word.encode()) % (DIM - 1)


def sentiment_head() -> SentimentHead:
    """A small head: a few positive and negative words (the shipped head is for real e5)."""
    weights = np.zeros((3, DIM), dtype=np.float32)
    for word in ("great", "lovely", "perfectly", "good"):
        weights[2, word_slot(word)] = 8.0
    for word in ("late", "crashing", "high", "full", "not", "no"):
        weights[0, word_slot(word)] = 8.0
    return SentimentHead(weights, np.array([0.0, 0.5, 0.0], dtype=np.float32), version="test")


def text_models() -> TextModels:
    """Text models over a fresh counting embedder and the small test head."""
    return TextModels(embedder=CountingEmbedder(), base_head=sentiment_head())


def add_comments(session: Session, texts: Sequence[str], *, start: int = 0) -> list[int]:
    """Store one response with a text answer per text; the answer ids."""
    survey = session.query(Survey).filter_by(name="Comments").one_or_none()
    if survey is None:
        survey = Survey(name="Comments")
        session.add(survey)
        session.flush()
        version = SurveyVersion(survey_id=survey.id, version=1, signature="s" * 64)
        session.add(version)
        session.flush()
        session.add(Question(survey_version_id=version.id, key="comment", type="text"))
        session.flush()
    version = session.query(SurveyVersion).filter_by(survey_id=survey.id).one()
    question = session.query(Question).filter_by(survey_version_id=version.id).one()
    ids = []
    for i, text in enumerate(texts, start=start):
        response = Response(
            survey_version_id=version.id, response_ref=f"r{i}", content_hash="h", source="test"
        )
        session.add(response)
        session.flush()
        answer = Answer(response_id=response.id, question_id=question.id, text=text)
        session.add(answer)
        session.flush()
        ids.append(answer.id)
    return ids


PARKING = [
    "parking lot full again",
    "no parking spaces near the shop",
    "the parking lot was full",
    "could not find parking spaces",
]
OTHER = [
    "the delivery was late but the staff were lovely",
    "price too high for what you get",
    "great product, works perfectly",
    "website keeps crashing at checkout",
]
