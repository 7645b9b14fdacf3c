"""Reports written when the proxy stops (``--report-dir``): JUnit XML, one test case per operation seen and per
check that found something on it, and a Markdown summary with every violation and its curl line."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .exchange import Violation

if TYPE_CHECKING:
    from .app import ProxyState


def write_reports(state: ProxyState, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    api = state.proxy.api
    junit, markdown = directory / f"proxy-{api}.xml", directory / f"proxy-{api}.md"
    violations = state.tally.violations()
    exchanges = dict(state.tally.exchanges)
    seconds = (datetime.now(UTC) - state.started).total_seconds()
    unanswered = state.tally.unanswered_requests() if state.proxy.fail_on_upstream_errors else []
    junit.write_text(render_junit(api, exchanges, violations, seconds, unanswered), encoding="utf-8")
    markdown.write_text(render_markdown(state, exchanges, violations), encoding="utf-8")
    return [junit, markdown]


def _by_operation(violations: list[Violation]) -> dict[str, dict[str, list[Violation]]]:
    grouped: dict[str, dict[str, list[Violation]]] = defaultdict(lambda: defaultdict(list))
    for v in violations:
        grouped[v.operation][v.check].append(v)
    return grouped


def render_junit(api: str, exchanges: dict[str, int], violations: list[Violation], seconds: float,
                 unanswered: list[str] | None = None) -> str:
    """``unanswered``: requests the upstream did not answer, one failing test case each
    (``--fail-on-upstream-errors``)."""
    suite = ET.Element("testsuite", name=f"mockserver proxy: {api} traffic against its contract")
    grouped = _by_operation(violations)
    tests = failures = 0
    for label in sorted(set(exchanges) | set(grouped)):
        tests += 1
        case = ET.SubElement(suite, "testcase", classname=label, name="contract")
        found = grouped.get(label, {})
        ET.SubElement(case, "system-out").text = (f"{exchanges.get(label, 0)} exchange(s); "
                                                  f"{sum(len(v) for v in found.values())} violation(s)")
        for check, listed in sorted(found.items()):
            failures += 1
            failing = ET.SubElement(suite, "testcase", classname=label, name=check)
            failure = ET.SubElement(failing, "failure", message=listed[0].message.splitlines()[0])
            failure.text = "\n\n".join(_text(v) for v in listed)
            tests += 1
    for number, request in enumerate(unanswered or [], 1):
        tests += 1
        failures += 1
        case = ET.SubElement(suite, "testcase", classname="upstream", name=f"answered #{number}")
        ET.SubElement(case, "failure", message=f"the upstream did not answer {request}").text = request
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("time", f"{seconds:.1f}")
    suites = ET.Element("testsuites")
    suites.append(suite)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _text(v: Violation) -> str:
    return f"[{v.part}] {v.message}\n(journal seq {v.seq}, {v.time})\nReproduce:\n  {v.curl}"


def render_markdown(state: ProxyState, exchanges: dict[str, int], violations: list[Violation]) -> str:
    api, upstream = state.proxy.api, state.upstream.origin
    grouped = _by_operation(violations)
    lines = [f"# mockserver proxy: {api} traffic against its contract", "",
             f"- upstream: {upstream}", f"- exchanges checked: {sum(exchanges.values())} "
             f"({len(exchanges)} operation(s))", f"- violations: {len(violations)}",
             f"- upstream failures (answered 502/504): {state.tally.upstream_failures}", ""]
    lines += ["## Operations", "", "| operation | exchanges | violations |", "|---|---:|---:|"]
    for label in sorted(set(exchanges) | set(grouped)):
        count = sum(len(v) for v in grouped.get(label, {}).values())
        lines.append(f"| `{label}` | {exchanges.get(label, 0)} | {count} |")
    lines.append("")
    if violations:
        lines += ["## Violations", ""]
        for label, checks in sorted(grouped.items()):
            for check, listed in sorted(checks.items()):
                lines += [f"### `{label}`: {check} ({len(listed)})", ""]
                for v in listed:
                    lines += [f"- {v.part}: {v.message} (journal seq {v.seq})", "", "  ```", f"  {v.curl}",
                              "  ```", ""]
    else:
        lines += ["No violation.", ""]
    return "\n".join(lines)
