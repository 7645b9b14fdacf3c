"""The rules beyond the schema, registered as schemathesis checks (importing this module registers them).

Each check is named after its rule and reports which rule of the behaviour specs it enforces; it applies only
to cases of a harness suite (see :mod:`.suite`) and is skipped — not counted as passed — where its rule does not
apply to a response.
Rules: docs/behaviour/torrent.md, docs/behaviour/hub.md.
"""
from __future__ import annotations

import schemathesis

from . import access, identity, paging, stored_checks
from .probes import NOT_APPLICABLE, exchange

CHECK_NAMES = (
    "readonly_fields_ignored", "null_rejected", "unique_fields_enforced", "defaults_applied",
    "pagination_invariants", "self_link_matches", "location_resolves", "deleted_objects_gone",
    "error_envelope", "authentication_enforced",
)


def _run(rule, response, case):
    ex = exchange(response, case)
    return NOT_APPLICABLE if ex is None else rule(ex)


@schemathesis.check
def readonly_fields_ignored(ctx, response, case):
    """T54, D10, H43: a write ignores read-only keys; what they say is never stored."""
    return _run(stored_checks.readonly_fields_ignored, response, case)


@schemathesis.check
def null_rejected(ctx, response, case):
    """T56, H46: null for a non-nullable field is refused with a 400 that names the field."""
    return _run(stored_checks.null_rejected, response, case)


@schemathesis.check
def unique_fields_enforced(ctx, response, case):
    """T57, H57: creating a second object with a unique field's value is refused with a 400 naming the field."""
    return _run(stored_checks.unique_fields_enforced, response, case)


@schemathesis.check
def defaults_applied(ctx, response, case):
    """T39: a create that leaves out a field with a default stores the default."""
    return _run(stored_checks.defaults_applied, response, case)


@schemathesis.check
def pagination_invariants(ctx, response, case):
    """T16–T19, H31–H35: list envelopes count, clamp and link their pages consistently."""
    return _run(paging.pagination_invariants, response, case)


@schemathesis.check
def self_link_matches(ctx, response, case):
    """T15, H9: an object's resource_uri / url is where it lives, and leads back to it."""
    return _run(identity.self_link_matches, response, case)


@schemathesis.check
def location_resolves(ctx, response, case):
    """T39, T42, H60: a create's Location is absolute and leads to the created object."""
    return _run(identity.location_resolves, response, case)


@schemathesis.check
def deleted_objects_gone(ctx, response, case):
    """T45, T46, H63: after a DELETE the object (or what the list's filters selected) is gone."""
    return _run(identity.deleted_objects_gone, response, case)


@schemathesis.check
def error_envelope(ctx, response, case):
    """T71, T6, H58: every 4xx is in the API's documented envelope (tastypie 401s have an empty body)."""
    return _run(access.error_envelope, response, case)


@schemathesis.check
def authentication_enforced(ctx, response, case):
    """D2, T6, D6, H22: every protected operation answers the documented 401 without or with wrong credentials."""
    return _run(access.authentication_enforced, response, case)
