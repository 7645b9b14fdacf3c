"""Pagination, bare arrays, default order and filters (docs/behaviour/hub.md H31–H38)."""
from __future__ import annotations

import math

import pytest

BASE = "http://localhost/api/permissions/"


@pytest.fixture
def total(hub):
    return len(hub.rows("permissions"))


def test_h31_envelope_and_empty_collection(hub):
    assert hub.get("buckets/").json == {"count": 0, "next": None, "previous": None, "results": []}
    body = hub.get("sites/").json
    assert list(body) == ["count", "next", "previous", "results"] and body["count"] == 3


@pytest.mark.parametrize(("page_size", "expected"), [
    (None, 20), ("", 20), ("abc", 20), ("-5", 20), ("5", 20), ("20", 20), ("50", 50), ("100", 100), ("500", 100),
])
def test_h32_page_size_clamped_to_20_and_100(hub, total, page_size, expected):
    query = "" if page_size is None else f"?page_size={page_size}"
    body = hub.get("permissions/" + query).json
    assert len(body["results"]) == min(expected, total)
    assert body["count"] == total


def test_h35_a_repeated_parameter_counts_its_last_value_as_in_djangos_querydict(hub, total):
    body = hub.get("permissions/?page=1&page=2&page_size=100&page_size=20").json
    assert body["results"][0]["id"] == 21 and len(body["results"]) == 20
    assert body["next"] == f"{BASE}?page=3&page_size=100&page_size=20"
    hub.created("datastores/", {"name": "ds", "type": "s3"})
    assert hub.get("datastores/?name=nosuch&name=ds").json["count"] == 1
    assert hub.get("sites/?format=xml&format=json").status_code == 200


def test_h33_page_size_0_is_a_bare_array_of_everything(hub, total):
    body = hub.get("permissions/?page_size=0&page=7").json
    assert isinstance(body, list) and len(body) == total
    jobs = hub.get("jobs/?page_size=0").json
    assert jobs == []


def test_h34_links_are_absolute_with_sorted_query_keys(hub, total):
    body = hub.get("permissions/?page_size=50&page=2").json
    assert body["previous"] == f"{BASE}?page_size=50"
    assert body["next"] == (f"{BASE}?page=3&page_size=50" if total > 100 else None)
    first = hub.get("permissions/?zeta=1&page_size=20&alpha=x%20y").json
    assert first["previous"] is None
    assert first["next"] == f"{BASE}?alpha=x+y&page=2&page_size=20&zeta=1"
    third = hub.get("permissions/?page=3").json
    assert third["previous"] == f"{BASE}?page=2"


def test_h34_next_is_null_on_the_last_page(hub, total):
    last = hub.get("permissions/?page=last").json
    assert last["next"] is None
    assert len(last["results"]) == total - 20 * (math.ceil(total / 20) - 1)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "999"])
def test_h35_invalid_page(hub, page):
    answer = hub.get(f"permissions/?page={page}")
    assert (answer.status_code, answer.json) == (404, {"detail": "Invalid page."})


def test_h35_page_one_of_an_empty_collection_and_empty_page(hub):
    assert hub.get("buckets/?page=1").status_code == 200
    assert hub.get("buckets/?page=").status_code == 200
    assert hub.get("buckets/?page=2").status_code == 404


@pytest.mark.parametrize("path", ["alerts/", "settings/", "sites/1/settings/", "tags/", "pki/lifetime/",
                                  "my-permissions/", "filesets/"])
def test_h36_bare_arrays_ignore_paging(hub, path):
    answer = hub.get(path + "?page=5&page_size=1")
    assert answer.status_code == 200
    assert isinstance(answer.json, list)


def test_h37_default_order(hub):
    assert [r["id"] for r in hub.get("permissions/").json["results"]] == list(range(1, 21))
    assert [r["key"] for r in hub.get("filestatustypes/").json["results"]] == ["MIGRATED", "PREMIGRATED",
                                                                              "UNMANAGED"]
    assert [r["name"] for r in hub.get("tags/").json] == sorted(r["name"] for r in hub.get("tags/").json)


@pytest.mark.parametrize(("query", "names"), [
    ("site_id=2", ["space01"]), ("search_keyword=DEF", ["default"]), ("search_keyword=/space01", ["space01"]),
    ("site_id=3", []), ("nosuch=1", ["space01", "default"]),
])
def test_h38_space_filters(hub, query, names):
    assert [s["name"] for s in hub.get("spaces/?" + query).json["results"]] == names


def test_h38_integer_filters_reject_non_integers(hub):
    answer = hub.get("spaces/?site_id=abc")
    assert (answer.status_code, answer.json) == (400, {"site_id": ["Enter a whole number."]})


