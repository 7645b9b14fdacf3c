"""The consumer coverage report of a test session: ``GET /__mock__/coverage`` answers merged and written out.

The pytest plugin's ``--mockserver-coverage=FILE`` gathers the coverage of every mock of the session (one per
xdist worker, one per distinct settings), merges it with :func:`merge` and writes it with :func:`write` as
Markdown, JSON or HTML, by the file's suffix. Plain data in, text out; only the standard library.
"""
from __future__ import annotations

import html
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FORMATS = (".md", ".json", ".html")

Report = dict[str, Any]  # {"apis": {api: {"operations": [...], "unmatched": [...], "unmatched_unlisted_calls": n}}}


def merge(parts: Iterable[Report]) -> Report:
    """One report from several mocks' coverage: calls add up, a status is seen if any mock saw it, and a
    documented one is not seen only if no mock saw it."""
    apis: dict[str, dict[str, Any]] = {}
    for part in parts:
        for api, counted in part.get("apis", {}).items():
            into = apis.setdefault(api, {"operations": {}, "unmatched": {}, "unmatched_unlisted_calls": 0})
            for op in counted.get("operations", []):
                key = (op["method"], op["path"])
                kept = into["operations"].get(key)
                if kept is None:
                    into["operations"][key] = {**op, "statuses_seen": set(op["statuses_seen"]),
                                               "statuses_not_seen": set(op["statuses_not_seen"])}
                    continue
                kept["calls"] += op["calls"]
                kept["fixture_calls"] += op["fixture_calls"]
                kept["statuses_seen"] |= set(op["statuses_seen"])
                kept["statuses_not_seen"] &= set(op["statuses_not_seen"])
            for request in counted.get("unmatched", []):
                key = (request["method"], request["path"])
                kept = into["unmatched"].setdefault(key, {**request, "calls": 0, "fixture_calls": 0})
                kept["calls"] += request["calls"]
                kept["fixture_calls"] += request.get("fixture_calls", 0)
            into["unmatched_unlisted_calls"] += counted.get("unmatched_unlisted_calls", 0)
    merged: dict[str, Any] = {}
    for api, into in apis.items():
        operations = []
        for op in into["operations"].values():
            seen = op["statuses_seen"]
            operations.append({**op, "statuses_seen": sorted(seen),
                               "statuses_not_seen": sorted(op["statuses_not_seen"] - seen)})
        merged[api] = {"operations": operations, "unmatched": list(into["unmatched"].values()),
                       "unmatched_unlisted_calls": into["unmatched_unlisted_calls"]}
    return {"apis": merged}


