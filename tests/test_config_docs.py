"""docs/configuration.md stays true: its table names every serve option with its variable and key, and its
example file, with every table, is served as it says."""
import re
import shutil
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mockserver.cli import build_parser, layer_serve_options, serve_parser, serve_settings
from mockserver.options import options
from mockserver.seeds import SEED_DIR
from mockserver.server import MockServer

DOC = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


def test_the_table_names_every_serve_option_its_variable_and_key():
    text = DOC.read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| `--")}
    for option in options(serve_parser(build_parser())):
        [row] = [line for name, line in rows.items() if re.match(rf"`--{option.name}[ `…]", name)]
        assert f"`{option.env}`" in row
        assert option.name == "config" or f"`{option.key}`" in row
    assert len(rows) == len(options(serve_parser(build_parser())))  # and nothing that is no option


def test_the_example_file_is_served_as_documented(tmp_path):
    example = re.search(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    assert {"[[torrent.users]]", "[[hub.users]]", "[[hub.client_keys]]"} <= set(re.findall(r"\[\[.*?\]\]", example))
    shutil.copytree(SEED_DIR, tmp_path / "lab-seed")
    (tmp_path / "hub-jwt.pem").write_bytes(rsa.generate_private_key(65537, 2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    config = tmp_path / "mock.toml"
    config.write_text(example, encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(["serve", "--config", str(config)])
    layer_serve_options(serve_parser(parser), args, ["--config", str(config)], {})
    with MockServer(serve_settings(args).with_(port=0)) as mock, requests.Session() as http:
        http.trust_env = False
        assert http.get(mock.url + "/__mock__/clock", timeout=10).json() == {"now": "2030-01-01T09:00:00Z",
                                                                            "frozen": True}
        key = {"Authorization": "ApiKey carol:0123456789abcdef0123456789abcdef01234567"}
        assert http.get(mock.url + "/rundb/api/v1/message/?limit=1", headers=key, timeout=10).status_code == 200
        token = http.post(mock.url + "/api/auth/token/", json={"username": "erin", "password": "hunter2"}, timeout=10)
        assert token.status_code == 200
        client = {"Authorization": "Api-Key AbCd1234.0123456789abcdefghijABCDEFGHIJ01"}
        keys = http.get(mock.url + "/api/auth/clientkeys/", headers=client, timeout=10).json()["results"]
        assert [(k["name"], k["user"]) for k in keys] == [("ci", "erin")]
        assert http.post(mock.url + "/api/auth/token/", json={"username": "admin", "password": "change-me"},
                         timeout=10).status_code == 200
        assert mock.settings.seed == 7 and mock.settings.access_token_seconds == 300


def test_the_readme_example_file_is_read_as_it_says(tmp_path):
    readme = DOC.parent.parent / "README.md"
    example = re.search(r"```toml\n(.*?)```", readme.read_text(encoding="utf-8"), re.S).group(1)
    (tmp_path / "lab-seed").mkdir()
    config = tmp_path / "mock.toml"
    config.write_text(example, encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(["serve", "--config", str(config)])
    layer_serve_options(serve_parser(parser), args, ["--config", str(config)], {})
    settings = serve_settings(args)
    assert (settings.port, settings.seed_dir, settings.access_token_seconds) == (8001, tmp_path / "lab-seed", 300)
    assert [u.username for u in settings.hub_users] == ["erin"] and settings.hub_users[0].is_staff
    assert [(k.name, k.user) for k in settings.hub_client_keys] == [("ci", "erin")]
