"""What ``mockserver contract`` prints while it runs: a line per operation, and a progress bar in every phase.

Each phase shows how far it is (operations done / total in the examples, coverage and fuzzing phases; scenarios
and links followed in the stateful phase; links in the link walk) and the time since the run started. On a
terminal the bar is one line redrawn in place; in a log (CI, a pipe) it is printed at every tenth of the phase
and at least every ``LOG_EVERY_S`` seconds while the phase moves. A phase that does not run says so, and why.
"""
from __future__ import annotations

import time
from typing import TextIO

from .options import PHASES
from .results import NO_LINKS_SELECTED, Results, skip_reason

BAR_WIDTH = 24
LOG_EVERY_S = 15.0


def bar(done: int, total: int, elapsed: float, unit: str, extra: str = "") -> str:
    """``[#####.....] 12/49 operations  0:42``; past its planned total (the state machine replays scenarios to
    confirm a failure) ``231 scenarios (200 planned)``."""
    filled = BAR_WIDTH * min(done, total) // total if total else BAR_WIDTH
    count = f"{done}/{total} {unit}" if done <= total else f"{done} {unit} ({total} planned)"
    return (f"   [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {count}"
            + (f", {extra}" if extra else "") + f"  {_clock(elapsed)}")


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


def operation_line(event) -> str:
    """One operation's line in a phase: its cases and the checks that failed, or why it was skipped."""
    label = event.recorder.label
    if event.status.value == "skip" and not event.recorder.interactions:
        return f"   {label:60}       skipped: {event.skip_reason or 'nothing to send'}"
    failed = {c.name for checks in event.recorder.checks.values() for c in checks if c.status.value == "failure"}
    mark = "✗ " + ", ".join(sorted(failed)) if failed else "✓"
    return f"   {label:60} {len(event.recorder.interactions):4}  {mark}"


def error_line(event) -> str:
    first_line = str(event.info.message).splitlines()[0]
    if NO_LINKS_SELECTED in str(event.info.message):
        return f"   skipped {event.label}: {first_line}"
    return f"   error in {event.label}: {first_line}"


class Progress:
    def __init__(self, out: TextIO, results: Results, stateful_scenarios: int, live: bool | None = None):
        self.out = out
        self.results = results
        self.stateful_scenarios = stateful_scenarios
        self.live = out.isatty() if live is None else live
        self.started = time.monotonic()
        self.operations = len(results.all_operations())
        self.links = len(results.all_transitions())
        self.phase: str | None = None
        self.done = 0
        self.total = 0
        self.unit = "operations"
        self._shown = ""  # the bar on screen (live) or last printed (log)
        self._logged_at = 0.0
        self._logged_tenth = -1
        self._logged_done = 0

    # --- events -----------------------------------------------------------------------------------------------

    def handle(self, event) -> None:
        from schemathesis.engine import events

        if isinstance(event, events.PhaseStarted) and event.phase.name.value in PHASES:
            self._phase_started(event.phase)
        elif isinstance(event, events.PhaseFinished) and event.phase.name.value == self.phase:
            self._phase_finished(event)
        elif isinstance(event, events.ScenarioFinished) and event.phase.value == "stateful":
            self.done += 1
            self.tick()
        elif isinstance(event, events.ScenarioFinished) and event.recorder.label:
            self._operation_finished(event)
        elif isinstance(event, events.NonFatalError):
            self.print(error_line(event))

    def _phase_started(self, phase) -> None:
        name = phase.name.value
        if not phase.is_enabled:
            self.print(f"── {name}: skipped, {skip_reason(phase)}")
            self.phase = None
            return
        self.print(f"── {name}")
        if name == "stateful":
            self.start(name, self.stateful_scenarios, "scenarios")
        else:
            self.start(name, self.operations, "operations")

    def _phase_finished(self, event) -> None:
        if event.status.value == "skip":
            self._clear()
            self.phase = None
            self.print(f"   {event.phase.name.value} skipped: {skip_reason(event.phase)}")
        else:
            self.finish()

    def _operation_finished(self, event) -> None:
        self.done += 1
        self.print(operation_line(event))
        self.tick()

    # --- the bar ----------------------------------------------------------------------------------------------

    def start(self, phase: str, total: int, unit: str) -> None:
        self.phase, self.done, self.total, self.unit = phase, 0, total, unit
        self._logged_tenth, self._logged_at, self._logged_done = 0, time.monotonic(), 0
        if total:
            self.tick()

    def step(self) -> None:
        self.done += 1
        self.tick()

    def finish(self) -> None:
        if self.phase is None:
            return
        if self.live or self._logged_done != self.done:
            line = self.bar_line()
            self._clear()
            print(line, file=self.out, flush=True)
        self.phase = None

    def bar_line(self) -> str:
        extra = ""
        if self.phase == "stateful":
            followed = len(self.results.transitions)
            extra = f"{min(followed, self.links)}/{self.links} links followed"
        return bar(self.done, self.total, time.monotonic() - self.started, self.unit, extra)

    def tick(self) -> None:
        if self.phase is None:
            return
        line = self.bar_line()
        if self.live:
            self._clear()
            self.out.write(line)
            self.out.flush()
            self._shown = line
            return
        tenth = 10 * self.done // self.total if self.total else 10
        now = time.monotonic()
        if tenth > self._logged_tenth or now - self._logged_at >= LOG_EVERY_S:
            self._logged_tenth, self._logged_at, self._logged_done = tenth, now, self.done
            print(line, file=self.out, flush=True)

    def print(self, line: str) -> None:
        self._clear()
        print(line, file=self.out, flush=True)
        if self.live and self.phase is not None:
            self.tick()

    def _clear(self) -> None:
        if self.live and self._shown:
            self.out.write("\r\x1b[K")
            self._shown = ""
