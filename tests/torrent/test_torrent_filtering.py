"""Torrent rundb API: filters, ordering and compositedatamanagement's extra params (docs/behaviour/torrent.md T23–T28,
T68)."""
from __future__ import annotations

import pytest
from torrent_support import API, A, get, refused

MISMATCHED = "Invalid resource lookup data provided (mismatched type)."
ALL_MESSAGES = [23, 24, 25, 26, 27, 28]


def listed_ids(client, path):
    """The ids of the objects an admin GET of a list answers, in its order."""
    response = get(client, path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [o["id"] for o in response.get_json()["objects"]]


# -- T23–T25 filters -------------------------------------------------------------------------------------------------


def test_t23_filter_syntax_combines_params_with_and(client):
    assert listed_ids(client, "/message/?status=unread&id__gt=0&route=") == [24, 26, 27]


@pytest.mark.parametrize("query, expected", [
    ("level=40", [23, 27]),
    ("level__exact=40", [23, 27]),
    ("level__in=20,40", [23, 24, 27, 28]),
    ("id__gt=26", [27, 28]), ("id__gte=26", [26, 27, 28]), ("id__lt=25", [23, 24]), ("id__lte=25", [23, 24, 25]),
    ("id__range=24,26", [24, 25, 26]),
    ("tags=plugin_update", [24, 28]),
    ("tags__iexact=PLUGIN_UPDATE", [24, 28]),
    ("tags__contains=PLUGIN", []), ("tags__icontains=PLUGIN", [24, 28]),
    ("tags__startswith=Home", [23, 27]), ("tags__istartswith=home", [23, 27]),
    ("tags__endswith=update", [24, 28]), ("tags__iendswith=UPDATE", [24, 28]),
    ("tags__regex=^Home_(all|disk)", [23, 27]), ("tags__iregex=^home", [23, 27]), ("tags__regex=^home", []),
    ("id__contains=4", [24]),
    ("time__gte=2017-05-15", [26, 27, 28]),
    ("time__lt=2017-05-02T12:31:56Z", [23]),
    ("time=2017-05-02 12:31:56", [24]),
    ("time__gt=2017-05-02T14:31:56%2B02:00", [25, 26, 27, 28]),
    ("time__range=2017-05-01,2017-06-01", [24, 25, 26]),
    ("time__in=2017-05-02 12:31:56,2017-09-28T12:54:15.242", [24, 28]),
    ("time__year=2017", ALL_MESSAGES), ("time__month=5", [24, 25, 26]), ("time__day=5", [23, 25]),
    ("time__hour=18", [25, 26]), ("time__minute=31", [24]), ("time__second=38", [23]),
    ("time__week_day=4", [23]),  # 2017-04-05 was a Wednesday: Django counts from Sunday = 1
    ("route__isnull=true", []), ("route__isnull=false", ALL_MESSAGES),
    ("expires=startup", [28]),
])
def test_t23_lookups(client, query, expected):
    assert listed_ids(client, f"/message/?{query}") == expected


@pytest.mark.parametrize("path, expected", [
    ("/filemonitor/?size__gt=400000000", [13, 16]),
    ("/filemonitor/?size__in=24174499,377287176", [9, 10]),
    ("/filemonitor/?progress=0", [14]),
    ("/filemonitor/?progress__lt=100000000", [9, 11, 13, 14]),
    ("/PluginResultJob/?grid_engine_jobid=-1", [19, 21, 27, 28, 30, 31]),
    ("/PluginResultJob/?state__in=Started,Queued", [24, 25, 32]),
    ("/PluginResultJob/?endtime__isnull=true", [24, 25, 26, 32]),
    ("/PluginResultJob/?config__icontains=targetseq", [23]),
    ("/compositedatamanagement/?diskusage__gt=1000000", [6, 10]),
])
def test_t23_lookups_on_every_resource(client, path, expected):
    assert listed_ids(client, path) == expected


@pytest.mark.parametrize("path", [
    "/message/?format=json&limit=20&offset=0&order_by=id&callback=cb&username=x&api_key=y&pluginresult=1",
    "/message/?foo=1", "/message/?search_name=zzz", "/message/?Level=1",
])
def test_t24_params_that_are_not_fields_are_ignored(client, path):
    response = client.get(f"{API}{path}", headers=A)
    assert response.status_code == 200


@pytest.mark.parametrize("path, total", [
    ("/filemonitor/?referencegenome=1", 8), ("/filemonitor/?supportupload__in=x", 8),
    ("/PluginResultJob/?plugin_result=5", 15), ("/compositedatamanagement/?search_name=", 6),
])
def test_t24_filtering_names_that_are_not_fields_are_ignored(client, path, total):
    assert len(listed_ids(client, path)) == total


def test_t25_value_coercion(client, state):
    assert listed_ids(client, "/filemonitor/?md5sum=None") == [9, 11, 12, 13, 14, 15, 16]
    assert listed_ids(client, "/filemonitor/?md5sum=nil") == listed_ids(client, "/filemonitor/?md5sum=none")
    assert listed_ids(client, "/filemonitor/?size=None") == [14]
    client.patch(f"{API}/message/25/", json={"tags": True}, headers=A)
    assert listed_ids(client, "/message/?tags=true") == [25]
    assert listed_ids(client, "/message/?tags=True") == [25]
    assert listed_ids(client, "/message/?level__in=20&level__in=40") == [23, 24, 27, 28]
    assert listed_ids(client, "/message/?route__isnull=yes") == []
    assert listed_ids(client, "/message/?route__isnull=False") == ALL_MESSAGES


@pytest.mark.parametrize("query", [
    "time__gte=2017-4-5 23:1", "time__gte=2017-04-05T23:01:00%2B0000", "time__gte=2017-04-05T23:01:00.0000009999",
    "time__gte=2017-4-5", "time__gte=2017-04-05%0A", "time__gte=2017-04-06T01:01%2B02:00",
])
def test_t25_datetime_values_are_read_as_djangos_parse_datetime_reads_them(client, query):
    """Message 23 is at 2017-04-05T23:01:38.971; every form here means 23:01 that day (or midnight) UTC."""
    assert 23 in listed_ids(client, f"/message/?{query}")
    assert 23 not in listed_ids(client, f"/message/?{query.replace('__gte', '__lt')}")


def test_t25_isnull_takes_the_truth_of_its_value(client):
    """Django tests ``bool(value)``: an empty value means IS NOT NULL; None is refused like any lookup's None."""
    assert listed_ids(client, "/filemonitor/?md5sum__isnull=") == [10]
    assert listed_ids(client, "/filemonitor/?md5sum__isnull=0") == [9, 11, 12, 13, 14, 15, 16]
    response = client.get(f"{API}/filemonitor/?md5sum__isnull=None", headers=A)
    assert response.status_code == 400 and response.get_json() == {"error": MISMATCHED}
    assert listed_ids(client, "/message/?id=23&id=24") == [24]  # one value per name: the last, as QueryDict[name]


@pytest.mark.parametrize("path, message", [
    ("/message/?resource_uri=x", "The 'resource_uri' field does not allow filtering."),
    ("/compositedatamanagement/?sigproc_state=Local", "The 'sigproc_state' field does not allow filtering."),
    ("/compositedatamanagement/?in_process=true", "The 'in_process' field does not allow filtering."),
    ("/message/?id__foo=1", "The 'id' field does not support relations."),
    ("/message/?body__icontains__x=1", "The 'body' field does not support relations."),
    ("/message/?id__exact__gt=1", "The 'id' field does not support relations."),
    ("/message/?id=abc", MISMATCHED),
    ("/message/?level__in=20,abc", MISMATCHED),
    ("/message/?id__in=", MISMATCHED),
    ("/message/?id=1.5", MISMATCHED),
    ("/message/?id__gt=None", MISMATCHED),
    ("/filemonitor/?created__year=abc", MISMATCHED),
    ("/filemonitor/?size=abc", MISMATCHED),
    ("/message/?time__gte=abc",
     "[u\"'abc' value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format.\"]"),
    ("/message/?time__gte=2014-02-30 10:00",
     "[u\"'2014-02-30 10:00' value has the correct format (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) but it is an "
     "invalid date/time.\"]"),
    ("/message/?time=2014-02-30",
     "[u\"'2014-02-30' value has the correct format (YYYY-MM-DD) but it is an invalid date.\"]"),
    ("/message/?time=%3Cb%3E",
     "[u\"'&lt;b&gt;' value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format.\"]"),
    ("/message/?time=%C3%A9", "[u\"'\\xe9' value has an invalid format. It must be in YYYY-MM-DD "
                              "HH:MM[:ss[.uuuuuu]][TZ] format.\"]"),
    ("/message/?id__range=1", "The 'range' lookup on the 'id' field needs exactly two comma-separated values."),
    ("/message/?id__range=1,2,3", "The 'range' lookup on the 'id' field needs exactly two comma-separated values."),
    ("/message/?id__year=2017", "The 'year' lookup is not supported on the 'id' field."),
    ("/message/?body__search=x", "The 'search' lookup is not supported on the 'body' field."),
    ("/message/?body__regex=(", "Invalid regular expression for 'body__regex': missing ), unterminated subpattern "
                                "at position 0"),
])
def test_t26_filter_errors(client, path, message):
    assert refused(client, "GET", path) == message


@pytest.mark.parametrize("path, message", [
    ("/message/?id=abc&resource_uri=x", "The 'resource_uri' field does not allow filtering."),
    ("/message/?time__gte=abc&id__foo=1", "The 'id' field does not support relations."),
    ("/message/?id__range=1&body__x__y=1", "The 'body' field does not support relations."),
])
def test_t26_field_errors_win_over_value_errors_whatever_the_order(client, path, message):
    response = client.get(f"{API}{path}", headers=A)
    assert response.status_code == 400 and response.get_json() == {"error": message}


# -- T27, T28 ordering -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, expected", [
    ("/message/?order_by=level", [24, 28, 25, 26, 23, 27]),
    ("/message/?order_by=-level&order_by=-id", [27, 23, 26, 25, 28, 24]),
    ("/message/?order_by=-level", [23, 27, 25, 26, 24, 28]),
    ("/message/?sort_by=-id", [28, 27, 26, 25, 24, 23]),
    ("/message/?sort_by=-level&sort_by=-id", [27, 23, 26, 25, 28, 24]),  # the alias repeats like order_by
    ("/message/?order_by=id&sort_by=-id", ALL_MESSAGES),
    ("/message/?order_by=tags", [23, 27, 25, 24, 28, 26]),
    ("/message/?order_by=-time", [28, 27, 26, 25, 24, 23]),
    ("/filemonitor/?order_by=size", [9, 11, 15, 10, 12, 16, 13, 14]),
    ("/filemonitor/?order_by=-size", [14, 13, 16, 12, 10, 15, 11, 9]),
    ("/compositedatamanagement/?order_by=-timeStamp", [10, 9, 8, 7, 6, 5]),
    ("/compositedatamanagement/?order_by=diskusage", [5, 8, 10, 6, 7, 9]),
])
def test_t27_order_by(client, path, expected):
    assert listed_ids(client, path) == expected


