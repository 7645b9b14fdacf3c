"""Request bodies and validation with DRF's messages (docs/behaviour/hub.md H39–H59)."""
from __future__ import annotations

import pytest


def errors(answer) -> dict:
    assert answer.status_code == 400, (answer.status_code, answer.data)
    return answer.json


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded; charset=UTF-8"])
def test_h39_json_only(hub, content_type):
    answer = hub.request("POST", "sites/", data=b"name=x", content_type=content_type)
    detail = f'Unsupported media type "{content_type}" in request.'
    assert (answer.status_code, answer.json) == (415, {"detail": detail})
    assert hub.rows("sites")[-1]["name"] == "testexample"


def test_h39_bodyless_operations_never_read_the_body(hub):
    answer = hub.request("POST", "users/alice/deactivate/", data=b"junk", content_type="text/plain")
    assert answer.status_code == 200


def test_h40_empty_body_is_an_empty_object(hub):
    assert errors(hub.request("POST", "workflows/", data=b"", content_type="text/plain")) == {
        "label": ["This field is required."], "name": ["This field is required."]}
    assert hub.request("PATCH", "sites/1/", data=b"").status_code == 200
    answer = hub.client.post("/api/sites/", data=b"{}", headers=hub.headers)
    assert (answer.status_code, answer.json) == (415, {"detail": 'Unsupported media type "" in request.'})


