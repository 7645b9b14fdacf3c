"""Serve options for what was once Python-only (token lifetimes, the Hub's JWT key, the body limit, the clock at
start), from the command line, MOCKSERVER_* and the --config file alike, checked over a real server on a real
port: the served behaviour follows them."""
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from mockserver.cli import build_parser, layer_serve_options, serve_parser, serve_settings
from mockserver.config import Settings
from mockserver.server import MockServer


def settings_from(argv: list[str], environ: dict[str, str] | None = None) -> Settings:
    parser = build_parser()
    args = parser.parse_args(["serve", *argv])
    layer_serve_options(serve_parser(parser), args, argv, environ or {})
    return serve_settings(args).with_(port=0)


def served(argv: list[str], environ: dict[str, str] | None = None) -> MockServer:
    return MockServer(settings_from(argv, environ))


def usage_error(argv: list[str], environ: dict[str, str] | None, capsys) -> str:
    with pytest.raises(SystemExit) as exit_:
        settings_from(argv, environ)
    assert exit_.value.code == 2
    return capsys.readouterr().err


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def rsa_pem(path: Path) -> Path:
    key = rsa.generate_private_key(65537, 2048)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return path


@pytest.fixture
def http():
    with requests.Session() as session:
        session.trust_env = False
        yield session


def advance(http, mock, seconds: float) -> None:
    assert http.post(mock.url + "/__mock__/clock", json={"advance": seconds}, timeout=10).status_code == 200


