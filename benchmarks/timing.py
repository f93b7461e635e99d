"""Timing helpers shared by the benchmark scripts (not part of the package or the tests).

The machine these run on may be shared: the variants of one comparison are timed in
alternation, round after round, so that a burst of load hits all of them alike, and the
minimum over the rounds is reported (the median too, where it says how noisy a run was).
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
    """``{name: (minimum, median)}`` seconds per call of each ``variants[name]()``, timed in
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
    return {name: (min(s), statistics.median(s)) for name, s in samples.items()}


def load():
    """The 1-minute load average and the core count, for the header of a run."""
    try:
        one = os.getloadavg()[0]
    except OSError:  # pragma: no cover - not on this platform
        return f"{os.cpu_count()} cores"
    return f"load average {one:.2f} on {os.cpu_count()} cores"


def spread(result):
    """How far the median is above the minimum, in percent (a measure of the noise)."""
    low, median = result
    return 100.0 * (median / low - 1.0)
