"""Shared by the failure scenario tests: a Hub mock in process, driven over HTTP (the admin API and the Hub API)
on a clock frozen at T0."""
from __future__ import annotations

from typing import Any

from sim_support import T0, files_with

from mockserver.app import create_app, state_of
from mockserver.config import Settings

EAST, WEST = "pixstor-east-ng-test", "pixstor-west-ng-test"  # the seeded nodes of site1 and site2


class Mock:
    def __init__(self, seed: int = 0, **options: Any) -> None:
        self.app = create_app(Settings(apis=("hub",), seed=seed, **options))
        self.http = self.app.test_client()
        self.state = state_of(self.app)
        self.clock(set=T0.isoformat())
        self.login()

    def login(self) -> None:
        token = self.http.post("/api/auth/token/", json={"username": "admin", "password": "admin"}).json
        self.headers = {"Authorization": f"Bearer {token['access']}"}

    # -- the admin API ----------------------------------------------------------------------------------------

    def clock(self, **change: Any) -> None:
        assert self.http.post("/__mock__/clock", json=change).status_code == 200

    def advance(self, seconds: float) -> None:
        self.clock(advance=seconds)

    def add(self, **spec: Any) -> dict:
        answer = self.http.post("/__mock__/scenarios", json=spec)
        assert answer.status_code == 201, answer.json
        return answer.json

    def refused(self, spec: Any) -> str:
        answer = self.http.post("/__mock__/scenarios", json=spec)
        assert answer.status_code == 400, answer.json
        return answer.json["error"]

    def scenarios(self) -> list[dict]:
        return self.http.get("/__mock__/scenarios").json

    def remove(self, scenario_id: int | None = None) -> None:
        path = "/__mock__/scenarios" + ("" if scenario_id is None else f"/{scenario_id}")
        assert self.http.delete(path).status_code == 204

    # -- the Hub API --------------------------------------------------------------------------------------------

    def get(self, path: str) -> Any:
        answer = self.http.get(f"/api/{path}", headers=self.headers)
        assert answer.status_code == 200, (path, answer.json)
        return answer.json

    def status(self, path: str) -> int:
        return self.http.get(f"/api/{path}", headers=self.headers).status_code

    def run(self, workflow: str, paths: list[str], site: str = "site1") -> int:
        answer = self.http.post("/api/file/workflow/", headers=self.headers,
                                json={"site": site, "workflow": workflow, "paths": paths})
        assert answer.status_code == 201, answer.json
        return answer.json["job"]

    def job(self, job_id: int) -> dict:
        return self.get(f"jobs/{job_id}/")

    def tasks(self, job_id: int) -> list[dict]:
        return [self.get(f"tasks/{t['id']}/") for t in self.get(f"tasks/?job_id={job_id}&page_size=0")]

    def jobstats(self, job_id: int) -> dict[str, dict]:
        return {s["path"]: s for s in self.get(f"jobstats/?job={job_id}&page_size=0")}

    def file_status(self, path: str, site: str = "site1") -> str:
        return self.get(f"file/?site={site}&path={path}")["status"]

    def node(self, name: str) -> dict:
        return next(n for n in self.get("nodes/?page_size=0") if n["name"] == name)

    def alerts(self, **query: str) -> list[dict]:
        return self.get("alerts/" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""))

    def files(self, status: str) -> list[str]:
        return files_with(self.state, status)
