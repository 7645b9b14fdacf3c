"""Reports of a run: JUnit XML (one test case per operation and check) and a Markdown summary."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from .results import Results


def write_reports(results: Results, directory: Path, title: str) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    api = results.suite.api
    junit = directory / f"contract-{api}.xml"
    markdown = directory / f"contract-{api}.md"
    junit.write_text(render_junit(results, title), encoding="utf-8")
    markdown.write_text(render_markdown(results, title), encoding="utf-8")
    return junit, markdown


def render_junit(results: Results, title: str) -> str:
    suite = ET.Element("testsuite", name=title)
    tests = failures = 0
    for label in results.all_operations():
        checks = results.operations.get(label, {})
        for check, tally in sorted(checks.items()):
            tests += 1
            case = ET.SubElement(suite, "testcase", classname=label, name=check)
            ET.SubElement(case, "system-out").text = f"{tally.passed} passed, {tally.failed} failed"
            if tally.failed:
                failures += 1
                failure = ET.SubElement(case, "failure", message=tally.failures[0].message.splitlines()[0])
                failure.text = "\n\n".join(_failure_text(f) for f in tally.failures)
        if not checks:
            tests += 1
            case = ET.SubElement(suite, "testcase", classname=label, name="exercised")
            ET.SubElement(case, "skipped", message="no case of this operation ran")
    for label, message in results.errors:
        tests += 1
        failures += 1
        case = ET.SubElement(suite, "testcase", classname=label, name="error")
        ET.SubElement(case, "error", message=message.splitlines()[0] if message else "error").text = message
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("time", f"{results.seconds:.1f}")
    suites = ET.Element("testsuites")
    suites.append(suite)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _failure_text(failure) -> str:
    return f"{failure.message}\n\nReproduce ({failure.phase}):\n" + "\n".join(f"  {c}" for c in failure.curl)


def render_markdown(results: Results, title: str) -> str:
    operations = results.all_operations()
    exercised = [label for label in operations if results.cases.get(label)]
    transitions = results.all_transitions()
    covered = [t for t in transitions if t in results.transitions]
    failing = {(label, check): tally for label, checks in results.operations.items()
               for check, tally in checks.items() if tally.failed}
    lines = [
        f"# {title}",
        "",
        f"- result: **{'FAILED' if results.failed else 'passed'}** — {len(failing)} failing check(s) on "
        f"{len({label for label, _ in failing})} operation(s), {len(results.errors)} error(s)",
        f"- operations exercised: {len(exercised)} of {len(operations)}",
        f"- stateful links followed: {len(covered)} of {len(transitions)}",
        f"- requests: {sum(results.cases.values())} cases in {results.seconds:.1f} s",
        "- phases: " + ", ".join(f"{name} {status} ({seconds:.0f} s)" for name, status, seconds in results.phases),
        *([f"- server state (singletons the run wrote, restored after each write and at the end): "
             f"{results.suite.protector.summary()}"] if results.suite.protector is not None else []),
        *[f"- warning: {note}" for note in (results.suite.protector.notes if results.suite.protector else [])],
        *[f"- note: {note}" for note in results.notes],
        "",
        "## Checks per operation",
        "",
        "✓ n = the check held on n responses; ✗ n = it failed on n. Checks that did not apply are not listed.",
        "",
        "| operation | cases | checks |",
        "|---|---|---|",
    ]
    for label in operations:
        checks = results.operations.get(label, {})
        cells = ", ".join(f"{'✗' if t.failed else '✓'} {name} {t.failed or t.passed}" for name, t in sorted(
            checks.items(), key=lambda item: (not item[1].failed, item[0])))
        lines.append(f"| `{label}` | {results.cases.get(label, 0)} | {cells or '—'} |")
    if failing:
        lines += ["", "## Failures", ""]
        for (label, check), tally in sorted(failing.items()):
            lines += [f"### `{label}` — {check}", ""]
            for failure in tally.failures:
                lines += ["```", failure.message, "```", "", f"Reproduce ({failure.phase} phase):", "", "```sh",
                          *failure.curl, "```", ""]
    if results.errors:
        lines += ["", "## Errors", ""]
        for label, message in results.errors:
            lines += [f"### {label}", "", "```", message, "```", ""]
    missing = [t for t in transitions if t not in results.transitions]
    if missing:
        reasons = dict(results.skipped_links)
        lines += ["", "## Links not followed", "", *[f"- `{t}`" + (f": {reasons[t]}" if t in reasons else "")
                                                    for t in missing]]
    return "\n".join(lines) + "\n"
