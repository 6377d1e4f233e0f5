"""How many worker processes a build starts: as asked, within the cores and the free memory."""

from __future__ import annotations

import os
from pathlib import Path


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows
        return os.cpu_count() or 1


WORKER_MB = 100  # about what one worker holds while it renders (measured: 18 processes, 1.4 GB)


def job_count(asked: int | None) -> tuple[int, str]:
    """The workers to start: as asked, but no more than the cores, nor than the free memory holds; and why fewer."""
    cores, free = default_jobs(), _free_mb()
    jobs = min(asked or cores, cores, max(1, free // WORKER_MB) if free is not None else cores)
    if asked is None or asked <= jobs:
        return jobs, ""
    memory = f", {free} MB of memory free (about {WORKER_MB} MB a worker)" if free is not None else ""
    return jobs, f"--jobs {asked} is more than this computer runs at once ({cores} processors{memory}): using {jobs}"


def _free_mb() -> int | None:
    """The memory available to new processes, in MB (Linux's MemAvailable); None where it is not known."""
    try:
        lines = Path("/proc/meminfo").read_text(encoding="ascii").splitlines()
        return next(int(line.split()[1]) // 1024 for line in lines if line.startswith("MemAvailable:"))
    except (OSError, ValueError, StopIteration, IndexError):
        return None
