"""The contract harness: schemathesis suites that replay a contract against the mock or a real server.

Modules, in dependency order (each imports only those above it):

- ``facts``      what the contract says about each resource (paths, lookup, read-only, nullable, defaults, unique)
- ``dialects``   one framework's conventions: error envelopes, list envelopes, self links, 401s
- ``target``     where requests go (the mock in process, or a server over HTTP) and how they authenticate
- ``suite``      a configured schemathesis schema for one API and one target; resets and guards between cases
- ``probes`` and the rule modules (``stored_checks``, ``paging``, ``identity``, ``access``): rules beyond the schema
- ``checks``     the rules registered as schemathesis checks, one named check per rule
- ``links``      the contract's links, and the values a link takes from its source's answer
- ``cases``      cases the link walk sends (with the target's credentials) or draws from the contract
- ``prerequisites`` what a link's source needs, made to exist: referenced objects, derived rows, keys
- ``walk``       every contract link followed on purpose, after the state machine's random walks
- ``results``, ``progress``, ``report``, ``runner`` — ``mockserver contract``: run every phase, print progress,
  write JUnit and Markdown; ``options`` holds its command-line options (loadable without schemathesis)

Nothing here imports the dialects of the mock: the harness talks HTTP (or WSGI), so the same code judges a
real server.
"""
from __future__ import annotations

API_NAMES = ("torrent", "hub")
