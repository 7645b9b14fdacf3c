"""``mockserver contract --workers N`` in process: N worker processes (:mod:`.child`) make one run.

Processes, not threads: both the case generation and the mock are Python code, so threads of one interpreter
take turns on its lock and a run is no faster. Each worker has a mock of its own, so no reset or write of one
reaches a case of another, and every case still starts from the seed.

How the work is shared: worker 1 runs the stateful phase and the link walk first (the longest piece of a run);
every worker then asks for operations one at a time and runs the examples, coverage and fuzzing phases on each,
so the workers finish together whatever each operation costs (no estimate to keep up to date). An operation's
phases run in one worker, in the order of a single run, with the same seed: the same cases per operation
whatever N is. Each worker reports progress and results as JSON lines (:mod:`.child`); this module merges them
into the run's :class:`~.results.Results`, so the summary, the reports and the exit status are those of one run.
A worker that stops without reporting (a crash, a non-zero exit) is an error of the run, naming what it was
running.
"""
from __future__ import annotations

import json
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from .credentials import Credentials
from .options import PHASES
from .progress import LOG_EVERY_S, Progress
from .results import Results, merged_status
from .suite import Suite, _operations

APP = "mockserver.app:create_app"  # what each worker serves (``module:callable`` taking the mock's Settings)
PER_OPERATION = tuple(phase for phase in PHASES if phase != "stateful")
STATEFUL_UNIT = "the stateful phase and the link walk"
PHASE_ORDER = ("probing", "schema_analysis", "auth_bootstrap", *PHASES, "links")
STDERR_SHOWN = 2000  # characters of a failed worker's stderr kept in its error


@dataclass
class Worker:
    number: int  # from 1, as the output names it
    process: subprocess.Popen
    stderr: IO[str]
    unit: str | None = None  # the operation (or the stateful phase) it runs now


@dataclass
class Merge:
    """What has arrived so far: phase outcomes as each worker saw them, and when the last one did."""
    statuses: dict[str, list[str]] = field(default_factory=dict)
    finished: dict[str, float] = field(default_factory=dict)

    def add(self, phases: list[tuple[str, str]], at: float) -> None:
        for name, status in phases:
            self.statuses.setdefault(name, []).append(status)
            if name not in self.finished or not status.startswith("skipped"):  # when the last worker ran it
                self.finished[name] = at

    def phases(self) -> list[tuple[str, str, float]]:
        names = sorted(self.statuses, key=lambda n: PHASE_ORDER.index(n) if n in PHASE_ORDER else len(PHASE_ORDER))
        return [(name, merged_status(self.statuses[name]), self.finished[name]) for name in names]


class WorkersProgress(Progress):
    """One bar for the whole run: operations done of the total, and the state machine's scenarios and links."""

    def __init__(self, out, results: Results, stateful_scenarios: int, stateful: bool, live: bool | None = None):
        super().__init__(out, results, stateful_scenarios, live)
        self.stateful = stateful
        self.scenarios = 0
        self.followed = 0  # links the state machine followed so far, as worker 1 counts them
        self.walked = 0
        self.walk_total = 0
        self._logged_tenths: tuple[int, int, int] | None = None
        self._logged_line = ""

    def tick(self) -> None:
        """In a log: a line at every tenth of the operations, of the scenarios and of the links walked, and at
        least every ``LOG_EVERY_S`` seconds while anything moves."""
        if self.phase is None or self.live:
            super().tick()
            return
        tenths = self._tenths()
        now = time.monotonic()
        if tenths != self._logged_tenths or now - self._logged_at >= LOG_EVERY_S:
            self._logged_tenths, self._logged_at = tenths, now
            self._logged_line = self.bar_line()
            print(self._logged_line, file=self.out, flush=True)

    def finish(self) -> None:
        if self.phase is None or self.live:
            super().finish()
            return
        if _counts(self.bar_line()) != _counts(self._logged_line):  # the last counts, if not shown yet
            print(self.bar_line(), file=self.out, flush=True)
        self.phase = None

    def _tenths(self) -> tuple[int, int, int]:
        def tenth(done: int, total: int) -> int:
            return 10 * min(done, total) // total if total else 0
        return (tenth(self.done, self.total), tenth(self.scenarios, self.stateful_scenarios),
                tenth(self.walked, self.walk_total))

    def bar_line(self) -> str:
        from .progress import bar

        extra = []
        if self.stateful:
            followed = min(max(len(self.results.transitions), self.followed), self.links)
            planned = self.stateful_scenarios
            scenarios = (f"{self.scenarios}/{planned} scenarios" if self.scenarios <= planned
                         else f"{self.scenarios} scenarios ({planned} planned)")  # replays confirm a failure
            extra.append(f"{scenarios}, {followed}/{self.links} links followed")
        if self.walk_total:
            extra.append(f"{self.walked}/{self.walk_total} links walked")
        return bar(self.done, self.total, time.monotonic() - self.started, self.unit, ", ".join(extra))


