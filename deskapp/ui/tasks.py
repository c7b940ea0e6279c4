"""Database work on one background thread, with each result handed back on the UI thread."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from deskapp.core.errors import InputError

Done = Callable[[Any], None]
Failed = Callable[[Exception], None]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class _Outcome:
    token: int
    result: Any = None
    error: Exception | None = None


@dataclass(frozen=True)
class _Step:
    token: int
    done: int
    total: int


class _Job(QRunnable):
    def __init__(self, tasks: Tasks, token: int, work: Callable[..., Any],
                 wants_progress: bool) -> None:
        super().__init__()
        self._tasks = tasks
        self._token = token
        self._work = work
        self._wants_progress = wants_progress

    def run(self) -> None:
        token = self._token
        try:
            if self._wants_progress:
                result = self._work(
                    lambda done, total: self._tasks.stepped.emit(_Step(token, done, total)))
            else:
                result = self._work()
        except Exception as error:
            self._tasks.finished.emit(_Outcome(token, error=error))
        else:
            self._tasks.finished.emit(_Outcome(token, result))


class Tasks(QObject):
    """One worker thread runs the jobs in order (like Anki's task manager).

    One thread keeps writes to the database in the order the agent made them, and a poll
    queued before a write delivers its (older) rows before the write's result arrives.
    Results are delivered through a queued signal, so callbacks always run on the UI thread.
    """

    finished = Signal(object)
    stepped = Signal(object)
    busy_changed = Signal(bool)
    failed_unexpectedly = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._tokens = itertools.count(1)
        self._callbacks: dict[int, tuple[Done, Failed | None, Progress | None]] = {}
        self.finished.connect(self._deliver)
        self.stepped.connect(self._step)

    @property
    def idle(self) -> bool:
        return not self._callbacks

    def run(self, work: Callable[[], Any], done: Done, failed: Failed | None = None) -> int:
        """Run ``work()`` in the background; ``done(result)`` or ``failed(error)`` afterwards.

        Without ``failed``, an InputError goes to ``failed_unexpectedly`` listeners as well:
        every error reaches someone, and anything but an InputError is a bug and re-raised.
        """
        return self._start(work, done, failed, None)

    def run_with_progress(self, work: Callable[[Progress], Any], done: Done,
                          progress: Progress, failed: Failed | None = None) -> int:
        """As ``run``, with ``work(progress)`` reporting (done, total) back to the UI thread."""
        return self._start(work, done, failed, progress)

    def _start(self, work: Callable[..., Any], done: Done, failed: Failed | None,
               progress: Progress | None) -> int:
        token = next(self._tokens)
        was_idle = self.idle
        self._callbacks[token] = (done, failed, progress)
        self._pool.start(_Job(self, token, work, progress is not None))
        if was_idle:
            self.busy_changed.emit(True)
        return token

    @Slot(object)
    def _step(self, step: _Step) -> None:
        callbacks = self._callbacks.get(step.token)
        if callbacks is not None and callbacks[2] is not None:
            callbacks[2](step.done, step.total)

    @Slot(object)
    def _deliver(self, outcome: _Outcome) -> None:
        entry = self._callbacks.pop(outcome.token, None)
        if entry is None:
            return  # dropped at shutdown
        done, failed, _ = entry
        if self.idle:
            self.busy_changed.emit(False)
        if outcome.error is None:
            done(outcome.result)
        elif failed is not None and isinstance(outcome.error, InputError):
            failed(outcome.error)
        elif isinstance(outcome.error, InputError):
            self.failed_unexpectedly.emit(outcome.error)
        else:
            # A bug: let it surface (pytest-qt fails the test; the app's excepthook reports it).
            if failed is not None:
                failed(outcome.error)
            raise outcome.error

    def shut_down(self, msecs: int = 10_000) -> bool:
        """Wait for the queued jobs to finish (at shutdown) and drop their results."""
        finished = bool(self._pool.waitForDone(msecs))
        self._callbacks.clear()
        return finished
