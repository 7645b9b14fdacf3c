"""Run by ``tox -e package`` against the wheel installed in a clean venv (not collected by pytest):
``python tests/installed_wheel.py <venv>/bin/mockserver``. The installed command reports its version, refuses a
bad value with exit 2 and no traceback, and serves from a --config file and MOCKSERVER_* variables: the
configured Torrent user, a Hub user and client key the seed lacks, tokens signed with the configured key and
living as long as configured, and the clock where the file starts it. Standard library only (the tox
environment has nothing else); the key is made with the installed venv's own Python."""
from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

CLIENT_KEY = "Wheel123.0123456789abcdefghijABCDEFGHIJ01"
CONFIG = f"""\
quiet = true
hub-jwt-key = "hub-jwt.pem"        # relative to this file
clock-start = "2030-01-01T00:00:00Z"
clock-frozen = true

[[torrent.users]]
username = "carol"
password = "pw"

[[hub.users]]
username = "dora"
password = "explorer"
is_staff = true

[[hub.client_keys]]
name = "wheel"
api_key = "{CLIENT_KEY}"
user = "dora"
"""
MAKE_KEY = """\
import sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
key = rsa.generate_private_key(65537, 2048)
open(sys.argv[1], "wb").write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()))
print(key.public_key().public_bytes(serialization.Encoding.PEM,
                                    serialization.PublicFormat.SubjectPublicKeyInfo).decode(), end="")
"""


def call(url: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def jwt_claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def main(command: str) -> int:
    version = subprocess.run([command, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    assert version.startswith("mockserver "), version
    bad = subprocess.run([command, "--port", "70000"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--port: takes a port from 0 to 65535" in bad.stderr, bad.stderr
    assert "Traceback" not in bad.stderr, bad.stderr
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "mock.toml"
        config.write_text(CONFIG)
        public_key = subprocess.run([str(Path(command).with_name("python")), "-c", MAKE_KEY,
                                     str(Path(scratch) / "hub-jwt.pem")], capture_output=True, text=True,
                                    check=True).stdout
        env = {**os.environ, "MOCKSERVER_PORT": "0", "MOCKSERVER_SEED": "3",
               "MOCKSERVER_HUB_ACCESS_TOKEN_SECONDS": "60"}
        proc = subprocess.Popen([command, "--config", str(config)], env=env, stdout=subprocess.PIPE, text=True)
        try:
            banner = [proc.stdout.readline()]
            url = banner[0].split()[-1]
            while not banner[-1].startswith("  seed"):
                banner.append(proc.stdout.readline())
            assert "seed               3" in banner[-1], banner
            check_served(url, public_key)
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    print(f"{version}: --version, a usage error, --config (users, client key, JWT key, token lifetime, clock) and "
          "MOCKSERVER_* work from the installed wheel, and it serves the dashboard and the API docs")
    return 0


def check_served(url: str, public_key: str) -> None:
    basic = {"Authorization": "Basic " + base64.b64encode(b"carol:pw").decode()}
    status, body = call(url + "/rundb/api/v1/message/?limit=1", headers=basic)
    assert status == 200 and "objects" in body, (status, body)
    assert call(url + "/__mock__/clock") == (200, {"now": "2030-01-01T00:00:00Z", "frozen": True})
    status, pair = call(url + "/api/auth/token/", {"username": "dora", "password": "explorer"})
    assert status == 200, (status, pair)
    claims = jwt_claims(pair["access"])
    assert claims["exp"] - claims["iat"] == 60, claims  # MOCKSERVER_HUB_ACCESS_TOKEN_SECONDS
    status, key = call(url + "/api/auth/token/publickey/")
    assert status == 200 and key["public_key"] == public_key, key  # signed with the configured key
    bearer = {"Authorization": "Bearer " + pair["access"]}
    status, users = call(url + "/api/users/?page_size=100", headers=bearer)
    assert status == 200 and "dora" in {u["username"] for u in users["results"]}, users
    status, keys = call(url + "/api/auth/clientkeys/", headers={"Authorization": f"Api-Key {CLIENT_KEY}"})
    assert status == 200 and [k["name"] for k in keys["results"]] == ["wheel"], keys
    assert call(url + "/__mock__/clock", {"advance": 61})[0] == 200
    assert call(url + "/api/users/", headers=bearer)[0] == 401  # the access token has expired
    check_pages(url)


def fetch(url: str) -> tuple[int, str, bytes]:
    """(status, content type, body) without following redirects."""
    class Keep(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    try:
        with urllib.request.build_opener(Keep).open(url, timeout=10) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def check_pages(url: str) -> None:
    """The dashboard, the API docs and every file they load ship in the wheel and are served from it."""
    status, _, _ = fetch(url + "/")
    assert status == 302, status
    for page in ("/__mock__/", "/__mock__/docs/torrent", "/__mock__/docs/hub"):
        status, kind, body = fetch(url + page)
        assert status == 200 and kind.startswith("text/html"), (page, status, kind)
        for asset in re.findall(rb'(?:src|href)="((?:\.\./)?(?:assets|swagger-ui)/[^"]+)"', body):
            base = url + page if page.endswith("/") else url + page.rsplit("/", 1)[0] + "/"
            status, _, data = fetch(urllib.parse.urljoin(base, asset.decode()))
            assert status == 200 and data, (page, asset, status)
    status, kind, body = fetch(url + "/__mock__/openapi/hub.yaml")
    assert status == 200 and b"openapi:" in body, (status, kind)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
