"""The evaluation table beside the published reference points, in Markdown."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from cxlens.text.eval.data import UMSAB_LANGUAGES
from cxlens.text.eval.metrics import agreement
from cxlens.text.eval.runner import Evaluation

#: Published UMSAB macro-F1 ×100 (XLM-T README: Barbieri et al., LREC 2022).
REFERENCES: dict[str, dict[str, float]] = {
    "XLM-T": {"en": 70.6, "fr": 71.2, "de": 77.3, "it": 69.1, "es": 67.9},
    "XLM-R": {"en": 68.5, "fr": 70.5, "de": 72.8, "it": 68.6, "es": 66.0},
    "fastText": {"en": 50.9, "fr": 54.8, "de": 59.6, "it": 54.7, "es": 50.1},
}

#: The goals of issue 4 (×100).
UMSAB_GOAL = 66.0
SEMEVAL_NL_THEME_GOAL = 78.0

_LANGUAGE_NAMES = {"en": "English", "fr": "French", "de": "German", "it": "Italian"}
_LANGUAGE_NAMES |= {"es": "Spanish", "nl": "Dutch"}


def _pct(value: float | None) -> str:
    return "—" if value is None or math.isnan(value) else f"{100 * value:.1f}"


def _ref(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def table(evaluations: Sequence[Evaluation]) -> str:
    """One Markdown table: a row per measure, a column per analyzer and reference.

    Scores are ×100. When there are two analyzers or more, rows of agreement of each
    with the first (the reference analyzer) follow.
    """
    refs = list(REFERENCES)
    header = ["set", "measure", *[e.model for e in evaluations], *refs, "goal"]
    rows: list[list[str]] = []
    umsab_languages = [
        lang for lang in UMSAB_LANGUAGES if any(lang in e.umsab for e in evaluations)
    ]
    for lang in umsab_languages:
        scores = [e.umsab[lang].macro_f1 if lang in e.umsab else None for e in evaluations]
        rows.append(
            [
                f"UMSAB {lang} (n={max(e.umsab[lang].n for e in evaluations if lang in e.umsab)})",
                "macro-F1",
                *[_pct(s) for s in scores],
                *[_ref(REFERENCES[r][lang]) for r in refs],
                "",
            ]
        )
    if umsab_languages:
        complete = len(umsab_languages) == len(UMSAB_LANGUAGES)
        rows.append(
            [
                "UMSAB mean" + ("" if complete else f" ({', '.join(umsab_languages)})"),
                "macro-F1",
                *[_pct(e.umsab_mean) for e in evaluations],
                *[_ref(_mean([REFERENCES[r][lang] for lang in umsab_languages])) for r in refs],
                f"≥ {UMSAB_GOAL:.1f}",
            ]
        )
    semeval_languages = sorted({lang for e in evaluations for lang in e.semeval}, reverse=True)
    for measure in ("theme accuracy", "aspect polarity accuracy"):
        for lang in semeval_languages:
            cells: list[str] = []
            n = 0
            for e in evaluations:
                s = e.semeval.get(lang)
                if s is None:
                    cells.append("—")
                    continue
                theme = measure == "theme accuracy"
                cells.append(_pct(s.theme_accuracy if theme else s.polarity_accuracy))
                n = max(n, s.sentences if theme else s.opinions)
            goal = f"≥ {SEMEVAL_NL_THEME_GOAL:.1f}" if (lang, measure[0]) == ("nl", "t") else ""
            name = _LANGUAGE_NAMES.get(lang, lang)
            unit = "sentences" if measure == "theme accuracy" else "opinions"
            rows.append(
                [f"SemEval-16 {name} ({n} {unit})", measure, *cells, *["—"] * len(refs), goal]
            )
    rows.extend(_agreement_rows(evaluations, len(refs)))
    return _markdown(header, rows)


def _agreement_rows(evaluations: Sequence[Evaluation], n_refs: int) -> list[list[str]]:
    if len(evaluations) < 2:
        return []
    first = evaluations[0]
    rows: list[list[str]] = []
    for what in ("sentiment", "top theme"):
        cells = ["(reference)"]
        for other in evaluations[1:]:
            a: list[str] = []
            b: list[str] = []
            for lang, s in first.umsab.items():
                if lang in other.umsab and what == "sentiment":
                    a += s.predicted
                    b += other.umsab[lang].predicted
            for lang, t in first.semeval.items():
                if lang in other.semeval:
                    o = other.semeval[lang]
                    if what == "sentiment":
                        a += t.sentiments
                        b += o.sentiments
                    else:
                        a += [x or "(none)" for x in t.top_themes]
                        b += [x or "(none)" for x in o.top_themes]
            cells.append(_pct(agreement(a, b)) if a else "—")
        where = "UMSAB + SemEval texts" if what == "sentiment" else "SemEval sentences"
        rows.append(
            [f"agreement ({where})", f"{what} = {first.model}'s", *cells, *["—"] * n_refs, ""]
        )
    return rows


def _markdown(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    return "\n".join(lines)


def replace_section(markdown: str, heading: str, body: str) -> str:
    """``markdown`` with the section under ``## heading`` replaced by ``body``.

    The section runs to the next ``## `` heading (or the end); a missing section is appended.
    """
    pattern = re.compile(
        rf"^## {re.escape(heading)}[ \t]*\n.*?(?=^## |\Z)", flags=re.MULTILINE | re.DOTALL
    )
    section = f"## {heading}\n\n{body.strip()}\n\n"
    if pattern.search(markdown):
        out = pattern.sub(lambda _: section, markdown, count=1)
    else:
        out = markdown.rstrip("\n") + "\n\n" + section
    return out.rstrip("\n") + "\n"