@pytest.mark.parametrize(("value", "count"), [
    ("2025-08-07T12:16:00.018308Z", 1), ("2025-08-07T13:16:00.018308%2B01:00", 1), ("2025-08-07T12:16:00", 0),
    ("", 1),  # empty: no filtering
])
def test_h38_alert_timestamp_is_a_datetime_filter(hub, value, count):
    assert len(hub.get(f"alerts/?timestamp={value}").json) == count


def test_h38_alert_timestamp_must_be_a_datetime(hub):
    answer = hub.get("alerts/?timestamp=yesterday")
    assert (answer.status_code, answer.json) == (400, {"timestamp": ["Enter a valid date/time."]})


@pytest.mark.parametrize(("query", "count"), [
    ("name=SiteHealth", 1), ("name=Other", 0), ("site=testexample", 1), ("severity=INFO", 1),
    ("suppressed=false", 1), ("suppressed=True", 0), ("suppressed=maybe", 1),
    ("summary=No%20workers%20are%20joined", 1),
])
def test_h38_alert_filters(hub, query, count):
    assert len(hub.get("alerts/?" + query).json) == count


def test_h38_schedule_target_and_link_filters(hub):
    hub.created("schedules/", {"name": "a", "site": "site1", "space": "space01"})
    hub.created("schedules/", {"name": "b", "site": "site2"})
    assert [s["name"] for s in hub.get("schedules/?site_id=2").json["results"]] == ["b"]
    assert [s["name"] for s in hub.get("schedules/?space_id=1").json["results"]] == ["a"]
    bucket = hub.created("buckets/", {"name": "cold", "storage_type": "s3"})
    hub.created("external_targets/", {"name": "t", "local_file_regex": ".*", "bucket_instance": bucket["id"]})
    hub.created("external_targets/", {"name": "u", "local_file_regex": ".*"})
    assert [t["name"] for t in hub.get("external_targets/?bucket=cold").json["results"]] == ["t"]
    store = hub.created("datastores/", {"name": "d", "type": "s3"})
    hub.created("ipaddresses/", {"datastore": store["id"], "ipaddr": "10.1.1.1"})
    assert hub.get(f"ipaddresses/?datastore_id={store['id'] + 1}").json["count"] == 0
    assert hub.get(f"ipaddresses/?datastore_id={store['id']}").json["count"] == 1


def test_h38_tags_filter_is_a_case_insensitive_substring(hub):
    assert [t["name"] for t in hub.get("tags/?filter=AR").json] == ["archive"]


def test_h82_a_period_reaching_before_year_1_holds_every_job(hub):
    everything = hub.get("jobs/").json["count"]
    answer = hub.get("jobs/?created=7165102764626m")
    assert answer.status_code == 200 and answer.json["count"] == everything
    assert hub.get("jobs/stats/?created=7165102764626m").status_code == 200


def test_h82_a_period_discards_the_creation_range_but_a_malformed_bound_is_still_refused(hub):
    """``created`` overrides created_time_from/to (the vendor's "Discarded when created parameter is given"), as
    a filter set's method would; every field of the filter set is still checked first (django-filter)."""
    hub.created("file/workflow/", {"site": "site1", "workflow": "migrate", "paths": ["/mmfs1/data/space01/a.mov"]})
    today = hub.get("jobs/?created=1d").json["count"]
    assert today > 0
    future = "created_time_from=2999-01-01T00:00:00Z"
    assert hub.get(f"jobs/?{future}").json["count"] == 0
    assert hub.get(f"jobs/?created=1d&{future}").json["count"] == today  # the range discarded
    for bound in ("created_time_from", "created_time_to"):
        answer = hub.get(f"jobs/?created=1d&{bound}=yesterday")
        assert answer.status_code == 400 and answer.json == {bound: ["Enter a valid date/time."]}


def test_h86_a_jobstats_history_is_under_the_lists_filters(hub):
    job = hub.created("file/workflow/", {"site": "site1", "workflow": "migrate",
                                         "paths": ["/mmfs1/data/space01/output.mov"]})
    job_id = job.get("job", job.get("id"))
    stat = hub.get(f"jobstats/?job={job_id}").json["results"][0]
    assert hub.get(f"jobstats/{stat['id']}/history/?job={job_id}").json == hub.get(f"jobstats/{stat['id']}/").json
    answer = hub.get(f"jobstats/{stat['id']}/history/?job=abc")
    assert answer.status_code == 400 and answer.json == {"job": ["Enter a whole number."]}
    missing = hub.get(f"jobstats/{stat['id']}/history/?job={job_id + 1000}")
    assert missing.status_code == 404 and missing.json == {"detail": "No JobStat matches the given query."}
