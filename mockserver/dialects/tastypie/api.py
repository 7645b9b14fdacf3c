"""Routing and request handling for the tastypie dialect."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from flask import Request, Response

from ...contract import load, resources
from .auth import authenticate
from .render import empty, json_response

PREFIX = "/rundb/api/v1"
CANNED_404 = {"error_message": "Sorry, this request could not be processed. Please try again later."}
NUMERIC_PK = re.compile(r"^[+-]?\d+$")


class TastypieApi:
    name = "torrent"
    prefix = PREFIX

    def __init__(self, state):
        self.state = state
        self.contract = load("torrent")
        self.resources = resources(self.contract)

    # -- ApiBinding ----------------------------------------------------------------------------------------------

    def seed_tables(self, seeds: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
        return {f"torrent/{name}": rows for name, rows in seeds.items() if name in self.resources}

    def error_response(self, status: int, body: Any = None) -> Response:
        return json_response(body if body is not None else {"error": f"HTTP {status}"}, status)

    def reset(self) -> None:
        pass

    def handle(self, request: Request) -> Response:
        rest = request.path[len(PREFIX):]
        if rest == "" or not rest.endswith("/"):
            return self._redirect_slash(request)
        parts = rest.strip("/").split("/", 1) if rest != "/" else []
        if not parts:
            return json_response(self._top_level())
        name = parts[0]
        if name not in self.resources:
            return Response("<h1>Not Found</h1>", 404, content_type="text/html; charset=utf-8")
        user = authenticate(request.headers, request.args, self.state.settings.torrent_users)
        if user is None:
            realm = self.state.settings.torrent_realm
            return empty(401, {"WWW-Authenticate": f'Basic Realm="{realm}"'})
        if len(parts) == 1:
            return self._list(request, name)
        pk = parts[1]
        if not NUMERIC_PK.match(pk):
            return json_response(CANNED_404, 404)
        return self._detail(name, int(pk))

    # -- handlers ------------------------------------------------------------------------------------------------

    def _redirect_slash(self, request: Request) -> Response:
        location = request.host_url.rstrip("/") + request.path + "/"
        if request.query_string:
            location += "?" + request.query_string.decode("latin-1")
        return empty(301, {"Location": location})

    def _top_level(self) -> dict[str, Any]:
        return {name: {"list_endpoint": f"{PREFIX}/{name}/", "schema": f"{PREFIX}/{name}/schema/"}
                for name in self.resources}

    def _list(self, request: Request, name: str) -> Response:
        limit = int(request.args.get("limit", 20))
        offset = int(request.args.get("offset", 0))
        limit = 1000 if limit == 0 or limit > 1000 else limit
        table = f"torrent/{name}"
        total, rows = self.state.store.select(table, order=lambda rs: sorted(rs, key=lambda r: r["id"]),
                                              offset=offset, limit=limit)
        meta = {"limit": limit, "offset": offset, "total_count": total,
                "next": self._link(request, name, offset + limit, limit) if offset + limit < total else None,
                "previous": self._link(request, name, max(offset - limit, 0), limit) if offset > 0 else None}
        return json_response({"meta": meta, "objects": rows}, headers={"Cache-Control": "no-cache"})

    def _link(self, request: Request, name: str, offset: int, limit: int) -> str:
        params = [("offset", offset), ("limit", limit)]
        params += [(k, v) for k, v in request.args.items(multi=True) if k not in ("offset", "limit")]
        return f"{PREFIX}/{name}/?{urlencode(params)}"

    def _detail(self, name: str, pk: int) -> Response:
        row = self.state.store.get(f"torrent/{name}", pk)
        if row is None:
            return empty(404)
        return json_response(row, headers={"Cache-Control": "no-cache"})
