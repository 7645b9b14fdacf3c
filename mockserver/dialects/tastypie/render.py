"""Tastypie's JSON: one line, keys sorted at every level, separators ", " and ": ", UTF-8 raw (T12)."""
from __future__ import annotations

import json
from typing import Any

from flask import Response


def dumps(body: Any) -> str:
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(body), status, headers=headers, content_type="application/json")


def empty(status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(b"", status, headers=headers, content_type="text/html; charset=utf-8")