def _counts(line: str) -> str:
    return line.rsplit("  ", 1)[0]  # a bar line without its clock


def run_workers(suite: Suite, credentials: Credentials, results: Results, progress: WorkersProgress,
                workers: int) -> None:
    options = suite.options
    operations = _operations(suite.schema) if any(p in options.phases for p in PER_OPERATION) else []
    waiting = deque((op.definition.raw["operationId"], op.label) for op in operations)
    stateful = "stateful" in options.phases
    count = max(1, min(workers, len(waiting) + stateful))
    for phase in PHASES:
        if phase not in options.phases:
            progress.print(f"── {phase}: skipped, not selected (--phases)")
    selected = [phase for phase in PHASES if phase in options.phases]
    progress.print(f"── {', '.join(selected)}: {count} worker processes, operations handed out one at a time"
                   + (f"; {STATEFUL_UNIT} in worker 1" if stateful else ""))
    progress.start("workers", len(waiting), "operations")
    arrived: queue.Queue[tuple[Worker, str | None]] = queue.Queue()
    job = {"api": suite.api, "credentials": asdict(credentials),
           "options": asdict(options), "app": APP}
    pool = [_start(number, {**job, "stateful": stateful and number == 1}, arrived) for number in range(1, count + 1)]
    labels = dict(waiting)
    merge = Merge()
    running = len(pool)
    while running:
        try:
            worker, line = arrived.get(timeout=1.0)
        except queue.Empty:
            progress.tick()  # the clock moves on a terminal even while every worker is busy
            continue
        if line is None:
            running -= 1
            _stopped(worker, results, progress)
            continue
        event = json.loads(line)
        kind = event["event"]
        if kind == "ready":
            worker.unit = None
            _hand_out(worker, waiting, labels)
        elif kind == "results":
            merge.add(results.merge(event["results"]), time.monotonic() - results.started)
            if worker.unit != STATEFUL_UNIT:
                progress.done += 1
            worker.unit = None
            progress.tick()
        elif kind == "operation":
            progress.print(f"   {event['phase']:<9}{event['line'][3:]}")
        elif kind == "scenario":
            progress.scenarios += 1
            progress.followed = event["links"]
            progress.tick()
        elif kind == "links":
            progress.walk_total = event["total"]
            progress.tick()
        elif kind == "link":
            progress.walked += 1
            progress.tick()
        elif kind == "print":
            progress.print(event["line"])
    progress.finish()
    if waiting:
        results.errors.append(("workers", f"{len(waiting)} operation(s) not run, every worker process stopped: "
                                          + ", ".join(label for _, label in waiting)))
    results.phases = merge.phases()
    results.finished = time.monotonic()


def _start(number: int, job: dict[str, Any], arrived: queue.Queue) -> Worker:
    stderr = tempfile.TemporaryFile("w+", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "mockserver.harness.child"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=stderr, text=True, encoding="utf-8", bufsize=1)
    worker = Worker(number, process, stderr, STATEFUL_UNIT if job["stateful"] else None)
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(json.dumps(job) + "\n")
        process.stdin.flush()
    except OSError:
        pass  # it stopped already: its end of output says so

    def read(stdout=process.stdout) -> None:
        with stdout:
            for line in stdout:
                if line.startswith("{"):
                    arrived.put((worker, line))
        arrived.put((worker, None))

    threading.Thread(target=read, name=f"contract worker {number}", daemon=True).start()
    return worker


def _hand_out(worker: Worker, waiting: deque, labels: dict[str, str]) -> None:
    stdin = worker.process.stdin
    assert stdin is not None
    operation_id = waiting.popleft()[0] if waiting else ""
    try:
        stdin.write(operation_id + "\n")
        stdin.flush()
    except OSError:  # it stopped: the operation goes to another worker
        if operation_id:
            waiting.appendleft((operation_id, labels[operation_id]))
        return
    if operation_id:
        worker.unit = labels[operation_id]
    else:
        stdin.close()


def _stopped(worker: Worker, results: Results, progress: Progress) -> None:
    status = worker.process.wait()
    if worker.process.stdin is not None and not worker.process.stdin.closed:
        try:
            worker.process.stdin.close()
        except OSError:
            pass  # it stopped before it read everything handed to it
    if status == 0 and worker.unit is None:
        worker.stderr.close()
        return
    worker.stderr.seek(0)
    stderr = worker.stderr.read()[-STDERR_SHOWN:].strip()
    worker.stderr.close()
    doing = f"while running {worker.unit}" if worker.unit else "after its last operation"
    message = f"worker process {worker.number} exited with status {status} {doing}" + (
        f"\n\nits last output (stderr):\n{stderr}" if stderr else "")
    results.errors.append((f"worker {worker.number}" + (f" ({worker.unit})" if worker.unit else ""), message))
    progress.print(f"   error in worker {worker.number}: {message.splitlines()[0]}")
