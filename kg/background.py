"""Run one piece of a build in a forked process beside the rest (`kg build --workers N`, N > 1).

After linking, the page (graph.html) needs only the records, and once graph.nt is written the
Turtle/JSON-LD writers need only that file: each can run in its own process while this one
goes on (export, SHACL validation), so that two cores are busy instead of one. The child is
forked (no pickling of the records, which it shares copy-on-write) and reports its result -
or its exception, re-raised here - through a pipe. Where forking is not safe (no `fork` on
the platform, or another thread alive, e.g. a Dask client's) the piece runs inline at once; a
Dask build closes its engine before these pieces, which ends the client's threads
(kg.engine._stop_offload_thread), so they fork there too.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from kg.errors import KGError

log = logging.getLogger(__name__)


def can_fork() -> bool:
    """Whether a piece can run in a forked process here (the platform forks, one thread runs)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class Job:
    """`fn(*args)` running in a forked process (or already run, inline); `result()` waits."""

    def __init__(self, name: str, fn: Callable[..., Any], *args: Any, fork: bool = True):
        self.name = name
        self._proc = None
        self._inline: tuple[str, Any] | None = None
        self.cpu = 0.0
        """CPU seconds the piece took (in its own process, when forked)."""
        if not (fork and can_fork()):
            started = time.process_time()
            try:
                self._inline = ("ok", fn(*args))
            except Exception as exc:  # re-raised by result(), where a forked one would be
                self._inline = ("error", exc)
            self.cpu = time.process_time() - started
            return
        ctx = multiprocessing.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_run, args=(send, fn, args), name=f"kg-{name}", daemon=True)
        self._proc.start()
        send.close()

    @property
    def forked(self) -> bool:
        """Whether the piece runs in a process of its own."""
        return self._proc is not None

    def result(self) -> Any:
        """The piece's return value; its exception is raised here."""
        if self._proc is None:
            status, value = self._inline
        else:
            try:
                status, value, self.cpu = self._recv.recv()
            except EOFError:  # the child died without a word (killed, out of memory)
                self._proc.join()
                raise KGError(f"the {self.name} process ended with exit code {self._proc.exitcode}") from None
            finally:
                self._recv.close()
            self._proc.join()
        if status == "error":
            raise value
        return value

    def cancel(self) -> None:
        """Stop the piece if it still runs (the build failed elsewhere)."""
        if self._proc is not None and self._proc.is_alive():
            self._proc.terminate()
            self._proc.join()


def _run(send, fn: Callable[..., Any], args: tuple) -> None:
    started = time.process_time()
    try:
        message = ("ok", fn(*args))
    except Exception as exc:
        message = ("error", exc)
    try:
        send.send((*message, time.process_time() - started))
    except Exception as exc:  # an exception (or value) that does not pickle: its text then
        send.send(("error", KGError(f"{message[1]!r} ({exc})"), time.process_time() - started))
    send.close()
    log.debug("background piece done in process %d", os.getpid())