@pytest.mark.parametrize("path, message", [
    ("/message/?order_by=nosuch", "No matching 'nosuch' field for ordering on."),
    ("/message/?order_by=", "No matching '' field for ordering on."),
    ("/message/?order_by=-nosuch", "No matching 'nosuch' field for ordering on."),
    ("/message/?order_by=id&order_by=nosuch", "No matching 'nosuch' field for ordering on."),
    ("/filemonitor/?order_by=supportupload", "No matching 'supportupload' field for ordering on."),
    ("/message/?order_by=resource_uri", "The 'resource_uri' field does not allow ordering."),
    ("/compositedatamanagement/?order_by=sigproc_state", "The 'sigproc_state' field does not allow ordering."),
    ("/PluginResultJob/?order_by=id", "The 'id' field does not allow ordering."),
    ("/message/?order_by=id__foo", "The 'id' field does not support relations."),
])
def test_t28_ordering_errors(client, path, message):
    assert refused(client, "GET", path) == message


def test_t28_query_errors_come_filters_first_then_ordering_then_limit(client):
    assert refused(client, "GET", "/message/?limit=x&order_by=nosuch&id=abc") == MISMATCHED
    assert refused(client, "GET", "/message/?limit=x&order_by=nosuch") == "No matching 'nosuch' field for ordering on."