@pytest.mark.parametrize(("data", "message"), [
    (b"{bad", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    (b"NaN", "Out of range float values are not JSON compliant: 'NaN'"),
    (b'{"fields": 1e999}', "Out of range float values are not JSON compliant: '1e999'"),
    (b"\xff", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
])
def test_h41_malformed_json(hub, data, message):
    answer = hub.request("POST", "sites/", data=data, content_type="application/json")
    assert errors(answer) == {"detail": f"JSON parse error - {message}"}


@pytest.mark.parametrize(("data", "message"), [
    (b"[" * 5000 + b"]" * 5000, "maximum recursion depth exceeded while decoding a JSON array from a unicode string"),
    (b'{"fields":' + b"[" * 600 + b"]" * 600 + b"}",
     "maximum recursion depth exceeded while decoding a JSON array from a unicode string"),
    (b'{"fields":' + b'{"a":' * 600 + b"1" + b"}" * 600 + b"}",
     "maximum recursion depth exceeded while decoding a JSON object from a unicode string"),
])
def test_h41_bodies_nested_too_deep_are_a_parse_error_not_a_500(hub, data, message):
    answer = hub.request("POST", "workflows/", data=data, content_type="application/json")
    assert errors(answer) == {"detail": f"JSON parse error - {message}"}
    assert hub.state.server_errors == []


def test_h41_moderate_nesting_in_free_json_is_stored(hub):
    fields = [[[["x"]]]]
    for _ in range(40):
        fields = [fields]
    assert hub.post("workflows/", {"name": "deep", "label": "D", "fields": fields}).json["fields"] == fields


def test_h41_an_unknown_charset_is_ignored_like_django_does(hub):
    answer = hub.request("POST", "workflows/", data=b'{"name":"x"}', content_type="application/json; charset=nosuch")
    assert errors(answer) == {"label": ["This field is required."]}


@pytest.mark.parametrize("content_type", ["*/json", "application/*", "*/*"])
def test_h39_media_ranges_that_match_drfs_json_parser(hub, content_type):
    answer = hub.request("POST", "workflows/", data=b'{"name":"x"}', content_type=content_type)
    assert errors(answer) == {"label": ["This field is required."]}


@pytest.mark.parametrize(("data", "kind"), [(b"[]", "list"), (b'"x"', "str"), (b"1", "int"), (b"1.5", "float"),
                                            (b"true", "bool")])
def test_h42_body_not_an_object(hub, data, kind):
    answer = hub.request("POST", "sites/", data=data, content_type="application/json")
    assert errors(answer) == {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}


def test_h42_null_body(hub):
    answer = hub.request("POST", "sites/", data=b"null", content_type="application/json")
    assert errors(answer) == {"non_field_errors": ["No data provided"]}


def test_h43_read_only_and_unknown_keys_are_ignored(hub):
    before = hub.get("sites/1/").json
    answer = hub.patch("sites/1/", {"id": 99, "url": "x", "editable": "no", "foo": 1})
    assert answer.status_code == 200 and answer.json == before


def test_h44_body_size_limit(hub):
    limit = hub.state.settings.max_body_bytes
    answer = hub.request("POST", "sites/", data=b" " * (limit + 1), content_type="application/json")
    detail = f"Request body too large: the limit is {limit} bytes."
    assert (answer.status_code, answer.json) == (413, {"detail": detail})


def test_h45_required_fields_reported_together_in_field_order(hub):
    assert errors(hub.post("workflows/", {})) == {"label": ["This field is required."],
                                                  "name": ["This field is required."]}
    nested = hub.post("spaces/", {"name": "n", "mountpoint": "/m", "snapshot_schedule": {"duration": "1d",
                                                                                        "frequency": "daily"}})
    assert errors(nested) == {"snapshot_schedule": {"time": ["This field is required."]}}
    assert hub.patch("workflows/1/", {}).status_code == 200


def test_h46_null(hub):
    assert errors(hub.post("workflows/", {"name": None, "label": "L"})) == {"name": ["This field may not be null."]}
    assert errors(hub.patch("workflows/1/", {"name": None})) == {"name": ["This field may not be null."]}
    assert hub.patch("workflows/1/", {"preferred_queue": None}).json["preferred_queue"] is None


def test_h47_strings(hub):
    assert hub.created("workflows/", {"name": "  padded  ", "label": 12})["name"] == "padded"
    assert hub.get("workflows/6/").json["label"] == "12"
    assert errors(hub.post("workflows/", {"name": "   ", "label": "x"})) == {"name": ["This field may not be blank."]}
    for value in (True, [], {}):
        assert errors(hub.post("workflows/", {"name": value, "label": "x"})) == {"name": ["Not a valid string."]}
    assert hub.patch("workflows/1/", {"preferred_queue": ""}).status_code == 200


@pytest.mark.parametrize(("data", "message"), [
    (b'{"name":"a\\ud800b","label":"x"}', "Surrogate characters are not allowed: U+D800."),
    (b'{"name":"a\\u0000b","label":"x"}', "Null characters are not allowed."),
])
def test_h47_strings_refuse_lone_surrogates_and_nul_like_drfs_charfield(hub, data, message):
    answer = hub.request("POST", "workflows/", data=data, content_type="application/json")
    assert errors(answer) == {"name": [message]}
    assert hub.get("workflows/").status_code == 200


@pytest.mark.parametrize(("value", "stored"), [(5, 5), (5.0, 5), ("12", 12), ("12.0", 12)])
def test_h48_integers_accepted(hub, value, stored):
    assert hub.patch("sites/1/", {"bandwidth": value}).json["bandwidth"] == stored


@pytest.mark.parametrize(("value", "message"), [
    (1.5, "A valid integer is required."), (True, "A valid integer is required."),
    ("abc", "A valid integer is required."), ("1" * 1001, "String value too large."),
])
def test_h48_integers_rejected(hub, value, message):
    assert errors(hub.patch("sites/1/", {"bandwidth": value})) == {"bandwidth": [message]}


def test_h49_numbers(hub):
    assert hub.patch("configurations/", {"salt_task_timeout": "2.5"}).json["salt_task_timeout"] == 2.5
    assert hub.patch("configurations/", {"salt_task_timeout": 3}).json["salt_task_timeout"] == 3
    assert errors(hub.patch("configurations/", {"salt_task_timeout": "x"})) == {
        "salt_task_timeout": ["A valid number is required."]}


@pytest.mark.parametrize("value", [True, 1, "1", "true", "True", "TRUE", "t", "T", "yes", "Y", "on", "On", "ON"])
def test_h50_true_values(hub, value):
    assert hub.patch("features/searchui/", {"enabled": value}).json["enabled"] is True


@pytest.mark.parametrize("value", [False, 0, "0", "false", "FALSE", "f", "no", "NO", "n", "off", "Off"])
def test_h50_false_values(hub, value):
    hub.patch("features/searchui/", {"enabled": True})
    assert hub.patch("features/searchui/", {"enabled": value}).json["enabled"] is False


@pytest.mark.parametrize("value", ["maybe", "tRuE", 2, [], {}])
def test_h50_other_values(hub, value):
    assert errors(hub.patch("features/searchui/", {"enabled": value})) == {"enabled": ["Must be a valid boolean."]}


def test_h51_the_writable_datetime(hub):
    assert hub.patch("nodes/1/", {"last_heartbeat": "2025-07-03T12:38:45+01:00"}).json["last_heartbeat"] \
        == "2025-07-03T11:38:45Z"


def test_h52_discovery_choices(hub):
    assert hub.patch("workflows/1/", {"discovery": "snapdiff"}).json["discovery"] == "snapdiff"
    assert hub.patch("workflows/1/", {"discovery": None}).json["discovery"] is None
    assert errors(hub.patch("workflows/1/", {"discovery": "x"})) == {"discovery": ['"x" is not a valid choice.']}
    assert errors(hub.post("schedules/", {"name": "s", "site": "site1", "discovery": "deep"})) == {
        "discovery": ['"deep" is not a valid choice.']}


@pytest.mark.parametrize(("path", "body", "field", "message"), [
    ("workflows/", {"name": "n" * 101, "label": "x"}, "name", "Ensure this field has no more than 100 characters."),
    ("workflows/", {"name": "n", "label": "l" * 101}, "label", "Ensure this field has no more than 100 characters."),
    ("users/", {"username": "bad name", "password": "p"}, "username",
     "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."),
    ("users/", {"username": "u" * 151, "password": "p"}, "username",
     "Ensure this field has no more than 150 characters."),
    ("users/", {"username": "bob", "password": "p", "email": "nope"}, "email", "Enter a valid email address."),
    ("auth/clientkeys/", {"name": "k" * 51}, "name", "Ensure this field has no more than 50 characters."),
    ("ipaddresses/", {"datastore": 1, "ipaddr": "300.1.1.1"}, "ipaddr", "Enter a valid IPv4 address."),
    ("sites/", {"name": "bad name", "shortcode": "b"}, "name", "Enter a valid value."),
    ("external_targets/", {"name": "t", "local_file_regex": "(["}, "local_file_regex", "Invalid regular expression."),
    ("spaces/", {"name": "s", "mountpoint": "mmfs1/data/s"}, "mountpoint", "Enter an absolute path."),  # H106
])
def test_h53_lengths_and_formats(hub, path, body, field, message):
    if path == "ipaddresses/":
        hub.created("datastores/", {"name": "d", "type": "s3"})
    assert errors(hub.post(path, body))[field] == [message]


@pytest.mark.parametrize(("email", "valid"), [
    ("admin@localhost", True), ("a@[10.0.0.1]", True), ('"a@b"@example.com', True), ("user@exämple.com", True),
    ("user@example.c0m", True), ("x@y.co.uk", True),
    ("a..b@example.com", False), (".a@example.com", False), ('"a b"@example.com', False), ("a@b.c", False),
    ("user@-bad.com", False),
    ("a@[300.1.1.1]", False), ("a" * 310 + "@example.com", False), ("no-at-sign", False),
])
def test_h53_email_as_djangos_email_validator(hub, email, valid):
    answer = hub.patch("users/alice/", {"email": email})
    if valid:
        assert answer.status_code == 200 and answer.json["email"] == email, answer.data
    else:
        assert errors(answer) == {"email": ["Enter a valid email address."]}


def test_h53_pki_days_at_least_one(hub):
    assert errors(hub.patch("pki/lifetime/1/", {"days": 0})) == {
        "days": ["Ensure this value is greater than or equal to 1."]}


def test_h54_free_json_and_nested_objects(hub):
    created = hub.created("workflows/", {"name": "w", "label": "W", "icon_classes": ["a"], "filter_rules": [],
                                         "fields": {"any": [1, None]}})
    assert (created["icon_classes"], created["fields"]) == (["a"], {"any": [1, None]})
    answer = hub.post("spaces/", {"name": "n", "mountpoint": "/m", "snapshot_schedule": "daily"})
    assert errors(answer) == {"snapshot_schedule": {"non_field_errors": [
        "Invalid data. Expected a dictionary, but got str."]}}


def test_h54_patch_merges_nested_objects(hub):
    hub.patch("users/alice/", {"profile": {"phone": "123"}})
    profile = hub.get("users/alice/").json["profile"]
    assert profile["phone"] == "123" and profile["department"] == "Post-production"


def test_h55_arrays(hub):
    not_a_list = ['Expected a list of items but got type "str".']
    assert errors(hub.patch("sites/1/", {"color": "red"})) == {"color": not_a_list}
    assert errors(hub.patch("sites/1/", {"color": [1, "x"]})) == {"color": {"1": ["A valid integer is required."]}}
    answer = hub.post("spaces/", {"name": "n", "mountpoint": "/m", "sites": [{"name": "site1", "label": "a"},
                                                                            {"label": "b"}]})
    assert errors(answer) == {"sites": [{}, {"name": ["This field is required."]}]}


@pytest.mark.parametrize(("body", "message"), [
    ({"site": "nosuch"}, "Object with name=nosuch does not exist."),
    ({"site": 5}, "Object with name=5 does not exist."),
    ({"site": {"name": "site1"}}, "Invalid value."),
])
def test_h56_references_by_name(hub, body, message):
    assert errors(hub.post("schedules/", {"name": "s", **body})) == {"site": [message]}


@pytest.mark.parametrize(("value", "error"), [
    ("1", None), (" 1 ", None), ("+1", None), (1.0, None), (1.5, None),  # Django's int() of the pk, as a lookup does
    ("-1", 'Invalid pk "-1" - object does not exist.'), (10**30, f'Invalid pk "{10**30}" - object does not exist.'),
    ("1e3", "Incorrect type. Expected pk value, received str."),
    (True, "Incorrect type. Expected pk value, received bool."),
    ([1], "Incorrect type. Expected pk value, received list."),
])
def test_h56_ids_are_read_as_a_django_primary_key_lookup_reads_them(hub, value, error):
    answer = hub.post("policies/", {"name": "p", "site": value})
    if error is None:
        assert answer.status_code == 201 and answer.json["site"] == 1, answer.data
    else:
        assert errors(answer) == {"site": [error]}


def test_h56_references_by_id(hub):
    assert errors(hub.post("policies/", {"name": "p", "site": 99})) == {
        "site": ['Invalid pk "99" - object does not exist.']}
    assert errors(hub.post("policies/", {"name": "p", "site": "x"})) == {
        "site": ["Incorrect type. Expected pk value, received str."]}
    assert errors(hub.post("external_targets/", {"name": "t", "local_file_regex": ".", "available_on_sites": [1, 99]}
                           )) == {"available_on_sites": ['Invalid pk "99" - object does not exist.']}
    assert errors(hub.post("groups/", {"name": "g", "users": ["bob"]})) == {
        "users": ["Object with username=bob does not exist."]}


@pytest.mark.parametrize(("path", "body", "field", "message"), [
    ("sites/", {"name": "site1", "shortcode": "x"}, "name", "site with this name already exists."),
    ("spaces/", {"name": "space01", "mountpoint": "/m"}, "name", "space with this name already exists."),
    ("workflows/", {"name": "migrate", "label": "x"}, "name", "workflow with this name already exists."),
    ("groups/", {"name": "users"}, "name", "group with this name already exists."),
    ("users/", {"username": "alice", "password": "x"}, "username", "A user with that username already exists."),
])
def test_h57_unique(hub, path, body, field, message):
    assert errors(hub.post(path, body)) == {field: [message]}


def test_h57_unique_on_patch_ignores_the_object_itself(hub):
    assert hub.patch("sites/1/", {"name": "site1"}).status_code == 200
    assert errors(hub.patch("sites/1/", {"name": "site2"})) == {"name": ["site with this name already exists."]}
    hub.created("datastores/", {"name": "d", "type": "s3"})
    assert errors(hub.post("datastores/", {"name": "d", "type": "s3"})) == {
        "name": ["data store with this name already exists."]}


def test_h58_all_field_errors_at_once(hub):
    body = errors(hub.post("sites/", {"name": "bad name", "bandwidth": "x"}))
    assert body == {"bandwidth": ["A valid integer is required."], "name": ["Enter a valid value."],
                    "shortcode": ["This field is required."]}


@pytest.mark.parametrize("body", [{"name": {"a": 1}}, {"color": {"x": 1}}, {"spaces": [{"x": []}]},
                                  {"include": None}])
def test_h59_never_500_and_failed_requests_change_nothing(hub, body):
    before = hub.state.store.dump()
    answer = hub.patch("sites/1/", body)
    assert answer.status_code < 500
    if answer.status_code == 400:
        assert hub.state.store.dump() == before


def test_h48_an_integer_beyond_its_column_is_refused_with_drfs_message(hub):
    assert errors(hub.post("sites/", {"name": "big", "shortcode": "bg", "bandwidth": 10**30})) == {
        "bandwidth": ["Ensure this value is less than or equal to 2147483647."]}
    assert [s["name"] for s in hub.rows("sites")].count("big") == 0
    before = hub.get("configurations/").json
    assert errors(hub.patch("configurations/", {"initial_uid": -10**20})) == {
        "initial_uid": ["Ensure this value is greater than or equal to -2147483648."]}
    assert hub.get("configurations/").json == before
    assert hub.patch("configurations/", {"initial_uid": "2147483647"}).json["initial_uid"] == 2147483647


def test_h48_a_byte_count_holds_what_a_64_bit_column_holds(hub):
    assert hub.patch("spaces/1/", {"size": 10**15}).json["size"] == 10**15
    assert errors(hub.patch("spaces/1/", {"size": 2**63})) == {
        "size": ["Ensure this value is less than or equal to 9223372036854775807."]}


def test_h46_a_null_list_is_refused_and_nothing_stored(hub):
    sites = hub.rows("sites")
    assert errors(hub.post("sites/", {"name": "n", "shortcode": "n", "spaces": None})) == {
        "spaces": ["This field may not be null."]}
    assert errors(hub.patch("groups/1/", {"users": None})) == {"users": ["This field may not be null."]}
    assert hub.rows("sites") == sites


def test_h54_a_patch_that_creates_a_nested_object_requires_its_fields(hub):
    assert hub.get("spaces/1/").json["snapshot_schedule"] is None
    assert errors(hub.patch("spaces/1/", {"snapshot_schedule": {"duration": "7d"}})) == {
        "snapshot_schedule": {"frequency": ["This field is required."], "time": ["This field is required."]}}
    assert hub.get("spaces/1/").json["snapshot_schedule"] is None
    whole = {"duration": "7d", "frequency": "daily", "time": "01:00"}
    assert hub.patch("spaces/1/", {"snapshot_schedule": whole}).json["snapshot_schedule"] == {
        **whole, "id": 1, "space": 1}
    merged = hub.patch("spaces/1/", {"snapshot_schedule": {"duration": "1d"}}).json["snapshot_schedule"]
    assert merged == {**whole, "duration": "1d", "id": 1, "space": 1}


def test_h49_a_number_text_the_contract_takes_is_finite(hub):
    import re

    from mockserver.contract import load

    field = load("hub")["components"]["schemas"]["ConfigurationUpdate"]["properties"]["salt_task_timeout"]
    text = next(s["pattern"] for s in field["anyOf"] if s.get("type") == "string")
    assert re.search(text, "-6_8.5e+9_9") and not re.search(text, "1e+400")
    assert hub.patch("configurations/", {"salt_task_timeout": " -6_8.5e+9_9 "}).json["salt_task_timeout"] == -68.5e99
    assert errors(hub.patch("configurations/", {"salt_task_timeout": "1e400"})) == {
        "salt_task_timeout": ["A valid number is required."]}