def hub_login(http, mock, username="admin", password="admin") -> dict:
    answer = http.post(mock.url + "/api/auth/token/", json={"username": username, "password": password}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def hub_get(http, mock, path: str, access: str) -> requests.Response:
    return http.get(mock.url + path, headers={"Authorization": f"Bearer {access}"}, timeout=10)


# -- token lifetimes ----------------------------------------------------------------------------------------------


def test_an_access_token_lives_as_long_as_hub_access_token_seconds(http):
    with served(["--api", "hub", "--hub-access-token-seconds", "60", "--clock-frozen"]) as mock:
        access = hub_login(http, mock)["access"]
        advance(http, mock, 59)
        assert hub_get(http, mock, "/api/users/", access).status_code == 200
        advance(http, mock, 2)  # 61 s after it was issued
        assert hub_get(http, mock, "/api/users/", access).status_code == 401


def test_a_refresh_token_lives_as_long_as_the_environments_lifetime(http):
    environ = {"MOCKSERVER_HUB_REFRESH_TOKEN_SECONDS": "120", "MOCKSERVER_CLOCK_FROZEN": "1"}
    with served(["--api", "hub"], environ) as mock:
        refresh = hub_login(http, mock)["refresh"]
        claims = jwt.decode(refresh, options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 120
        advance(http, mock, 119)
        answer = http.post(mock.url + "/api/auth/token/refresh/", json={"refresh": refresh}, timeout=10)
        assert answer.status_code == 200 and "access" in answer.json()
        advance(http, mock, 2)
        answer = http.post(mock.url + "/api/auth/token/refresh/", json={"refresh": refresh}, timeout=10)
        assert answer.status_code == 401


def test_token_lifetimes_from_the_config_file(tmp_path, http):
    config = write(tmp_path / "mock.toml", "hub-access-token-seconds = 30\nhub_refresh_token_seconds = 90\n")
    with served(["--api", "hub", "--config", str(config)]) as mock:
        pair = hub_login(http, mock)
        for token, lifetime in ((pair["access"], 30), (pair["refresh"], 90)):
            claims = jwt.decode(token, options={"verify_signature": False})
            assert claims["exp"] - claims["iat"] == lifetime


# -- the JWT key --------------------------------------------------------------------------------------------------


def test_tokens_are_signed_with_the_hub_jwt_key_and_its_public_key_is_served(tmp_path, http):
    pem = rsa_pem(tmp_path / "hub-jwt.pem")
    private = serialization.load_pem_private_key(pem.read_bytes(), password=None)
    expected = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    config = write(tmp_path / "mock.toml", 'hub-jwt-key = "hub-jwt.pem"\n')  # relative to the file
    with served(["--api", "hub", "--config", str(config)]) as mock:
        answer = http.get(mock.url + "/api/auth/token/publickey/", timeout=10)
        assert answer.status_code == 200 and answer.json()["public_key"] == expected
        claims = jwt.decode(hub_login(http, mock)["access"], private.public_key(), algorithms=["RS256"])
        assert claims["token_type"] == "access"


def test_a_bad_jwt_key_is_a_usage_error_naming_where_it_came_from_and_the_fix(tmp_path, capsys):
    not_pem = write(tmp_path / "key.pem", "not a key\n")
    ec_key = tmp_path / "ec.pem"
    ec_key.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    err = usage_error(["--hub-jwt-key", str(not_pem)], {}, capsys)
    assert "argument --hub-jwt-key:" in err and "is not an unencrypted PEM private key" in err
    assert "openssl genpkey -algorithm RSA" in err
    err = usage_error([], {"MOCKSERVER_HUB_JWT_KEY": str(ec_key)}, capsys)
    assert "MOCKSERVER_HUB_JWT_KEY:" in err and "RS256 needs an RSA key" in err
    config = write(tmp_path / "mock.toml", 'hub-jwt-key = "missing.pem"\n')
    err = usage_error(["--config", str(config)], {}, capsys)
    assert f"{config}: hub-jwt-key: cannot read '{tmp_path / 'missing.pem'}' (No such file or directory)" in err


# -- the body limit -----------------------------------------------------------------------------------------------


def test_a_body_over_max_body_bytes_is_413_in_both_apis(http):
    with served(["--max-body-bytes", "100"]) as mock:
        body = {"body": "x" * 200}
        torrent = http.post(mock.url + "/rundb/api/v1/message/", json=body, auth=("ionadmin", "ionadmin"),
                            timeout=10)
        assert torrent.status_code == 413 and "the limit is 100 bytes" in torrent.text
        access = hub_login(http, mock)["access"]
        hub = http.post(mock.url + "/api/sites/", json={"name": "x" * 200},
                        headers={"Authorization": f"Bearer {access}"}, timeout=10)
        assert hub.status_code == 413
        small = http.post(mock.url + "/rundb/api/v1/message/", json={"body": "hi"}, auth=("ionadmin", "ionadmin"),
                          timeout=10)
        assert small.status_code == 201


# -- the clock at start -------------------------------------------------------------------------------------------


def clock(http, mock) -> dict:
    answer = http.get(mock.url + "/__mock__/clock", timeout=10)
    assert answer.status_code == 200
    return answer.json()


def test_the_clock_starts_frozen_at_clock_start_and_a_reset_returns_there(http):
    with served(["--clock-start", "2030-01-02T03:04:05Z", "--clock-frozen"]) as mock:
        assert clock(http, mock) == {"now": "2030-01-02T03:04:05Z", "frozen": True}
        message = http.post(mock.url + "/rundb/api/v1/message/", json={"body": "hi"},
                            auth=("ionadmin", "ionadmin"), timeout=10)
        assert message.status_code == 201
        advance(http, mock, 3600)
        assert clock(http, mock)["now"] == "2030-01-02T04:04:05Z"
        assert http.post(mock.url + "/__mock__/reset", timeout=10).status_code == 204
        assert clock(http, mock) == {"now": "2030-01-02T03:04:05Z", "frozen": True}


def test_the_clock_runs_on_from_clock_start_given_in_the_environment(http):
    with served([], {"MOCKSERVER_CLOCK_START": "2031-06-01T12:00:00"}) as mock:  # no zone: UTC
        shown = clock(http, mock)
        now = datetime.fromisoformat(shown["now"])
        assert shown["frozen"] is False
        assert datetime(2031, 6, 1, 12, tzinfo=UTC) <= now < datetime(2031, 6, 1, 12, 1, tzinfo=UTC)


def test_clock_frozen_alone_freezes_the_real_time(http):
    before = datetime.now(UTC)
    with served(["--clock-frozen"]) as mock:
        shown = clock(http, mock)
        assert shown["frozen"] is True and before <= datetime.fromisoformat(shown["now"]) <= datetime.now(UTC)


def test_without_clock_options_the_clock_runs_in_real_time(http):
    with served([]) as mock:
        shown = clock(http, mock)
        assert shown["frozen"] is False
        assert abs((datetime.fromisoformat(shown["now"]) - datetime.now(UTC)).total_seconds()) < 60


# -- bad values: the message names the option, variable or key, and what it takes ---------------------------


@pytest.mark.parametrize(("argv", "environ", "message"), [
    (["--hub-access-token-seconds", "0"], {}, "argument --hub-access-token-seconds: takes whole seconds from 1 to "
                                              "315360000, not '0'"),
    ([], {"MOCKSERVER_HUB_REFRESH_TOKEN_SECONDS": "1.5"}, "MOCKSERVER_HUB_REFRESH_TOKEN_SECONDS: takes whole "
                                                          "seconds from 1 to 315360000, not '1.5'"),
    (["--max-body-bytes", "2000000000"], {}, "argument --max-body-bytes: takes whole bytes from 1 to 1073741824"),
    (["--clock-start", "yesterday"], {}, "argument --clock-start: takes an ISO 8601 date and time such as "
                                         "2025-01-01T09:00:00Z, from 1900-01-01T00:00:00Z to before "
                                         "9000-01-01T00:00:00Z, not 'yesterday'"),
    ([], {"MOCKSERVER_CLOCK_START": "1850-01-01T00:00:00Z"}, "MOCKSERVER_CLOCK_START: takes a date and time from "
                                                             "1900-01-01T00:00:00Z"),
    ([], {"MOCKSERVER_CLOCK_FROZEN": "sometimes"}, "MOCKSERVER_CLOCK_FROZEN: takes true or false"),
    (["--seed", "1e3"], {}, "argument --seed: takes a whole number (the same one makes the same random choices), "
                            "not '1e3'"),
])
def test_a_bad_value_names_its_option_and_what_it_takes(argv, environ, message, capsys):
    assert message in usage_error(argv, environ, capsys)


@pytest.mark.parametrize(("text", "message"), [
    ("hub-access-token-seconds = -5", "mock.toml: hub-access-token-seconds: takes whole seconds from 1"),
    ("max-body-bytes = 'lots'", "mock.toml: max-body-bytes: takes whole bytes from 1 to 1073741824, not 'lots'"),
    ("clock-start = 2030-01-01T00:00:00Z", None),  # a TOML date and time is taken as it is written
    ("clock-start = '9000-01-01T00:00:00Z'", "mock.toml: clock-start: takes a date and time from"),
    ("clock-frozen = 'yes'", "mock.toml: clock-frozen: takes true or false"),
])
def test_a_bad_value_in_the_file_names_the_file_and_key(tmp_path, text, message, capsys):
    config = write(tmp_path / "mock.toml", text + "\n")
    if message is None:
        assert settings_from(["--config", str(config)]).clock_start == datetime(2030, 1, 1, tzinfo=UTC)
    else:
        assert message in usage_error(["--config", str(config)], {}, capsys)


def test_the_new_options_fill_the_settings(tmp_path):
    pem = rsa_pem(tmp_path / "k.pem")
    settings = settings_from(["--hub-access-token-seconds", "5", "--hub-refresh-token-seconds", "50",
                              "--hub-jwt-key", str(pem), "--max-body-bytes", "10",
                              "--clock-start", "2030-01-01T01:00:00+01:00", "--clock-frozen"])
    assert (settings.access_token_seconds, settings.refresh_token_seconds, settings.max_body_bytes) == (5, 50, 10)
    assert settings.hub_jwt_private_key == pem.read_text()
    assert (settings.clock_start, settings.clock_frozen) == (datetime(2030, 1, 1, tzinfo=UTC), True)
    assert settings_from([]) == Settings(port=0)  # the defaults are Settings' own


# -- paths, unknown variables, precedence -------------------------------------------------------------------------


@pytest.mark.parametrize(("argv", "environ", "message"), [
    (["--seed-dir", "/no/such/seed"], {}, "argument --seed-dir: '/no/such/seed' does not exist; give a seed directory"),
    ([], {"MOCKSERVER_SEED_DIR": "/no/such/seed"}, "MOCKSERVER_SEED_DIR: '/no/such/seed' does not exist"),
    (["--db", "/no/such/dir/data.json"], {}, "argument --db: '/no/such/dir/data.json': the directory '/no/such/dir' "
                                             "does not exist; create it"),
    ([], {"MOCKSERVER_DB": "/no/such/dir/data.json"}, "MOCKSERVER_DB: '/no/such/dir/data.json': the directory"),
])
def test_a_path_that_cannot_serve_is_a_usage_error_naming_its_option(argv, environ, message, capsys):
    assert message in usage_error(argv, environ, capsys)


def test_paths_in_the_file_are_checked_relative_to_the_file(tmp_path, capsys):
    (tmp_path / "lab-seed").mkdir()
    config = write(tmp_path / "mock.toml", 'seed-dir = "lab-seed"\ndb = "data/mock.json"\n')
    err = usage_error(["--config", str(config)], {}, capsys)
    assert f"{config}: db: '{tmp_path / 'data' / 'mock.json'}': the directory" in err
    (tmp_path / "data").mkdir()
    settings = settings_from(["--config", str(config)])
    assert (settings.seed_dir, settings.db) == (tmp_path / "lab-seed", tmp_path / "data" / "mock.json")
    seed_file = write(tmp_path / "seed.txt", "")
    config = write(tmp_path / "mock.toml", 'seed-dir = "seed.txt"\n')
    assert f"{config}: seed-dir: '{seed_file}' is a file; give a seed directory" in usage_error(
        ["--config", str(config)], {}, capsys)


def test_an_unknown_mockserver_variable_is_a_warning_with_the_closest_name(capsys):
    settings = settings_from([], {"MOCKSERVER_PROT": "8123", "MOCKSERVER_CONTRACT_BASE_URL": "http://x",
                                  "MOCKSERVER_HOLD_WRITES": "1", "MOCKSERVER_SEED": "4"})
    assert settings.seed == 4  # the known ones are read as ever
    err = capsys.readouterr().err
    assert err.splitlines() == ["mockserver: warning: MOCKSERVER_PROT is not a serve option's variable and is "
                                "ignored; did you mean MOCKSERVER_PORT? the variables are MOCKSERVER_ and an "
                                "option's name in capitals (mockserver serve --help)"]


def test_the_command_line_wins_over_the_environment_over_the_file_for_the_new_options(tmp_path, http):
    config = write(tmp_path / "mock.toml", "hub-access-token-seconds = 30\nclock-start = '2030-01-01T00:00:00Z'\n"
                                           "clock-frozen = true\n")
    environ = {"MOCKSERVER_CONFIG": str(config), "MOCKSERVER_HUB_ACCESS_TOKEN_SECONDS": "40",
               "MOCKSERVER_CLOCK_START": "2031-01-01T00:00:00Z"}
    with served(["--api", "hub", "--hub-access-token-seconds", "50"], environ) as mock:
        claims = jwt.decode(hub_login(http, mock)["access"], options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 50  # the command line's
        assert clock(http, mock) == {"now": "2031-01-01T00:00:00Z", "frozen": True}  # the environment's, the file's
    assert settings_from([], environ).access_token_seconds == 40


def test_a_seed_directory_without_an_apis_folder_is_an_error_naming_the_option_and_the_fix(tmp_path, capsys):
    from mockserver.cli import main

    empty = tmp_path / "lab"
    empty.mkdir()
    assert main(["--port", "0", "--seed-dir", str(empty)]) == 2
    err = capsys.readouterr().err
    assert (f"--seed-dir {empty} (or MOCKSERVER_SEED_DIR, or seed-dir in --config): "
            "no seed data for API 'torrent'") in err
    assert "(torrent/, hub/)" in err and "--api" in err and "Traceback" not in err
