"""What a rule sees of one case, and how it reports: :class:`Exchange` and :func:`fail`.

A rule gets the exchange (the request as sent, the response, the operation's place in the contract) and either
returns (it holds, or it does not apply) or calls :func:`fail` with a message that names the rule and shows
every follow-up request it made as a curl line, so that a failure can be replayed by hand.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import parse_qsl, urlsplit

from requests.structures import CaseInsensitiveDict

from .dialects import json_body
from .facts import Resource
from .target import Reply

if TYPE_CHECKING:  # the rules also judge single exchanges outside a schemathesis run (the proxy): no import here
    from .suite import Suite

NOT_APPLICABLE = True  # what a schemathesis check returns to be recorded as skipped rather than passed


@dataclass
class Exchange:
    suite: Suite
    case: Any
    method: str
    path: str  # the operation's path template, as in the contract
    url: str  # the URL as sent
    status: int
    headers: CaseInsensitiveDict
    body: bytes
    kind: str | None  # "list" | "detail" | None
    resource: Resource | None
    prepared: Any  # the request as sent (requests.PreparedRequest)
    followups: list[Reply] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    @property
    def json(self) -> Any:
        return json_body(self.content_type, self.body)

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.url).query, keep_blank_values=True)

    @property
    def request_json(self) -> Any:
        body = self.case.body
        return body if isinstance(body, (dict, list)) else None

    @property
    def is_write(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH", "DELETE")

    def send(self, method: str, url: str, **kwargs) -> Reply:
        """A follow-up request through the suite's target, remembered for the failure message."""
        reply = self.suite.target.send(method, url, **kwargs)
        self.followups.append(reply)
        return reply

    def probe_allowed(self, check: str) -> bool:
        return self.suite.should_probe(check, self.label)

    def probed(self, check: str, passed: bool) -> None:
        self.suite.record_probe(check, self.label, passed)


def exchange(response, case) -> Exchange | None:
    from .suite import find_suite

    suite = find_suite(case)
    if suite is None:
        return None
    kind, resource = suite.facts.locate(case.operation.path)
    headers = CaseInsensitiveDict({name: ", ".join(values) for name, values in response.headers.items()})
    received = getattr(suite.target, "received_url", lambda case_id: None)(case.id)
    return Exchange(suite=suite, case=case, method=case.method.upper(), path=case.operation.path,
                    url=received or response.request.url, status=response.status_code, headers=headers,
                    body=response.content or b"", kind=kind, resource=resource,
                    prepared=response.request)


def fail(ex: Exchange, message: str) -> NoReturn:
    lines = [message]
    shown = ex.suite.target.shown_origin
    for reply in ex.followups:
        lines.append(f"  then {reply.method} {urlsplit(reply.url).path} → {reply.summary()}")
        lines.append(f"    {reply.curl(shown)}")
    raise AssertionError("\n".join(lines))
