"""Staff-only writes (H25): which routes refuse non-staff users anything but reads."""
from __future__ import annotations

from typing import Any

from ...errors import ApiError
from .spec import SAFE_METHODS, Route, Spec

FORBIDDEN = {"detail": "You do not have permission to perform this action."}


def is_staff(user: dict[str, Any] | None) -> bool:
    return bool(user and (user.get("is_staff") or user.get("is_superuser")))


def staff_only(spec: Spec, route: Route) -> bool:
    """A route's writes are staff-only when its action says so, or when its resource's writes are and no
    write on it is open to everyone (``users/change_password/``)."""
    resource = spec.resources.get(route.resource or "", {})
    actions = [a for a in resource.get("actions", []) if a["path"] == route.path]
    if any(a["staff_only"] for a in actions):
        return True
    open_writes = [a for a in actions if a["method"] not in SAFE_METHODS and not a["staff_only"]]
    return bool(resource.get("staff_writes")) and not open_writes


def check_permission(spec: Spec, route: Route, method: str, user: dict[str, Any] | None) -> None:
    if method in SAFE_METHODS or user is None or is_staff(user):
        return
    if staff_only(spec, route):
        raise ApiError(403, FORBIDDEN)
