"""The cores this process may use: synthesis runs one process per core (see DESIGN.md)."""

from __future__ import annotations

import os


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS has one), at least 1:
    the default number of synthesis processes, in the CLI's pool and in a worker alike."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
