"""Rules about refusals: the documented error envelope on every 4xx, and authentication on every protected
operation (the same request, replayed without credentials and with wrong ones, must get the documented 401).
Rules: docs/behaviour/torrent.md."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from .probes import NOT_APPLICABLE, Exchange, fail

QUERY_CREDENTIALS = ("username", "api_key")  # tastypie's ApiKey in the query (T8)


def error_envelope(ex: Exchange) -> bool | None:
    if not 400 <= ex.status < 500:
        return NOT_APPLICABLE
    problem = ex.suite.dialect.error_problem(ex.status, ex.headers, ex.body, ex.path, ex.case.path_parameters)
    if problem:
        shown = ex.body[:200].decode("utf-8", "replace")
        fail(ex, f"{problem}; got {ex.status} {ex.content_type or '(no Content-Type)'} {shown!r}")
    return None


def authentication_enforced(ex: Exchange) -> bool | None:
    name = "authentication_enforced"
    suite = ex.suite
    if not suite.facts.is_protected(ex.method, ex.path) or not ex.probe_allowed(name):
        return NOT_APPLICABLE
    if suite.dialect.answered_before_auth(ex.status, ex.content_type, ex.body, dict(ex.query)):
        return NOT_APPLICABLE
    sent = _sent_request(ex)  # replay what was sent: same method, URL, body and content type
    assert suite.target.authenticator is not None  # every suite attaches one
    problems = []
    for label, extra, credentials_sent in (("without credentials", {}, False),
                                           ("with wrong credentials", suite.target.authenticator.invalid_headers(),
                                            True)):
        reply = ex.send(ex.method, sent["url"], data=sent["body"], headers={**sent["headers"], **extra},
                        auth=False)
        problem = suite.dialect.unauthenticated_problem(reply.status, reply.headers, reply.body,
                                                        credentials_sent=credentials_sent)
        if problem:
            problems.append(f"{label}: {problem}")
    ex.probed(name, not problems)
    if problems:
        fail(ex, f"{suite.dialect.auth_rule} authentication is enforced on {ex.label}: " + "; ".join(problems))
    return None


def _sent_request(ex: Exchange) -> dict:
    """The request as sent, without the credentials it carried."""
    prepared = ex.prepared
    parts = urlsplit(prepared.url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in QUERY_CREDENTIALS]
    headers = {k: v for k, v in prepared.headers.items() if k.lower() in ("content-type", "accept")}
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    return {"url": parts._replace(query=urlencode(query)).geturl(), "headers": headers, "body": body}
