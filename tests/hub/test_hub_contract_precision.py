"""The Hub contract says what the mock accepts and answers, so that stock tools (schemathesis with every check)
agree with it: each rule here is one cause of disagreement, checked on the document and against the mock
(docs/behaviour/hub.md)."""
from __future__ import annotations

from typing import Any

import pytest

from mockserver.contract import load, resolve

DOC = load("hub")


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, item in DOC["paths"].items() for method, op in item.items()]


def response(op: dict[str, Any], status: str) -> dict[str, Any]:
    return resolve(DOC, op["responses"][status])


@pytest.mark.parametrize("path", ["sites/1.5/", "users/alice/x/", "schedules/1.0/workflows/"])
def test_h1_h3_an_unrouted_lookup_answers_the_documented_html_page(hub, path):
    answer = hub.get(path)
    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>Not Found</h1>" in answer.get_data(as_text=True)


def test_h1_h3_every_operation_with_a_lookup_documents_the_html_404():
    for method, path, op in operations():
        content = response(op, "404")["content"] if "404" in op["responses"] else {}
        if "{" in path:
            assert set(content) == {"application/json", "text/html"}, (method, path)
        else:
            assert "text/html" not in content, (method, path)
