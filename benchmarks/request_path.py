"""Which of the package's modules one request passes through, per API and operation.

    python benchmarks/request_path.py

In process (the Flask test client): each request runs once untraced (warm caches), then once under
``sys.setprofile``, and every ``mockserver`` module whose code ran is counted.
"""
from __future__ import annotations

import sys

from mockserver.app import create_app
from mockserver.config import Settings

TORRENT = {"Authorization": "Basic aW9uYWRtaW46aW9uYWRtaW4="}  # ionadmin:ionadmin


def modules_of(call) -> list[str]:
    seen: set[str] = set()

    def profile(frame, event, arg):
        if event == "call":
            name = frame.f_globals.get("__name__", "")
            if name.startswith("mockserver"):
                seen.add(name)

    call()
    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
    return sorted(seen)


def main() -> None:
    app = create_app(Settings())
    client = app.test_client()
    token = client.post("/api/auth/token/", json={"username": "admin", "password": "admin"}).get_json()["access"]
    hub = {"Authorization": f"Bearer {token}"}
    cases = {
        "torrent GET message/": lambda: client.get("/rundb/api/v1/message/", headers=TORRENT),
        "torrent POST message/": lambda: client.post("/rundb/api/v1/message/", json={"body": "x"}, headers=TORRENT),
        "hub GET sites/": lambda: client.get("/api/sites/", headers=hub),
        "hub GET sites/1/": lambda: client.get("/api/sites/1/", headers=hub),
        "hub POST groups/": lambda: client.post("/api/groups/", json={"name": f"g{id(object())}"}, headers=hub),
    }
    for label, call in cases.items():
        modules = modules_of(call)
        print(f"{label:26} {len(modules):3} modules: {' '.join(m.removeprefix('mockserver.') for m in modules)}")


if __name__ == "__main__":
    main()
