"""mockserver/wsgi_send.py: a vendor answer goes out exactly as werkzeug's ``Response.__call__`` sends it (werkzeug
is the oracle), for every kind of answer the dialects make."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder
from werkzeug.urls import iri_to_uri
from werkzeug.wrappers import Response

from mockserver.wsgi_send import location_uri, send


def sent(answer, response: Response, method: str) -> tuple[str, list[tuple[str, str]], bytes]:
    environ = EnvironBuilder(path="/api/x/", method=method).get_environ()
    out = {}

    def start_response(status, headers, exc_info=None):
        out["status"], out["headers"] = status, list(headers)

    body = b"".join(answer(response, environ, start_response))
    return out["status"], out["headers"], body


def werkzeug(response, environ, start_response):
    return response(environ, start_response)


ANSWERS = [
    lambda: Response(b'{"a": 1}', 200, content_type="application/json"),
    lambda: Response(b"", 201, headers={"Location": "http://127.0.0.1:8000/rundb/api/v1/message/7/"}),
    lambda: Response(b"", 301, headers={"Location": "http://h/a b/?q=é"}),
    lambda: Response(b"", 301, headers={"Location": "http://☃.net/päth/"}),
    lambda: Response(b"", 204, headers={"Vary": "Accept"}),
    lambda: Response(b"x", 304),
    lambda: Response(b"<h1>Not Found</h1>", 404, headers={"Vary": "Cookie", "X-A": "1"}),
    lambda: Response(b"", 200, headers={"Content-Location": "/päth"}),
    lambda: Response(iter([b"a", b"b"]), 200),
]


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
@pytest.mark.parametrize("make", ANSWERS)
def test_an_answer_goes_out_as_werkzeug_sends_it(make, method):
    assert sent(send, make(), method) == sent(werkzeug, make(), method)


def test_a_response_without_a_length_gets_one():
    response = Response(b"abc", 200)
    del response.headers["Content-Length"]
    assert sent(send, response, "GET") == (
        "200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "3")], b"abc")


@given(origin=st.sampled_from(["http://127.0.0.1:8000", "https://Mock.Example:443", "http://[::1]:80",
                               "http://user:pw@host", "http://", "http://xn--n3h.net", "http://☃.net"]),
       path=st.text(max_size=30))
def test_a_location_is_converted_as_iri_to_uri_converts_it_but_for_the_case_of_the_host(origin, path):
    ours, werkzeugs = outcome(location_uri, origin + path), outcome(iri_to_uri, origin + path)
    assert ours == werkzeugs or ours.lower() == werkzeugs.lower()


def test_h9_t39_the_location_keeps_the_host_as_sent_like_the_body():
    """Django and DRF write the Host's letters as they came, in the body's ``url`` and in ``Location`` alike."""
    response = Response(b"{}", 201, headers={"Location": "http://HostC.Example:8000/api/sites/4/"})
    status, headers, _ = sent(send, response, "POST")
    assert status == "201 CREATED" and ("Location", "http://HostC.Example:8000/api/sites/4/") in headers


def outcome(convert, value):
    """The converted text, or the kind of error (a port or host werkzeug cannot read fails alike both ways)."""
    try:
        return convert(value)
    except ValueError as exc:  # UnicodeError included
        return type(exc)
