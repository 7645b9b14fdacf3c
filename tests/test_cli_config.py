"""Serve options from the command line, MOCKSERVER_* variables and a --config TOML file; --version; the help;
values checked with a message that names the option and the fix."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests

from mockserver import __version__
from mockserver.cli import build_parser, layer_serve_options, serve_parser, serve_settings
from mockserver.config import HubUser, Settings
from mockserver.options import OptionError, from_environment, options

ROOT = Path(__file__).resolve().parent.parent


def settings_from(argv: list[str], environ: dict[str, str] | None = None) -> Settings:
    parser = build_parser()
    args = parser.parse_args(["serve", *argv])
    layer_serve_options(serve_parser(parser), args, argv, environ or {})
    return serve_settings(args)


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run_cli(*argv: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")}
    return subprocess.run([sys.executable, "-m", "mockserver", *argv], capture_output=True, text=True,
                          env={**environ, **(env or {})}, timeout=timeout)


# -- one mechanism for every option ---------------------------------------------------------------------------


def test_every_serve_option_has_an_environment_variable_and_a_toml_key():
    """Enumerates the parser: an option added to serve is read from both places without a list to keep."""
    serve = serve_parser(build_parser())
    layered = {option.action.dest: option for option in options(serve)}
    for action in serve._actions:
        long = [s for s in action.option_strings if s.startswith("--")]
        if not long or long[0] in ("--help", "--config"):
            continue
        option = layered[action.dest]
        name = max(long, key=len)[2:]
        assert option.env == "MOCKSERVER_" + name.upper().replace("-", "_")
        assert option.key == name
        raw = "true" if option.flag else "x"
        try:  # read and checked by the option's own type: either a value or an error naming the variable
            assert action.dest in from_environment(serve, {option.env: raw})
        except OptionError as exc:
            assert str(exc).startswith(option.env + ":")


def test_the_environment_fills_every_kind_of_option(tmp_path):
    settings = settings_from([], {
        "MOCKSERVER_PORT": "8123", "MOCKSERVER_HOST": "localhost", "MOCKSERVER_NO_ADMIN": "yes",
        "MOCKSERVER_ALLOWED_HOST": "mock, mock.ci", "MOCKSERVER_API": "hub", "MOCKSERVER_LATENCY_MS": "2.5",
        "MOCKSERVER_DB": str(tmp_path / "d.json"), "MOCKSERVER_ADMIN_TOKEN": "t0k", "MOCKSERVER_SEED": "9"})
    assert (settings.port, settings.host, settings.admin, settings.allowed_hosts, settings.apis) == (
        8123, "localhost", False, ("mock", "mock.ci"), ("hub",))
    assert (settings.latency_ms, settings.db, settings.admin_token, settings.seed) == (
        2.5, tmp_path / "d.json", "t0k", 9)


def test_an_empty_variable_is_unset_and_a_false_flag_is_off():
    assert settings_from([], {"MOCKSERVER_PORT": "", "MOCKSERVER_NO_ADMIN": "off"}) == Settings()


def test_the_config_file_mirrors_the_option_names(tmp_path):
    (tmp_path / "seed").mkdir()  # --seed-dir must name a directory that exists
    config = write(tmp_path / "mock.toml", """
        port = 8001
        job-start-delay = 0.5
        task_duration = 2
        no-admin = true
        allowed-host = ["mock", "ci"]
        log-format = "json"
        seed-dir = "seed"
        """)
    settings = settings_from(["--config", str(config)])
    assert (settings.port, settings.hub_job_start_delay, settings.hub_task_duration, settings.admin) == (
        8001, 0.5, 2.0, False)
    assert settings.allowed_hosts == ("mock", "ci")
    assert settings.seed_dir == tmp_path / "seed"  # relative to the file, not the working directory


def test_command_line_wins_over_environment_wins_over_file(tmp_path):
    config = write(tmp_path / "mock.toml", "port = 8001\nseed = 1\nlatency-ms = 5\nallowed-host = ['file']\n")
    environ = {"MOCKSERVER_CONFIG": str(config), "MOCKSERVER_SEED": "2", "MOCKSERVER_LATENCY_MS": "6",
               "MOCKSERVER_ALLOWED_HOST": "env1,env2"}
    settings = settings_from(["--latency-ms", "7", "--allowed-host", "cli"], environ)
    assert (settings.port, settings.seed, settings.latency_ms) == (8001, 2, 7.0)
    assert settings.allowed_hosts == ("cli",)  # a repeated option on the command line replaces, not appends
    assert settings_from([], environ).allowed_hosts == ("env1", "env2")


def test_users_come_from_tables_of_the_config_file(tmp_path):
    config = write(tmp_path / "mock.toml", """
        [[torrent.users]]
        username = "carol"
        password = "s3cret"
        superuser = true

        [[torrent.users]]
        username = "dave"
        password = "pw"
        api_key = "0123456789abcdef0123456789abcdef01234567"
        groups = ["ionusers"]

        [[hub.users]]
        username = "alice"
        password = "wonderland"
        """)
    settings = settings_from(["--config", str(config)])
    carol, dave = settings.torrent_users
    assert (carol.username, carol.password, carol.superuser, len(carol.api_key)) == ("carol", "s3cret", True, 40)
    assert (dave.api_key, dave.groups, dave.superuser) == ("0123456789abcdef0123456789abcdef01234567",
                                                           ("ionusers",), False)
    assert settings.hub_users == (HubUser("alice", "wonderland"),)
    assert settings_from(["--config", str(config)]).torrent_users[0].api_key == carol.api_key  # same every start


# -- bad values: exit 2, the message names the option (or variable, or key) and what it takes ------------------


@pytest.mark.parametrize(("environ", "message"), [
    ({"MOCKSERVER_PORT": "70000"}, "MOCKSERVER_PORT: takes a port from 0 to 65535"),
    ({"MOCKSERVER_PORT": "eighty"}, "MOCKSERVER_PORT: takes a port from 0 to 65535"),
    ({"MOCKSERVER_NO_ADMIN": "maybe"}, "MOCKSERVER_NO_ADMIN: takes true or false"),
    ({"MOCKSERVER_LOG_FORMAT": "xml"}, "MOCKSERVER_LOG_FORMAT: takes one of text, json, not 'xml'"),
    ({"MOCKSERVER_THREADS": "0"}, "MOCKSERVER_THREADS: takes a whole number >= 1"),
    ({"MOCKSERVER_HOST": "999.1.1.1"}, "MOCKSERVER_HOST: '999.1.1.1' does not resolve"),
    ({"MOCKSERVER_CONFIG": "/no/such/file.toml"}, "--config /no/such/file.toml: cannot read it"),
    ({"MOCKSERVER_ADMIN_TOKEN": "two words"}, "MOCKSERVER_ADMIN_TOKEN: takes a token without spaces"),
    ({"MOCKSERVER_CORS": "not an origin"}, "MOCKSERVER_CORS: takes * or an origin as browsers send it"),
    ({"MOCKSERVER_ALLOWED_HOST": "mock,bad host!"}, "MOCKSERVER_ALLOWED_HOST: takes a host name"),
    ({"MOCKSERVER_TORRENT_PLUGIN_KEY": "abc:def"}, "MOCKSERVER_TORRENT_PLUGIN_KEY: takes PK:KEY, a plugin result's id"),
])
def test_a_bad_variable_is_a_usage_error_naming_it(environ, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        settings_from([], environ)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(("text", "message"), [
    ("prot = 8001", "unknown key 'prot'; did you mean 'port'?"),
    ("port = 70000", "mock.toml: port: takes a port from 0 to 65535"),
    ("port = true", "mock.toml: port: takes PORT, not True"),
    ("quiet = 'yes'", "mock.toml: quiet: takes true or false"),
    ("port = [1, 2]", "mock.toml: port: takes PORT"),
    ("port = = 1", "not valid TOML"),
    ("config = 'other.toml'", "unknown key 'config'"),
    ("seed = 1\n[torrent]\nuser = []", "[torrent] has no key 'user'"),
    ("[[hub.users]]\nusername = 'bob'", "[[hub.users]] #1: needs password"),
    ("[[hub.users]]\nusername = 'bob'\npassword = 2", "[[hub.users]] #1: password takes a non-empty string"),
    ("[[hub.users]]\nusername = 'bob'\npassword = 'p'\nrole = 'x'", "unknown key 'role'; a hub user has"),
    ("[[torrent.users]]\nusername = 'c'\npassword = 'p'\n[[torrent.users]]\nusername = 'c'\npassword = 'q'",
     "[[torrent.users]] #2: user 'c' is given twice"),
    ("job_start_delay = 1\njob-start-delay = 2", "'job_start_delay' and 'job-start-delay' are the same key"),
    ("[[torrent.users]]\nusername = 'c'\npassword = 'p'\napi_key = 'xyz'",
     "[[torrent.users]] #1: api_key takes 40 hexadecimal digits, as Torrent Suite makes its keys"),
    ("[[torrent.users]]\nusername = 'c'\npassword = 'p'\ngroups = ['nogroup']",
     "[[torrent.users]] #1: no group 'nogroup' in Torrent Suite; the groups are 'ionusers'"),
    ("cors = ['http://x.example/path/']", "mock.toml: cors: takes * or an origin as browsers send it"),
])
def test_a_bad_config_file_is_a_usage_error_naming_the_key(tmp_path, text, message, capsys):
    config = write(tmp_path / "mock.toml", text + "\n")
    with pytest.raises(SystemExit) as exit_:
        settings_from(["--config", str(config)])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


# -- over a real process --------------------------------------------------------------------------------------


def test_version_and_the_top_level_help_shows_how_to_serve():
    version = run_cli("--version")
    assert (version.returncode, version.stdout.strip()) == (0, f"mockserver {__version__}")
    shown = run_cli("--help")
    assert shown.returncode == 0
    for option in ("--port", "--host", "--config", "--db", "--seed-dir", "MOCKSERVER_PORT"):
        assert option in shown.stdout


@pytest.mark.parametrize(("argv", "message"), [
    (["--port", "70000"], "argument --port: takes a port from 0 to 65535 (0 picks a free one), not '70000'"),
    (["--host", "999.1.1.1"], "argument --host: '999.1.1.1' does not resolve"),
    (["--admin-token", ""], "argument --admin-token: takes a token without spaces"),
    (["--cors", "http://x.example/path/"], "argument --cors: takes * or an origin as browsers send it"),
    (["--allowed-host", "bad host!"], "argument --allowed-host: takes a host name"),
    (["--torrent-plugin-key", "abc:def"], "argument --torrent-plugin-key: takes PK:KEY, a plugin result's id"),
    (["--torrent-plugin-key", "24:aaa", "--torrent-plugin-key", "24:bbb"],
     "--torrent-plugin-key gives plugin result 24 two keys (aaa and bbb); a plugin result has one key"),
])
def test_bad_port_or_host_exit_2_with_the_fix_and_no_traceback(argv, message):
    result = run_cli(*argv)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    if "--host" in argv:
        assert "--port" not in result.stderr.splitlines()[-1]


def test_a_process_configured_by_file_and_environment_serves_on_its_port(tmp_path):
    config = write(tmp_path / "mock.toml", """
        api = "torrent"
        quiet = true
        [[torrent.users]]
        username = "carol"
        password = "s3cret"
        """)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")}
    proc = subprocess.Popen([sys.executable, "-m", "mockserver", "--config", str(config)],
                            env={**environ, "MOCKSERVER_PORT": "0", "MOCKSERVER_SEED": "4"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert first.startswith("mockserver listening on http://127.0.0.1:"), first + proc.stderr.read()
        url = first.split()[-1]
        banner = [first]
        while not banner[-1].startswith("  seed"):
            banner.append(proc.stdout.readline())
        assert "seed               4" in banner[-1] and "user carol / password s3cret" in "".join(banner)
        with requests.Session() as s:
            s.trust_env = False
            assert s.get(url + "/rundb/api/v1/message/", auth=("carol", "s3cret"), timeout=10).status_code == 200
            assert s.get(url + "/rundb/api/v1/message/", auth=("ionadmin", "ionadmin"), timeout=10).status_code == 401
            assert s.get(url + "/api/sites/", timeout=10).status_code == 404  # api = "torrent"
    finally:
        proc.terminate()
        proc.communicate(timeout=15)


def test_a_host_that_resolves_but_is_not_this_machines_names_the_host_not_the_port(capsys):
    from mockserver.cli import main

    assert main(["--api", "torrent", "--host", "192.0.2.1", "--port", "0"], environ={}) == 2  # TEST-NET-1
    err = capsys.readouterr().err
    assert "cannot listen on 192.0.2.1:0" in err and "--host" in err and "--port" not in err
