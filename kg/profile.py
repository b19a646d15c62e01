"""Where a build spends its time and memory: a per-stage wall time and peak memory summary.

`Profiler.stage(name)` times a block (wall clock, and this process's CPU time, which on a
busy machine says more than the wall clock). Peak memory per stage is the process's peak resident set
size (VmHWM) during the block: Linux lets a process reset that counter (`/proc/self/clear_refs`,
value 5), so each stage's figure is its own, not the build's peak so far. Elsewhere the figure
is the process's peak since it started (marked so in the table). Stages may nest (`load
pipeline` inside `extract`); an outer stage's peak includes its inner stages'.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _hwm() -> int | None:
    """Peak resident memory since the last reset, bytes (None where unknown)."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _reset_hwm() -> bool:
    try:
        _CLEAR_REFS.write_text("5")
        return True
    except OSError:
        return False


@dataclass(frozen=True)
class StageTime:
    """One timed stage."""

    name: str
    """Stage name (ingest, extract, resolve, ...)."""
    depth: int
    """0 for a stage of the build, 1 for a part of one."""
    seconds: float
    """Wall-clock time."""
    cpu: float
    """CPU time of this process (user + system; worker processes not included)."""
    peak_rss: int | None
    """Peak resident memory of this process during the stage, bytes."""
    note: str = ""
    """Extra figures (articles/s, workers' memory)."""


class Profiler:
    """Collects StageTimes; `table()` renders them."""

    def __init__(self) -> None:
        self.stages: list[StageTime] = []
        self._open: list[list] = []  # [name, start, peak so far, index in stages]
        self.per_stage_peak = _reset_hwm()
        self.notes: dict[str, str] = {}

    def _observe(self) -> None:
        peak = _hwm()
        if peak is not None:
            for frame in self._open:
                frame[2] = max(frame[2] or 0, peak)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as stage `name`."""
        self._observe()
        _reset_hwm()
        index = len(self.stages)
        self.stages.append(StageTime(name, len(self._open), 0.0, 0.0, None))  # placeholder keeps the order
        frame = [name, time.perf_counter(), _hwm(), index, time.process_time()]
        self._open.append(frame)
        try:
            yield
        finally:
            self._observe()
            self._open.pop()
            self.stages[index] = StageTime(
                name,
                len(self._open),
                time.perf_counter() - frame[1],
                time.process_time() - frame[4],
                frame[2],
                self.notes.pop(name, ""),
            )

    def note(self, stage: str, text: str) -> None:
        """Attach `text` to the stage `stage` (while it runs)."""
        self.notes[stage] = text

    def table(self) -> str:
        """The summary printed by `kg build --profile`."""
        total = sum(s.seconds for s in self.stages if s.depth == 0)
        peak_label = "peak RSS" if self.per_stage_peak else "peak RSS (process)"
        lines = [f"{'stage':<22} {'seconds':>8} {'share':>6} {'CPU s':>8} {peak_label:>18}"]
        for s in self.stages:
            label = ("  " * s.depth + s.name)[:22]
            share = f"{100 * s.seconds / total:5.1f}%" if total else "     -"
            peak = f"{s.peak_rss / 2**20:,.0f} MB" if s.peak_rss else "-"
            row = f"{label:<22} {s.seconds:8.2f} {share:>6} {s.cpu:8.2f} {peak:>18}"
            lines.append(row + (f"  {s.note}" if s.note else ""))
        cpu = sum(s.cpu for s in self.stages if s.depth == 0)
        lines.append(f"{'total':<22} {total:8.2f} {'':>6} {cpu:8.2f}")
        return "\n".join(lines)
