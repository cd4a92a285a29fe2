"""``python -m cxlens.text.eval`` (``make eval-text``): score the text analyzers.

Runs each analyzer on the UMSAB test sets and the SemEval-2016 restaurant reviews found under
``--data`` (default ``$CXLENS_EVAL_DATA`` or ``../shared/data``), prints the table beside
the published reference points and, with ``--write-docs``, writes it into the
"Evaluation" section of docs/text-analytics.md. Evaluation only: nothing is trained here.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

from cxlens.text.eval.analyzers import ANALYZERS
from cxlens.text.eval.report import replace_section, table
from cxlens.text.eval.runner import Evaluation, evaluate
from cxlens.text.eval.themes import DEFAULT_MAPPING
from cxlens.text.types import BackendUnavailable, TextAnalyzer

SECTION = "Evaluation"


def machine() -> str:
    """The machine the figures were measured on, in one line."""
    return (
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}"
    )


def _mapping_lines() -> list[str]:
    lines = ["| SemEval category | counts as |", "|---|---|"]
    for key, themes in DEFAULT_MAPPING.items():
        name = f"`*#{key}`" if key == "PRICES" else f"`{key}#*`"
        lines.append(f"| {name} | {' or '.join(themes) if themes else '— (no theme)'} |")
    return lines


def section_body(evaluations: list[Evaluation], limit: int | None) -> str:
    """The Markdown of the "Evaluation" section: how to reproduce, the table, definitions."""
    seconds = ", ".join(
        f"{e.model} {e.texts} texts in {e.seconds:.0f} s ({e.texts / max(e.seconds, 1e-9):.0f}/s)"
        for e in evaluations
    )
    parts = [
        "`make eval-text` (or `.venv/bin/python -m cxlens.text.eval --data ../shared/data`) "
        "runs every analyzer on third-party sets that cxlens never trains on: the UMSAB "
        "multilingual tweet-sentiment test sets (en/fr/de/it/es, 870 tweets each) and the "
        "SemEval-2016 restaurant reviews (aspect categories with polarity; Dutch and "
        "English). Scores are ×100; the reference columns are the published UMSAB figures "
        "(XLM-T README). Languages are detected, never given.",
        "",
        f"Measured {date.today().isoformat()} on {machine()}"
        + (f", first {limit} rows of each set" if limit else "")
        + f". Time: {seconds}.",
        "",
        table(evaluations),
        "",
        "**UMSAB macro-F1**: the unweighted mean of the F1 of negative, neutral and positive; "
        "the mean row averages the five languages.",
        "",
        "**SemEval theme accuracy**: over the sentences with at least one opinion whose "
        "category maps to a theme (below), the share where the analyzer's highest-scoring "
        "theme *among the mapped themes* (as a restaurant would configure its taxonomy) is "
        "one of the sentence's gold themes; a sentence where none of them is found counts "
        "as wrong. Sentences marked out of scope are left out.",
        "",
        *_mapping_lines(),
        "",
        "**Aspect polarity accuracy**: over every gold opinion with polarity negative, "
        "neutral or positive (`conflict` left out), the share where the aspect sentiment "
        "of the best hit among the opinion's themes equals the gold polarity; when the "
        "analyzer found none of them (or the category maps to no theme) the sentence's "
        "sentiment stands in.",
        "",
        "**Agreement**: the share of texts where an analyzer gives the same label as the "
        "first (reference) analyzer — for the fast path, how faithfully it was distilled.",
    ]
    return "\n".join(parts)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m cxlens.text.eval", description=__doc__)
    p.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("CXLENS_EVAL_DATA", "../shared/data")),
        help="folder with umsab/ and semeval2016/ ($CXLENS_EVAL_DATA or ../shared/data)",
    )
    p.add_argument(
        "--analyzers",
        default="default,fast",
        help=f"comma-separated, from: {', '.join(ANALYZERS)} (the first is the reference)",
    )
    p.add_argument("--limit", type=int, default=None, help="first N rows of each set only")
    p.add_argument("--write-docs", type=Path, default=None, help="update this Markdown file")
    return p


def main(
    argv: list[str] | None = None,
    analyzers: Mapping[str, Callable[[], TextAnalyzer]] = ANALYZERS,
) -> int:
    """Run the harness; the exit status is 0 when something was measured or skipped cleanly.

    ``analyzers`` maps the names ``--analyzers`` accepts to factories.
    """
    args = _parser().parse_args(argv)
    data: Path = args.data
    if not ((data / "umsab").is_dir() or (data / "semeval2016").is_dir()):
        print(
            f"eval-text: skipped: no evaluation data under {data} (expected umsab/ and "
            "semeval2016/; set --data or CXLENS_EVAL_DATA)",
            file=sys.stderr,
        )
        return 0
    names = [n.strip() for n in args.analyzers.split(",") if n.strip()]
    unknown = [n for n in names if n not in analyzers]
    if unknown:
        print(f"eval-text: unknown analyzer {', '.join(unknown)}", file=sys.stderr)
        return 2
    evaluations: list[Evaluation] = []
    for name in names:
        try:
            analyzer = analyzers[name]()
        except BackendUnavailable as exc:
            print(f"eval-text: {name}: cannot run here: {exc}", file=sys.stderr)
            continue

        def progress(line: str) -> None:
            print(f"\r{line:<60}", end="", file=sys.stderr, flush=True)

        evaluations.append(evaluate(analyzer, data, limit=args.limit, progress=progress))
        print(file=sys.stderr)
    if not evaluations:
        print("eval-text: no analyzer could run", file=sys.stderr)
        return 1
    print(table(evaluations))
    if args.write_docs is not None:
        doc: Path = args.write_docs
        text = doc.read_text(encoding="utf-8") if doc.exists() else "# Text analytics\n"
        doc.write_text(
            replace_section(text, SECTION, section_body(evaluations, args.limit)),
            encoding="utf-8",
        )
        print(f"eval-text: wrote the {SECTION!r} section of {doc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
