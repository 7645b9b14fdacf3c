"""The contract checks beyond the schema: the rules each response of a contract suite is judged by.

Importing this module registers them with schemathesis (``@schemathesis.check``); the suites here import it.
The checks live in the package (:mod:`mockserver.harness.checks`), so that ``mockserver contract`` has them in
an installed wheel, where this folder is not. They judge cases of a harness suite (which knows the target, the
contract's facts and the API's conventions) and skip any other.

    readonly_fields_ignored   T54, D10, H43   a write never stores what it says for a read-only field
    null_rejected             T56, H46        null for a non-nullable field → 400 naming the field
    unique_fields_enforced    T57, H57        a duplicate of a unique field → 400 naming the field
    defaults_applied          T39             a create without a field stores its default
    pagination_invariants     T16–T19, H31–H35  counts, clamps, next/previous round trips, "Invalid page."
    self_link_matches         T15, H9         resource_uri / url is where the object lives
    location_resolves         T39, T42, H60   a create's Location leads to the created object
    deleted_objects_gone      T45, T46, H63   after a DELETE the object is gone
    error_envelope            T71, T6, H58    every 4xx in the API's envelope (tastypie 401s are empty)
    authentication_enforced   D2, T6, D6, H22  no or wrong credentials → the documented 401
"""
from mockserver.harness.checks import (  # noqa: F401  (importing registers them)
    CHECK_NAMES,
    authentication_enforced,
    defaults_applied,
    deleted_objects_gone,
    error_envelope,
    location_resolves,
    null_rejected,
    pagination_invariants,
    readonly_fields_ignored,
    self_link_matches,
    unique_fields_enforced,
)
