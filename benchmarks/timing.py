"""Timing helpers shared by the benchmark scripts (not part of the package or the tests).

The machine these run on may be shared and loaded: the variants of one comparison are timed
in alternation, round after round, so that a burst of load hits neighbours alike; a ratio is
the median over the rounds of the ratio within each round, which a burst in one round does
not move, and the spread of those per-round ratios says how noisy the run was.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

# run from a checkout without installing: the package is the parent directory's
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def alternate(variants, rounds, number):
    """``{name: [seconds per call in each round]}`` of each ``variants[name]()``, timed in
    alternation: every round times each variant ``number`` times, in a rotating order."""
    names = list(variants)
    samples = {name: [] for name in names}
    for fn in variants.values():
        fn()  # warm up
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            fn = variants[name]
            start = time.perf_counter()
            for _ in range(number):
                fn()
            samples[name].append((time.perf_counter() - start) / number)
    return samples


def ratio(ours, theirs):
    """The median over rounds of ``ours / theirs`` within a round, and the range of those ratios."""
    per_round = sorted(a / b for a, b in zip(ours, theirs))
    return statistics.median(per_round), per_round[0], per_round[-1]


def ratio_text(ours, theirs):
    median, low, high = ratio(ours, theirs)
    return f"{median:.2f} ({low:.2f}-{high:.2f})"


def load():
    """The 1-minute load average and the core count, for the header of a run."""
    try:
        one = os.getloadavg()[0]
    except OSError:  # pragma: no cover - not on this platform
        return f"{os.cpu_count()} cores"
    return f"load average {one:.2f} on {os.cpu_count()} cores"
