"""Admin A9: put records straight into the store, through the API's own field rules but no authentication.

The admin side only: which API, what shape of payload, atomicity with vendor requests, and the error message.
The field rules are the dialect's (``ApiBinding.insert_records`` / ``records``).
Rules: docs/behaviour/admin.md.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .dialects import ApiBinding
from .errors import ApiError

if TYPE_CHECKING:
    from .state import MockState


class RecordsError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def insert(state: MockState, api: str, resource: str, payload: Any) -> Any:
    """An object → the stored object; an array → the stored objects, all or nothing."""
    single = isinstance(payload, dict)
    objects = [payload] if single else payload
    if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
        raise RecordsError(400, "send a JSON object or an array of objects")
    binding = _binding(state, api)
    with state.store.atomic():  # vendor requests see none or all of the records (A12); one durable write
        stored = _refused_as_records_error(api, resource, binding.insert_records, objects)
    return stored[0] if single and stored else stored


def rows(state: MockState, api: str, resource: str) -> list[dict[str, Any]]:
    binding = _binding(state, api)
    with state.store.lock:
        return _refused_as_records_error(api, resource, binding.records)


def _binding(state: MockState, api: str) -> ApiBinding:
    binding = state.bindings.get(api)
    if binding is None:
        served = ", ".join(state.bindings) or "no API"
        raise RecordsError(404, f"unknown API {api!r}; this mock serves {served}")
    return binding


def _refused_as_records_error(api: str, resource: str, method: Callable[..., Any], *args: Any) -> Any:
    try:
        return method(resource, *args)
    except ApiError as exc:
        raise RecordsError(exc.status, f"{api}/{resource}: {describe(exc.body)}") from None


def describe(body: Any) -> str:
    """A dialect's error body as one line: its message when it has one, else the body itself."""
    if body is None:
        return "refused, with no message"
    if isinstance(body, str):
        return body
    if isinstance(body, dict) and len(body) == 1:
        (key, value), = body.items()
        if key in ("error", "detail", "error_message") and isinstance(value, str):
            return value
    return json.dumps(body, ensure_ascii=False, sort_keys=True)
