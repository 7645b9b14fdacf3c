"""mockserver/wsgi_headers.py: a request's headers with lookups by name that answer as werkzeug's do."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import EnvironHeaders
from werkzeug.exceptions import BadRequestKeyError

from mockserver.wsgi_headers import RequestHeaders

ENVIRON = {
    "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "12", "HTTP_HOST": "Example.org:8000",
    "HTTP_AUTHORIZATION": "Bearer abc", "HTTP_X_COUNT": "7", "HTTP_X_EMPTY": "", "HTTP_ACCEPT": "*/*",
}
NAMES = ["Content-Type", "content-type", "CONTENT-LENGTH", "Host", "authorization", "X-Count", "x-empty",
         "Accept", "Origin", "X-Missing", ""]


@pytest.fixture
def pair():
    werkzeug = EnvironHeaders(ENVIRON)
    return werkzeug, RequestHeaders(werkzeug.items())


@pytest.mark.parametrize("name", NAMES)
def test_get_contains_and_index_answer_as_werkzeug(pair, name):
    werkzeug, ours = pair
    assert ours.get(name) == werkzeug.get(name)
    assert ours.get(name, "fallback") == werkzeug.get(name, "fallback")
    assert ours.get(name, type=int) == werkzeug.get(name, type=int)  # "7" → 7; text → None
    assert (name in ours) == (name in werkzeug)
    if name in werkzeug:
        assert ours[name] == werkzeug[name]
    else:
        with pytest.raises(BadRequestKeyError):
            ours[name]


def test_items_keep_the_order_and_the_first_of_a_repeated_name_wins():
    ours = RequestHeaders([("Accept", "a"), ("X-Tag", "one"), ("x-tag", "two")])
    assert list(ours.items()) == [("Accept", "a"), ("X-Tag", "one"), ("x-tag", "two")]
    assert ours["X-TAG"] == "one" and ours.get("x-tag") == "one"
    assert ours.getlist("X-Tag") == ["one", "two"]
    assert ours[0] == ("Accept", "a") and len(ours) == 3


def test_the_headers_cannot_be_changed():
    ours = RequestHeaders([("Accept", "a")])
    for change in (lambda: ours.set("Accept", "b"), lambda: ours.add("X", "1"),
                   lambda: ours.__setitem__("Accept", "b"), lambda: ours.remove("Accept")):
        with pytest.raises(TypeError):
            change()
    assert ours.get("accept") == "a"
