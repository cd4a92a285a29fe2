"""Time to generate the demo company with 1 M responses. Goal (issue 2): < 60 s.

The baseline is the time numpy takes to draw the same number of plain random scores, to
show the share of the time spent on realism (customers, seasons, comments).

    python bench/demo_generate.py [--responses 1000000] [--repeat 1]
"""

from __future__ import annotations

import numpy as np

from _common import best_of, goal, parser, peak_rss_mb, print_table
from cxlens.demo import generate


def main() -> None:
    p = parser("demo generator: 1 M responses")
    p.add_argument("--responses", type=int, default=1_000_000)
    p.add_argument("--customers", type=int, default=50_000)
    p.set_defaults(repeat=1)
    args = p.parse_args()
    gen_s, demo = best_of(
        lambda: generate(seed=42, customers=args.customers, responses=args.responses),
        args.repeat,
    )
    rss = peak_rss_mb()
    rng = np.random.default_rng(0)
    base_s, _ = best_of(lambda: rng.integers(0, 11, (args.responses, 7)), 3)
    comments = demo.responses.table.column("comment")
    rows = [
        ("cxlens.demo.generate", f"{gen_s:.2f}", "1.00", f"{args.responses / gen_s / 1e3:.0f}"),
        ("numpy random scores only", f"{base_s:.3f}", f"{base_s / gen_s:.3f}",
         f"{args.responses / base_s / 1e3:.0f}"),
    ]  # fmt: skip
    print_table(
        f"demo: {args.customers:,} customers, {args.responses:,} responses, "
        f"{len(comments) - comments.null_count:,} comments, {demo.cases.num_rows:,} cases",
        rows,
        ("contender", "best s", "time / generate", "k responses/s"),
    )
    print(f"generate = {gen_s:.1f} s (goal < 60 s: {goal(gen_s < 60)}); peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
