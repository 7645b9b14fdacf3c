"""Run by ``tox -e package`` against the wheel installed in a clean venv (not collected by pytest):
``python tests/installed_wheel.py <venv>/bin/mockserver``. The installed command starts from a --config file
and MOCKSERVER_* variables, answers on its port with the configured user, and reports its version."""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path


def main(command: str) -> int:
    version = subprocess.run([command, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    assert version.startswith("mockserver "), version
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "mock.toml"
        config.write_text('api = "torrent"\nquiet = true\n[[torrent.users]]\nusername = "carol"\npassword = "pw"\n')
        env = {**os.environ, "MOCKSERVER_PORT": "0", "MOCKSERVER_SEED": "3"}
        proc = subprocess.Popen([command, "--config", str(config)], env=env, stdout=subprocess.PIPE, text=True)
        try:
            banner = [proc.stdout.readline()]
            url = banner[0].split()[-1]
            while not banner[-1].startswith("  seed"):
                banner.append(proc.stdout.readline())
            assert "seed               3" in banner[-1], banner
            request = urllib.request.Request(url + "/rundb/api/v1/message/?limit=1", headers={
                "Authorization": "Basic " + base64.b64encode(b"carol:pw").decode()})
            with urllib.request.urlopen(request, timeout=10) as answer:
                assert answer.status == 200 and "objects" in json.load(answer)
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    print(f"{version}: --version, --config and MOCKSERVER_* work from the installed wheel")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
