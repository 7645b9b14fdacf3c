"""``mockserver contract``: one API's contract against the mock in process or a server at ``--base-url``.

Runs every schemathesis phase (examples, coverage, fuzzing, stateful) through the engine, prints progress,
writes ``contract-<api>.xml`` (JUnit) and ``contract-<api>.md`` into the report directory, and exits 0 when
every check held, 1 when any failed (or the run hit errors), 2 for usage and configuration errors.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import TextIO

from .credentials import Credentials, CredentialsError, default_credentials
from .facts import ApiFacts
from .options import PHASES
from .progress import Progress
from .report import write_reports
from .results import Results
from .suite import READ_METHODS, Options, Suite, build
from .target import InProcessTarget, RemoteTarget, split_base_url

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
ENV = "MOCKSERVER_CONTRACT_"  # e.g. MOCKSERVER_CONTRACT_BASE_URL, …_USERNAME, …_PASSWORD, …_API_KEY, …_TOKEN


class UsageError(Exception):
    pass


@dataclass(frozen=True)
class Plan:
    api: str
    base_url: str | None
    credentials: Credentials
    options: Options
    report_dir: Path


def plan_from_args(args) -> Plan:
    base_url = args.base_url or os.environ.get(ENV + "BASE_URL") or None
    given = Credentials(username=args.username or os.environ.get(ENV + "USERNAME"),
                        password=args.password if args.password is not None else os.environ.get(ENV + "PASSWORD"),
                        api_key=args.api_key or os.environ.get(ENV + "API_KEY"),
                        token=args.token or os.environ.get(ENV + "TOKEN"))
    styles = [name for name, value in (("--password", given.password), ("--api-key", given.api_key),
                                       ("--token", given.token)) if value]
    if len(styles) > 1:
        raise UsageError(f"give one way to authenticate, not {' and '.join(styles)}")
    if given.style == "none":
        if given.username:
            raise UsageError("--username needs --password or --api-key")
        given = default_credentials(args.api)  # the mock's seeded superuser: in process, or a mock run elsewhere
    phases = tuple(args.phases.split(",")) if args.phases else PHASES
    unknown = [p for p in phases if p not in PHASES]
    if unknown:
        raise UsageError(f"--phases takes {','.join(PHASES)}, not {','.join(unknown)}")
    operation_ids = tuple(args.operation or ())
    _check_operations(args.api, operation_ids, args.read_only)
    options = Options(read_only=args.read_only, max_examples=args.max_examples, seed=args.seed, phases=phases,
                      operation_ids=operation_ids, workers=getattr(args, "workers", 1) or 1)
    if options.workers > 1 and base_url and not options.read_only:
        raise UsageError("--workers above 1 against --base-url needs --read-only: cases writing to one server in "
                         "parallel would judge each other's changes (in process, each worker process has a mock of "
                         "its own)")
    return Plan(args.api, base_url, given, options, Path(args.report_dir))


def _check_operations(api: str, wanted: tuple[str, ...], read_only: bool) -> None:
    """``--operation`` ids the contract does not have are a usage error (a typo would otherwise pass with no
    case run), and so is a selection ``--read-only`` leaves empty."""
    from ..contract import load, operations

    known = {op["operation_id"]: op["method"] for op in operations(load(api)) if op["operation_id"]}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        close = sorted({match for name in unknown for match in get_close_matches(name, known, n=3)})
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise UsageError(f"the {api} contract has no operation {', '.join(unknown)}{hint}; its operation ids are: "
                         + " ".join(sorted(known)))
    if wanted and read_only and all(known[name] not in READ_METHODS for name in wanted):
        raise UsageError(f"--read-only leaves none of --operation {', '.join(wanted)} (they write)")


def make_suite(plan: Plan) -> Suite:
    from ..contract import load

    if plan.base_url is None:
        from ..app import create_app
        from ..config import Settings

        target = InProcessTarget(create_app(Settings(apis=(plan.api,))))
        return build(plan.api, target, plan.credentials, plan.options)
    facts = ApiFacts(plan.api, load(plan.api))
    try:
        origin, api_base = split_base_url(plan.base_url, facts.base_path, facts.api_root)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    import requests

    try:
        return build(plan.api, RemoteTarget(origin), plan.credentials, plan.options, api_base_url=api_base)
    except requests.RequestException as exc:
        raise UsageError(f"cannot reach {origin}: {exc}") from None


def preflight(suite: Suite) -> None:
    """Fail fast (exit 2) when the server cannot be reached or refuses the credentials."""
    import requests

    probe = next((r.list_path for r in suite.facts.resources if suite.facts.is_protected("GET", r.list_path)), None)
    assert suite.target.authenticator is not None  # every suite attaches one
    try:
        headers = suite.target.authenticator.headers()
        if probe is not None:
            reply = suite.target.send("GET", suite.facts.base_path + probe, headers=headers)
            if reply.status in (401, 403):
                raise UsageError(f"the server refused the credentials: GET {probe} answered {reply.status}")
    except requests.RequestException as exc:
        raise UsageError(f"cannot reach {suite.target.origin}: {exc}") from None
    except CredentialsError as exc:
        raise UsageError(str(exc)) from None


def walk_links(suite: Suite, results: Results, progress: Progress) -> None:
    """Follow every link the state machine did not (see :mod:`.walk`)."""
    from .walk import Walker, contract_links

    links = [link for link in contract_links(suite) if link.label not in results.transitions]
    progress.print(f"── links: {len(links)} not followed by the state machine")
    if links:
        progress.start("links", len(links), "links")
    for step in Walker(suite, results.succeeded).walk(links):
        results.record_step(step)
        failed = sorted({name for name, failure in step.results if failure is not None})
        mark = (f"error: {step.error}" if step.error else f"skipped: {step.skipped}" if step.skipped
                else "✗ " + ", ".join(failed) if failed else "✓")
        progress.print(f"   {step.link.label}  {mark}")
        progress.step()
    progress.finish()
    results.phases.append(("links", "success", time.monotonic() - results.started))


def run_here(suite: Suite, results: Results, progress: Progress) -> None:
    """The run in this process: schemathesis' engine (its worker threads with ``--workers`` against a server),
    then the link walk; on a server, the singletons the run wrote restored at the end."""
    from schemathesis.engine import from_schema

    protector = suite.protector
    if protector is not None:
        protector.announce = progress.print
        for note in protector.notes:
            progress.print(f"   warning: {note}")
    try:
        for event in from_schema(suite.schema).execute():
            results.handle(event)
            progress.handle(event)
        if "stateful" in suite.options.phases:
            walk_links(suite, results, progress)
    finally:
        if protector is not None:
            protector.restore(everything=True)  # the server as the run found it
    if protector is not None:
        progress.print(f"── server state: {protector.summary().replace('`', '').replace('**', '')}")
        results.errors += [(f"restore {path}", message) for path, message in protector.failures]


def run(plan: Plan, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    suite = make_suite(plan)
    preflight(suite)
    where = plan.base_url or "the mock in process"
    title = f"{plan.api} contract against {where}" + (" (read-only)" if plan.options.read_only else "")
    workers = f", {plan.options.workers} workers" if plan.options.workers > 1 else ""
    print(f"{title}: {plan.credentials.style} credentials, max {plan.options.max_examples} examples, "
          f"seed {plan.options.seed}{workers}", file=out, flush=True)
    results = Results(suite)
    if plan.options.workers > 1 and plan.base_url is None:  # processes, each with a mock of its own
        from .workers import WorkersProgress, run_workers

        progress = WorkersProgress(out, results, plan.options.stateful_examples, "stateful" in plan.options.phases)
        run_workers(suite, plan.credentials, results, progress, plan.options.workers)
    else:
        run_here(suite, results, Progress(out, results, plan.options.stateful_examples))
    junit, markdown = write_reports(results, plan.report_dir, title)
    failing = sum(1 for checks in results.operations.values() for t in checks.values() if t.failed)
    print(f"{'FAILED' if results.failed else 'passed'}: {failing} failing check(s), {len(results.errors)} error(s), "
          f"{sum(results.cases.values())} cases, {results.seconds:.1f} s", file=out)
    print(f"reports: {junit}  {markdown}", file=out, flush=True)
    return EXIT_FAILED if results.failed else EXIT_OK


def main(args, out: TextIO | None = None) -> int:
    try:
        return run(plan_from_args(args), out)
    except (UsageError, CredentialsError) as exc:
        print(f"mockserver contract: {exc}", file=sys.stderr)
        return EXIT_USAGE
