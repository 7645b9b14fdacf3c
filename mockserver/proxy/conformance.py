"""The exchange against its operation in the contract: the request's parameters and body, the answer's status,
content type, headers and body schema.

The checks carry the names of the schemathesis checks that judge the same things in ``mockserver contract``
(``status_code_conformance``, ``response_schema_conformance`` …), so one vocabulary serves both reports. Each
returns ``(part, message)`` pairs; an empty list means the exchange conforms.
"""
from __future__ import annotations

import re
import threading
from typing import Any

from jsonschema import Draft202012Validator

from ..contract import resolve
from ..harness.dialects import Dialect
from ..operations import Operation
from ..schemas import validator
from .exchange import Exchange

Finding = tuple[str, str, str]  # (check, part, message)
MAX_ERRORS = 3
TRUE, FALSE = ("true", "1"), ("false", "0")
INTEGER = re.compile(r"^[+-]?\d+$")
JSONP = "text/javascript"  # tastypie's ?format=jsonp / ?callback=: <callback>(<the JSON answer>) (T30)


class Conformance:
    def __init__(self, api: str, document: dict[str, Any], dialect: Dialect):
        self.api = api
        self.document = document
        self.dialect = dialect
        self._validators: dict[tuple, Draft202012Validator] = {}
        self._lock = threading.Lock()

    def check(self, op: Operation, path_params: dict[str, str], ex: Exchange) -> list[Finding]:
        return (self.request_parameters(op, path_params, ex) + self.request_body(op, ex)
                + self.response(op, path_params, ex))

    # --- the request -------------------------------------------------------------------------------------------

    def request_parameters(self, op: Operation, path_params: dict[str, str], ex: Exchange) -> list[Finding]:
        found = []
        for parameter in op.parameters(self.document):
            where, name, schema = parameter.get("in"), parameter["name"], parameter.get("schema") or {}
            if where == "path":
                values = [path_params[name]] if name in path_params else []
            elif where == "query":
                values = [v for k, v in ex.query if k == name]
            elif where == "header":
                header = ex.request_header(name)
                values = [] if header is None else [header]
            else:
                continue
            if not values:
                if parameter.get("required"):
                    found.append(("request_parameters_conformance", f"request {where}",
                                  f"the required {where} parameter {name!r} is missing"))
                continue
            value: Any = ([_coerce(v, schema.get("items") or {}) for v in values] if schema.get("type") == "array"
                          else _coerce(values[-1], schema))
            for message in self._errors(("parameter", op.label, where, name), schema, value):
                found.append(("request_parameters_conformance", f"request {where} parameter {name!r}", message))
        return found

    def request_body(self, op: Operation, ex: Exchange) -> list[Finding]:
        declared = resolve(self.document, op.spec.get("requestBody"))
        if not declared:
            return []
        content = declared.get("content", {})
        if not ex.request_body:
            if declared.get("required"):
                return [("request_body_conformance", "request body", "the operation requires a body; none was sent")]
            return []
        media = ex.request_content_type
        if media not in content:
            return [("request_body_conformance", "request content type",
                     f"{media or '(no Content-Type)'} is not one of the documented {sorted(content)}")]
        schema = content[media].get("schema")
        body = ex.request_json
        if schema is None or "json" not in media:
            return []
        if body is None:
            return [("request_body_conformance", "request body", "the body is not JSON")]
        return [("request_body_conformance", "request body", message)
                for message in self._errors(("request", op.label, media), schema, body)]

    # --- the answer --------------------------------------------------------------------------------------------

    def response(self, op: Operation, path_params: dict[str, str], ex: Exchange) -> list[Finding]:
        responses = op.spec.get("responses", {})
        declared = responses.get(str(ex.status), responses.get("default"))
        if declared is None:
            if ex.status >= 500:
                return [("not_a_server_error", "response status",
                         f"{ex.status}: a server error the operation does not document")]
            return [("status_code_conformance", "response status",
                     f"{ex.status} is not one of the documented {sorted(responses)}")]
        declared = resolve(self.document, declared)
        found = []
        for name, header in declared.get("headers", {}).items():
            if resolve(self.document, header).get("required") and ex.response_header(name) is None:
                found.append(("response_headers_conformance", f"response header {name}",
                              f"the documented header {name} is missing"))
        content = declared.get("content", {})
        if not ex.response_body or not content:
            return found
        media = ex.content_type
        if media not in content:
            if not (ex.status == 404 and media == "text/html" and self.dialect.unroutable(op.template, path_params)):
                found.append(("content_type_conformance", "response content type",
                              f"{media or '(no Content-Type)'} is not one of the documented {sorted(content)}"))
            return found
        schema = content[media].get("schema")
        if media == JSONP:  # the contract's text/javascript schema is the text; the JSON inside is the object
            schema = (content.get("application/json") or {}).get("schema")
        if schema is None or not ("json" in media or media == JSONP):
            return found
        body = ex.json
        if body is None:
            found.append(("response_schema_conformance", "response body",
                          "the body is not <callback>(<json>)" if media == JSONP else f"the {media} body is not JSON"))
            return found
        found += [("response_schema_conformance", "response body", message)
                  for message in self._errors(("response", op.label, str(ex.status), media), schema, body)]
        return found

    def _errors(self, key: tuple, schema: dict[str, Any], value: Any) -> list[str]:
        with self._lock:
            check = self._validators.get(key)
            if check is None:
                check = self._validators[key] = validator(self.api, schema)
        errors = sorted(check.iter_errors(value), key=lambda e: list(map(str, e.absolute_path)))
        messages = []
        for error in errors[:MAX_ERRORS]:
            where = "/".join(str(p) for p in error.absolute_path)
            text = error.message if len(error.message) <= 300 else error.message[:297] + "..."
            messages.append(f"{where}: {text}" if where else text)
        if len(errors) > MAX_ERRORS:
            messages.append(f"... and {len(errors) - MAX_ERRORS} more schema error(s)")
        return messages


def _coerce(value: str, schema: dict[str, Any]) -> Any:
    """A query, path or header value (text) as a type the schema allows (its own, or one of its ``anyOf`` /
    ``oneOf`` branches), when the text reads as one; else the text itself."""
    kinds = {schema.get("type")} | {branch.get("type") for key in ("anyOf", "oneOf")
                                    for branch in schema.get(key, []) if isinstance(branch, dict)}
    if "integer" in kinds and INTEGER.match(value):
        return int(value)
    if "number" in kinds:
        try:
            return float(value)
        except ValueError:
            pass
    if "boolean" in kinds and value.lower() in TRUE + FALSE:
        return value.lower() in TRUE
    return value
