"""CPU time of processes, read from Linux's /proc: how many CPU milliseconds a benchmark's
servers spend per request, so a rate can be explained (which process the cores went to)
rather than only reported."""

from __future__ import annotations

import os
import resource
from collections.abc import Callable, Iterable
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")
_PROC = Path("/proc")


def cpu_seconds(pids: Iterable[int]) -> float:
    """User plus system CPU seconds the live processes `pids` have used so far, with what
    their children that have ended and been waited for used (PostgreSQL's postmaster waits
    for its backends: a connection's backend that has gone is counted there); a process that
    has gone is counted as 0."""
    total = 0
    for pid in pids:
        try:
            fields = (_PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        # after the command's closing parenthesis: state is field 0, then utime, stime,
        # cutime and cstime are 11 to 14
        total += sum(int(value) for value in fields[11:15])
    return total / _TICKS


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending += children.get(current, [])
    return found


def named(command: str) -> list[int]:
    """Every live process whose command name (/proc/<pid>/comm) is `command`."""
    found = []
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() == command:
                found.append(int(entry.name))
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def children_cpu_seconds() -> float:
    """CPU seconds of this process's children that have ended and been waited for (a load
    generator run with `subprocess.run`)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class CpuMeter:
    """CPU seconds each named group of processes spends between `start()` and `stop()`; the
    groups' processes are looked up at both ends (a process present at only one end counts
    from or until then). `children`, when named, is what this process's children that
    ended in between spent (the load generator)."""

    def __init__(
        self, groups: dict[str, Callable[[], list[int]]], *, children: str | None = None
    ) -> None:
        self._groups = groups
        self._children = children
        self._started: dict[str, dict[int, float]] = {}
        self._children_started = 0.0

    def _read(self) -> dict[str, dict[int, float]]:
        return {
            name: {pid: cpu_seconds([pid]) for pid in find()} for name, find in self._groups.items()
        }

    def start(self) -> None:
        self._started = self._read()
        self._children_started = children_cpu_seconds()

    def stop(self) -> dict[str, float]:
        ended = self._read()
        spent = {
            name: sum(seconds - self._started[name].get(pid, 0.0) for pid, seconds in pids.items())
            for name, pids in ended.items()
        }
        if self._children is not None:
            spent[self._children] = children_cpu_seconds() - self._children_started
        return spent
