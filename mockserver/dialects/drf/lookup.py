"""The object a path names (H64) and the parent of a nested route (H66, H67), looked up before the body is
read (H23)."""
from __future__ import annotations

from ...errors import ApiError
from .call import Call
from .hooks import hooks_for
from .models import SIMULATED

NOT_FOUND = {"detail": "Not found."}


def as_id(raw: str) -> int:
    """A numeric lookup value; anything else is DRF's bare 404."""
    try:
        return int(raw)
    except ValueError:
        raise ApiError(404, NOT_FOUND) from None


def no_match(model: str | None) -> ApiError:
    return ApiError(404, {"detail": f"No {model} matches the given query."})


def lookup(call: Call, own: bool) -> None:
    """Set ``call.parent`` and ``call.obj``; 404 as DRF and drf-extensions answer. ``own``: the dialect holds
    the resource's rows (else the domain handler looks its objects up itself)."""
    spec = call.resource_spec
    parent = spec.get("parent")
    if parent and parent["param"] in call.path_params:
        parent_spec = call.world.spec.resources[parent["resource"]]
        call.parent = call.world.get(parent["resource"], as_id(call.path_params[parent["param"]]))
        if call.parent is None and call.route.kind == "list" and call.op.method == "POST":
            raise no_match(parent_spec.get("model"))
    param = call.route.lookup_param
    if param is None or call.route.kind == "list":
        return
    raw = call.path_params[param]
    field = spec.get("lookup") or "id"
    if call.resource in SIMULATED and not own:
        if field == "id":
            as_id(raw)
        return
    resource = call.resource or ""
    row = call.world.get(resource, as_id(raw)) if field == "id" else call.world.find(resource, field, raw)
    if row is not None and call.parent is not None and row.get(call.world.parent_field(resource)) != call.parent["id"]:
        row = None
    if row is not None and parent and call.parent is None:
        row = None
    if row is None or not hooks_for(resource).visible(call, row):
        raise no_match(spec.get("model"))
    call.obj = row
