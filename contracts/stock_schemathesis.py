"""Stock schemathesis against a fresh mock: the README's commands, with the mock started here.

    python contracts/stock_schemathesis.py torrent [st run options]   # none: --seed 1 --max-examples 10
    python contracts/stock_schemathesis.py hub [st run options]
    python contracts/stock_schemathesis.py both [st run options]      # one after the other, each summary shown

Starts ``python -m mockserver --port 0`` (a free port, in memory), reads its address from the banner, and runs
``st run`` with every check and phase and contracts/openapi/schemathesis.toml: Torrent with HTTP Basic as
ionadmin, Hub at ``<url>/api`` with a bearer token from ``POST /api/auth/token/`` as admin. Exits non-zero when
any run fails. ``tox -e schemathesis`` and .ci/run call it.
"""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "openapi" / "schemathesis.toml"
ST = Path(sys.executable).with_name("st")
BANNER = "mockserver listening on "


def start_mock() -> tuple[subprocess.Popen[str], str]:
    mock = subprocess.Popen([sys.executable, "-u", "-m", "mockserver", "--port", "0", "--quiet"],
                            stdout=subprocess.PIPE, text=True)
    assert mock.stdout is not None
    first = mock.stdout.readline()
    if not first.startswith(BANNER):
        mock.kill()
        raise SystemExit(f"the mock did not start: {first!r}")
    return mock, first[len(BANNER):].strip()


def hub_token(url: str) -> str:
    request = urllib.request.Request(f"{url}/api/auth/token/", data=b'{"username": "admin", "password": "admin"}',
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        token: str = json.load(response)["access"]
    return token


DEFAULT_OPTIONS = ("--seed", "1", "--max-examples", "10")  # the README's commands; any option given replaces them


def command(api: str, url: str, extra: list[str]) -> list[str]:
    """The README's stock command for one API."""
    st = [str(ST), "--config-file", str(CONFIG), "run", str(HERE / "openapi" / f"{api}.yaml"), "--checks", "all"]
    if api == "torrent":
        return [*st, "--url", url, "-a", "ionadmin:ionadmin", *extra]
    return [*st, "--url", f"{url}/api", "-H", f"Authorization: Bearer {hub_token(url)}", *extra]


def run(api: str, extra: list[str]) -> int:
    mock, url = start_mock()
    try:
        print(f"== stock schemathesis, {api}: the mock at {url}", flush=True)
        return subprocess.call(command(api, url, extra))
    finally:
        mock.terminate()
        mock.wait(timeout=30)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("torrent", "hub", "both"):
        print(__doc__, file=sys.stderr)
        return 2
    apis = ["torrent", "hub"] if argv[0] == "both" else [argv[0]]
    extra = argv[1:] or list(DEFAULT_OPTIONS)
    codes = {api: run(api, extra) for api in apis}
    if len(codes) > 1:
        print("== " + ", ".join(f"{api}: {'passed' if code == 0 else 'FAILED'}" for api, code in codes.items()))
    return max(codes.values())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
