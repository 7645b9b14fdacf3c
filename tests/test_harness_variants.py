"""The contract suites bite: each deliberately broken variant of the mock is reported by a named check, and the
unbroken mock passes the same small runs (so the checks do not simply always fail).
Rules: docs/behaviour/torrent.md, docs/behaviour/hub.md."""
import pytest
from harness_support import (
    CountOffBy25,
    CrashesOnBadInput,
    DefaultsDropped,
    DeleteIgnored,
    IgnoresCredentials,
    LocationElsewhere,
    NullAccepted,
    ReadOnlyStored,
    TotalCountOffByOne,
    UniqueNotChecked,
    WrongErrorEnvelope,
    WrongSelfLink,
    failing,
    failure_messages,
    mock_app,
    run_contract,
)

WRITES = ("message_create", "message_partial_update")

LIST = ("message_list",)
CREATE = ("message_create",)
DETAIL = ("message_create", "message_retrieve", "message_destroy")  # the walk follows create → retrieve, destroy
FUZZ, BOUNDARIES, LINKS = ("fuzzing", "positive"), ("coverage", "all"), ("stateful", "positive")

VARIANTS = [
    # (defect, middleware, operations, (phase, generation mode), the check that must report it, on which operation)
    ("readonly fields are stored", ReadOnlyStored, WRITES, FUZZ, "readonly_fields_ignored",
     "POST /rundb/api/v1/message/"),
    ("wrong pagination envelope", TotalCountOffByOne, LIST, FUZZ, "pagination_invariants",
     "GET /rundb/api/v1/message/"),
    ("unique fields not checked", UniqueNotChecked, CREATE, FUZZ, "unique_fields_enforced",
     "POST /rundb/api/v1/message/"),
    ("500 on bad input", CrashesOnBadInput, LIST, BOUNDARIES, "not_a_server_error", "GET /rundb/api/v1/message/"),
    ("missing authentication", IgnoresCredentials, LIST, FUZZ, "authentication_enforced",
     "GET /rundb/api/v1/message/"),
    ("foreign error envelope", WrongErrorEnvelope, LIST, BOUNDARIES, "error_envelope", "GET /rundb/api/v1/message/"),
    ("null accepted", NullAccepted, CREATE, FUZZ, "null_rejected", "POST /rundb/api/v1/message/"),
    ("delete ignored", DeleteIgnored, DETAIL, LINKS, "deleted_objects_gone", "DELETE /rundb/api/v1/message/{id}/"),
    ("self link elsewhere", WrongSelfLink, DETAIL, LINKS, "self_link_matches", "GET /rundb/api/v1/message/{id}/"),
    ("Location elsewhere", LocationElsewhere, CREATE, FUZZ, "location_resolves", "POST /rundb/api/v1/message/"),
    ("defaults dropped", DefaultsDropped, CREATE, FUZZ, "defaults_applied", "POST /rundb/api/v1/message/"),
]


def run(app, operations, how):
    phase, mode = how
    return run_contract(app, "torrent", operations, phases=(phase,), mode=mode)


@pytest.mark.parametrize(("defect", "middleware", "operations", "how", "check", "label"), VARIANTS,
                         ids=[v[0] for v in VARIANTS])
def test_broken_variant_is_reported_by_its_check(defect, middleware, operations, how, check, label):
    results = run(mock_app("torrent", middleware), operations, how)
    assert check in failing(results).get(label, set()), f"{defect}: {check} did not report it"


@pytest.mark.parametrize(("operations", "how"), sorted({(v[2], v[3]) for v in VARIANTS}),
                         ids=lambda value: "+".join(value))
def test_the_unbroken_mock_passes_the_same_runs(operations, how):
    results = run(mock_app("torrent"), operations, how)
    assert failing(results) == {}
    assert not results.errors


def test_failures_name_the_rule_and_show_the_follow_up_request():
    results = run_contract(mock_app("torrent", ReadOnlyStored), "torrent", WRITES)
    message = failure_messages(results, "readonly_fields_ignored")[0]
    assert message.startswith("T54/H43 read-only fields are ignored")
    assert "curl -X PATCH" in message and "resource_uri" in message


def test_hub_pagination_defect_is_reported():
    results = run_contract(mock_app("hub", CountOffBy25), "hub", ("sites_list",))
    assert "pagination_invariants" in failing(results).get("GET /sites/", set())


def test_hub_missing_authentication_is_reported():
    results = run_contract(mock_app("hub", IgnoresCredentials), "hub", ("features_list",), phases=("fuzzing",))
    assert "authentication_enforced" in failing(results).get("GET /features/", set())
