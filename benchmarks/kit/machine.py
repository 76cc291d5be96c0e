"""The machine's load while a benchmark runs, and what a process used: on a 2-core machine
shared with other jobs, every figure is read beside the load averages of its run."""

from __future__ import annotations

import os
import resource
from pathlib import Path


def load_average() -> list[float]:
    """The 1, 5 and 15-minute load averages, to one decimal."""
    return [round(x, 1) for x in os.getloadavg()]


def load_1m() -> float:
    """The 1-minute load average, to one decimal."""
    return round(os.getloadavg()[0], 1)


def peak_rss_mb(*, children: bool = False) -> float:
    """Peak resident memory (MiB) of this process, or of its largest finished child."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def du_mb(path: Path) -> float:
    """The size (MiB) of the files under `path`."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20