# -- T68 compositedatamanagement extras ------------------------------------------------------------------------------


@pytest.mark.parametrize("query, expected", [
    ("search_name=oncomine", [7]),
    ("search_name=AUTO_USER_S5XL", [6, 10]),
    ("search_name=^S5-540", [5]),
    ("search_name=", [5, 6, 7, 8, 9, 10]),
    ("sigproc_filter=K", [5, 9, 10]),
    ("sigproc_filter=K,L", [5, 10]),
    ("sigproc_filter=L", [5, 6, 10]),
    ("sigproc_filter=AD", [7]),
    ("output_filter=P", [9, 10]),
    ("basecall_filter=DD", [7]),
    ("basecall_filter=L,S", [5, 6, 9, 10]),
    ("misc_filter=E", [9]),
    ("misc_filter=XX", []),
    ("sigproc_filter=", [5, 6, 7, 8, 9, 10]),
    ("sigproc_filter=K&basecall_filter=L", [5, 9]),
    ("expDir__startswith=/results/PGM", [7, 8]),
    ("timeStamp__range=2017-05-01 00:00,2017-08-31 23:59", [6, 7, 8]),
    ("search_name=user&order_by=-timeStamp&basecall_filter=L,S", [10, 9, 6]),
])
def test_t68_compositedatamanagement_extra_params(client, query, expected):
    assert listed_ids(client, f"/compositedatamanagement/?{query}") == expected


def test_t68_invalid_search_name(client):
    assert refused(client, "GET", "/compositedatamanagement/?search_name=(") == \
        "Invalid regular expression for 'search_name': missing ), unterminated subpattern at position 0"


def test_t23_text_list_lookups_take_any_text(client):
    """A text field's ``range``/``in`` values are text whatever they spell ("null", "0.0"); a range takes its two
    values in one param or in two, and anything but two values is refused."""
    for query in ("expDir__range=null,0.0", "expDir__range=null&expDir__range=0.0", "expDir__in=null",
                  "expDir__in=0.0&expDir__in=None"):
        answer = get(client, f"/compositedatamanagement/?{query}")
        assert answer.status_code == 200 and answer.get_json()["meta"]["total_count"] == 0, query
    for query in ("expDir__range=0.0", "expDir__range=a,b,c", "expDir__range=a&expDir__range=b,c"):
        assert refused(client, "GET", f"/compositedatamanagement/?{query}") == (
            "The 'range' lookup on the 'expDir' field needs exactly two comma-separated values.")