def write(path: Path, report: Report) -> None:
    """``report`` as the format ``path``'s suffix names (one of :data:`FORMATS`)."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    elif suffix == ".md":
        text = markdown(report)
    elif suffix == ".html":
        text = html_page(report)
    else:
        raise ValueError(f"a coverage report is {', '.join(FORMATS)}, not {path.name!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _sections(counted: dict[str, Any]) -> tuple[list[dict], list[dict], list[dict]]:
    """(called by the tests, called only by the fixtures, never called)."""
    ops = counted["operations"]
    return ([o for o in ops if o["calls"]], [o for o in ops if o["fixture_calls"]],
            [o for o in ops if not o["calls"] and not o["fixture_calls"]])


def _summary(counted: dict[str, Any]) -> str:
    called = sum(1 for o in counted["operations"] if o["calls"])
    return f"{called} of {len(counted['operations'])} operations called by the tests"


def markdown(report: Report) -> str:
    lines = ["# Consumer coverage", "",
             "Which operations of the mocked APIs the tests called, with the status codes they saw and the "
             "documented ones they never saw. Calls the fixtures made on their own (logins, token renewals) are "
             "listed apart.", ""]
    if not report["apis"]:
        lines += ["No test used the mock.", ""]
    for api, counted in report["apis"].items():
        called, by_fixtures, never = _sections(counted)
        lines += [f"## {api}: {_summary(counted)}", ""]
        if called:
            lines += ["| operation | method | path | calls | statuses seen | documented statuses not seen |",
                      "|---|---|---|---:|---|---|"]
            lines += [f"| {_md(o['operation_id'])} | {o['method']} | `{o['path']}` | {o['calls']} | "
                      f"{', '.join(o['statuses_seen'])} | {', '.join(o['statuses_not_seen'])} |" for o in called]
            lines.append("")
        if by_fixtures:
            lines += ["### Calls the fixtures made on their own", "",
                      "| operation | method | path | calls |", "|---|---|---|---:|"]
            lines += [f"| {_md(o['operation_id'])} | {o['method']} | `{o['path']}` | {o['fixture_calls']} |"
                      for o in by_fixtures]
            lines.append("")
        unmatched = counted["unmatched"]
        if unmatched or counted["unmatched_unlisted_calls"]:
            lines += ["### Requests that matched no operation", "", "| method | path | calls | fixture calls |",
                      "|---|---|---:|---:|"]
            lines += [f"| {_md(u['method'])} | `{_md(u['path'])}` | {u['calls']} | {u['fixture_calls']} |"
                      for u in unmatched]
            if counted["unmatched_unlisted_calls"]:
                lines.append(f"| | (more paths, not listed) | {counted['unmatched_unlisted_calls']} | |")
            lines.append("")
        if never:
            lines += [f"### Not called ({len(never)})", ""]
            lines += [f"- {_md(o['operation_id'])}: {o['method']} `{o['path']}`" for o in never]
            lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("`", "'").replace("\n", " ")


def html_page(report: Report) -> str:
    e = html.escape
    parts = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8"><title>Consumer coverage</title>',
             "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
             "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}tr.never td{color:#888}"
             "td.n{text-align:right}</style></head><body>", "<h1>Consumer coverage</h1>",
             "<p>Which operations of the mocked APIs the tests called, with the status codes they saw and the "
             "documented ones they never saw. Calls the fixtures made on their own are counted apart.</p>"]
    if not report["apis"]:
        parts.append("<p>No test used the mock.</p>")
    for api, counted in report["apis"].items():
        parts.append(f"<h2>{e(api)}: {e(_summary(counted))}</h2>")
        parts.append("<table><tr><th>operation</th><th>method</th><th>path</th><th>calls</th>"
                     "<th>fixture calls</th><th>statuses seen</th><th>documented statuses not seen</th></tr>")
        for o in counted["operations"]:
            never = "" if o["calls"] else ' class="never"'
            parts.append(f"<tr{never}><td>{e(o['operation_id'])}</td><td>{e(o['method'])}</td>"
                         f"<td><code>{e(o['path'])}</code></td><td class=\"n\">{o['calls']}</td>"
                         f"<td class=\"n\">{o['fixture_calls']}</td><td>{e(', '.join(o['statuses_seen']))}</td>"
                         f"<td>{e(', '.join(o['statuses_not_seen']))}</td></tr>")
        parts.append("</table>")
        if counted["unmatched"] or counted["unmatched_unlisted_calls"]:
            parts.append("<h3>Requests that matched no operation</h3><table><tr><th>method</th><th>path</th>"
                         "<th>calls</th><th>fixture calls</th></tr>")
            parts += [f"<tr><td>{e(u['method'])}</td><td><code>{e(u['path'])}</code></td>"
                      f"<td class=\"n\">{u['calls']}</td><td class=\"n\">{u['fixture_calls']}</td></tr>"
                      for u in counted["unmatched"]]
            if counted["unmatched_unlisted_calls"]:
                parts.append(f"<tr><td></td><td>(more paths, not listed)</td>"
                             f"<td class=\"n\">{counted['unmatched_unlisted_calls']}</td><td></td></tr>")
            parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
