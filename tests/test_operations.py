"""mockserver.operations: which contract operation a request (method, concrete path) is, for the mock and the proxy."""
from __future__ import annotations

import re

import pytest

from mockserver.contract import HTTP_METHODS, load
from mockserver.operations import Operations


@pytest.fixture(scope="module", params=["torrent", "hub"])
def ops(request) -> Operations:
    return Operations(request.param)


def test_every_documented_operation_matches_itself_with_a_concrete_path(ops):
    document = load(ops.api)
    for template, item in document["paths"].items():
        concrete = ops.base + re.sub(r"\{[^}]+\}", "7", template)
        for method in HTTP_METHODS:
            if method not in item:
                continue
            found = ops.operation(method.upper(), concrete)
            if found is not None and found.template != template:
                # a literal template wins over a parameter in the same place (/jobs/recent/ over /jobs/{id}/)
                assert len(re.findall(r"\{", found.template)) < len(re.findall(r"\{", template))
                continue
            assert found is not None, (method, concrete)
            assert found.operation_id == item[method]["operationId"]
            assert found.method == method.upper()


def test_operations_list_every_operation_of_the_contract_once(ops):
    document = load(ops.api)
    expected = sorted((m.upper(), ops.base + t) for t, item in document["paths"].items()
                      for m in HTTP_METHODS if m in item)
    assert sorted((op.method, op.path) for op in ops.all) == expected


def test_a_literal_segment_wins_over_a_parameter_as_in_the_vendor_routers():
    torrent = Operations("torrent")
    schema = torrent.match("GET", "/rundb/api/v1/filemonitor/schema/")
    assert schema.operation is not None and schema.operation.template == "/rundb/api/v1/filemonitor/schema/"
    assert schema.path_params == {}
    detail = torrent.match("GET", "/rundb/api/v1/filemonitor/12/")
    assert detail.operation is not None and detail.operation.template == "/rundb/api/v1/filemonitor/{id}/"
    assert detail.path_params == {"id": "12"}


def test_path_params_are_those_of_the_template_that_matched():
    hub = Operations("hub")
    found = hub.match("POST", "/api/jobs/42/cancel/")
    assert found.operation is not None and found.operation.path == "/api/jobs/{id}/cancel/"
    assert found.path_params == {"id": "42"}
    assert hub.match("get", "/api/jobs/recent/").operation.template == "/jobs/recent/"


def test_a_misspelt_path_matches_no_operation_and_says_so():
    torrent = Operations("torrent")
    found = torrent.match("GET", "/rundb/api/v1/mesage/")
    assert found.operation is None
    assert found.problem == "/rundb/api/v1/mesage/ matches no path of the torrent contract"
    assert torrent.operation("GET", "/rundb/api/v1/mesage/") is None
    assert Operations("hub").operation("GET", "/api/nope/") is None
    assert Operations("hub").operation("GET", "/elsewhere/sites/") is None


def test_an_undocumented_method_on_a_documented_path_matches_no_operation():
    hub = Operations("hub")
    found = hub.match("PUT", "/api/auth/token/")
    assert found.operation is None
    assert found.problem == "PUT is not documented for /api/auth/token/ (documented: POST)"
    assert hub.operation("PUT", "/api/auth/token/") is None


def test_a_path_is_matched_whole_not_by_its_start():
    hub = Operations("hub")
    assert hub.operation("GET", "/api/sites/1/extra/") is None
    assert hub.operation("GET", "/api/sites/\n") is None
    assert hub.operation("GET", "/api/sites") is None


def test_an_operation_lists_its_documented_statuses():
    op = Operations("torrent").operation("GET", "/rundb/api/v1/message/")
    assert op is not None and op.operation_id == "message_list"
    assert set(op.statuses) == set(load("torrent")["paths"]["/rundb/api/v1/message/"]["get"]["responses"])
    assert "200" in op.statuses and "401" in op.statuses
