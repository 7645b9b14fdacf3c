"""A walk along every link of the contract: each link followed once, on purpose.

schemathesis' state machine chains links at random, so in a run of minutes it follows only some of them. The
walk makes sure each one is followed: it sends a request to the link's source that answers the link's status,
takes the values the link names from that answer, sends the link's target with them, and runs every check on
the target's answer. On the mock in process each link starts from the seed.

Source requests, first that answers the link's status wins: requests the run already saw succeed (the runner
passes them in), then one built from the data the server lists (an existing object's key; for a create, a copy
of an existing object with fresh unique values), then generated ones. What a source needs is made to exist
first (:mod:`.prerequisites`); with ``--read-only`` the walk writes nothing, and links that need a write stay
unfollowed and say so. The links and their values are :mod:`.links`.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from schemathesis.checks import CheckContext, run_checks

from .cases import call, generated
from .links import Link, contract_link_labels, contract_links, extract
from .prerequisites import CREATED_STATUSES, Prerequisites
from .suite import Suite

__all__ = ["Link", "Step", "Walker", "contract_link_labels", "contract_links"]


@dataclass
class Step:
    link: Link
    cases: list = field(default_factory=list)  # [source, target]
    responses: list = field(default_factory=list)
    results: list[tuple[str, Any]] = field(default_factory=list)  # (check name, failure or None)
    skipped: str | None = None
    error: str | None = None


class Walker:
    def __init__(self, suite: Suite, recorded: dict[tuple[str, int], list] | None = None):
        self.suite = suite
        self.recorded = recorded or {}
        # --read-only: nothing is created for a link's sake
        self.make = Prerequisites(suite, secrets.token_hex(3), writes=not suite.options.read_only)

    def walk(self, links: list[Link] | None = None) -> Iterator[Step]:
        for link in contract_links(self.suite) if links is None else links:
            yield self.follow(link)

    def follow(self, link: Link) -> Step:
        self.suite.walking = True  # the walk resets the mock itself, once per link
        try:
            return self._follow(link)
        except Exception as exc:  # one link's trouble (a server that drops the connection) is that link's error
            return Step(link, error=f"{type(exc).__name__}: {exc}")
        finally:
            self.suite.walking = False

    def _follow(self, link: Link) -> Step:
        self.make.notes.clear()
        for prepare in self._sources(link):
            self.suite.reset()
            source = prepare()
            response = call(self.suite, source) if source is not None else None
            values = extract(link, source, response) if response is not None and \
                response.status_code == link.status else None
            if values is not None:
                return self._finish(link, prepare, source, response, values)
        notes = "".join(f"; {note}" for note in dict.fromkeys(self.make.notes))
        return Step(link, skipped=f"no request to {link.source.label} answered {link.status} with the values "
                                  f"the link takes ({', '.join(link.parameters.values())}){notes}")

    def _finish(self, link: Link, prepare, source, response, values) -> Step:
        """The target with the link's values; for a POST, the first body it accepts (else the last tried)."""
        for attempt, body in enumerate(self._target_bodies(link.target, values)):
            if attempt:  # each further body starts over from the seed and a fresh source
                self.suite.reset()
                source = prepare()
                response = call(self.suite, source)
                values = extract(link, source, response) or values
            body = body() if callable(body) else body
            target = link.target.Case(path_parameters=dict(values), **body)
            target_response = call(self.suite, target)
            if target_response.status_code in CREATED_STATUSES:
                break
        return Step(link, [source, target], [response, target_response], self._validate(target, target_response))

    def _sources(self, link: Link) -> Iterator:
        """Ways to make the source request, each run after a reset: recorded, built, generated."""
        for case in self.recorded.get((link.source.label, link.status), [])[:3]:
            yield lambda case=case: case
        yield lambda: self._built(link.source)
        drawn = generated(link.source, lambda case: self._status(case) == link.status)
        if drawn is not None:
            yield lambda: drawn

    def _target_bodies(self, operation, values) -> Iterator:
        if not _takes_body(operation):
            yield {}
            return
        if operation.method.upper() in ("PATCH", "PUT"):
            yield {"body": {}, "media_type": "application/json"}  # a partial update that changes nothing
            return
        _, resource = self.suite.facts.locate(operation.path)
        if resource is not None and resource.create is not None:
            yield lambda: {"body": self.make.create_body(resource, values) or {}, "media_type": "application/json"}
        yield {"body": {}, "media_type": "application/json"}

    def _status(self, case) -> int:
        self.suite.reset()
        return call(self.suite, case).status_code

    def _validate(self, case, response) -> list[tuple[str, Any]]:
        config = self.suite.schema.config.checks_config_for(operation=case.operation, phase="stateful")
        ctx = CheckContext(override=None, auth=None, headers=None, config=config, transport_kwargs=None,
                           response_checks=None)
        results: list[tuple[str, Any]] = []
        run_checks(case=case, response=response, ctx=ctx, checks=ctx.internals.checks,
                   on_failure=lambda name, collected, failure: results.append((name, failure)),
                   on_success=lambda name, _case: results.append((name, None)))
        return results

    # --- requests built from what the server holds ------------------------------------------------------------

    def _built(self, operation):
        """The operation on an object that exists (listed, or created for the purpose), with a body it takes."""
        kind, resource = self.suite.facts.locate(operation.path)
        if resource is None:
            return None
        parameters = self.make.parents(resource)
        if parameters is None:
            return None
        if kind == "detail" or operation.method.upper() == "GET":  # a list with something in it links further
            obj = self.make.some_object(resource, parameters)
            if obj is None and kind == "detail":
                return None
            if kind == "detail":
                if obj is None or resource.lookup is None:
                    return None
                parameters[resource.lookup] = obj[resource.lookup]
        body: dict[str, Any] = {}
        if operation.method.upper() in ("PATCH", "PUT"):
            body = {"body": {}, "media_type": "application/json"}
        elif operation.method.upper() == "POST" and kind == "list":
            created = self.make.create_body(resource, parameters)
            if created is None:
                return None
            body = {"body": created, "media_type": "application/json"}
        return operation.Case(path_parameters=parameters, **body)


def _takes_body(operation) -> bool:
    return "requestBody" in operation.definition.raw
