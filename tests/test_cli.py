"""The command line: serve options, the start-up banner, start-up errors, a real start and stop."""
import signal
import socket
import time

import pytest
import requests
from stub_dialect import stub_cli

from mockserver.cli import banner, build_parser, main, serve_settings
from mockserver.config import Settings


class FakeServer:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = "http://127.0.0.1:8123"


def parse(*argv: str):
    return build_parser().parse_args(["serve", *argv])


def test_serve_options_become_settings(tmp_path):
    args = parse("--host", "127.0.0.2", "--port", "0", "--db", str(tmp_path / "d.json"), "--no-admin",
                 "--seed", "42", "--latency-ms", "12.5", "--journal-limit", "50", "--api", "hub", "--quiet")
    settings = serve_settings(args)
    assert (settings.host, settings.port, settings.db, settings.admin, settings.seed, settings.apis) == (
        "127.0.0.2", 0, tmp_path / "d.json", False, 42, ("hub",))
    assert (settings.latency_ms, settings.journal_limit) == (12.5, 50)
    assert args.quiet is True


def test_defaults_serve_both_apis_in_memory_on_loopback():
    settings = serve_settings(parse())
    assert (settings.host, settings.port, settings.db, settings.admin, settings.seed) == (
        "127.0.0.1", 8000, None, True, 0)
    assert settings.apis == ("torrent", "hub") and settings == Settings(apis=("torrent", "hub"))


def test_hub_timing_options_fill_the_settings():
    settings = serve_settings(parse("--job-start-delay", "0.5", "--task-duration", "3"))
    assert (settings.hub_job_start_delay, settings.hub_task_duration) == (0.5, 3.0)


def test_serving_options_fill_the_settings():
    settings = serve_settings(parse("--threads", "3", "--request-timeout", "2.5", "--keepalive-timeout", "4",
                                    "--shutdown-timeout", "0"))
    assert (settings.threads, settings.request_timeout, settings.keepalive_timeout, settings.shutdown_timeout) == (
        3, 2.5, 4.0, 0.0)


def test_admin_safety_options_fill_the_settings():
    settings = serve_settings(parse("--allowed-host", "mock", "--allowed-host", "mock.ci", "--admin-token", "t0k"))
    assert (settings.allowed_hosts, settings.admin_token) == (("mock", "mock.ci"), "t0k")


def test_plugin_keys_given_as_a_dict_are_kept_as_pairs_and_settings_stay_hashable():
    settings = Settings(torrent_plugin_keys={"7": "k"})
    assert settings.torrent_plugin_keys == (("7", "k"),) and settings == Settings(torrent_plugin_keys=(("7", "k"),))
    assert hash(settings) == hash(settings.with_())


@pytest.mark.parametrize("argv", [
    ["--latency-ms", "-1"], ["--latency-ms", "soon"], ["--journal-limit", "0"], ["--api", "ftp"],
    ["--port", "http"], ["--job-start-delay", "-1"], ["--task-duration", "later"],
    ["--threads", "0"], ["--request-timeout", "0"], ["--keepalive-timeout", "soon"], ["--log-format", "xml"],
])
def test_bad_options_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        parse(*argv)
    assert exit_.value.code == 2 and "error:" in capsys.readouterr().err


def test_options_without_a_command_mean_serve():
    # main() inserts "serve"; the parser alone shows the same reading
    assert build_parser().parse_args(["serve", "--port", "1"]).run.__name__ == "run_serve"
    assert build_parser().parse_args(["routes"]).run.__name__ == "run_routes"


def test_banner_names_urls_credentials_and_admin():
    text = banner(FakeServer(Settings(seed=3, latency_ms=20)))
    assert text.splitlines()[0] == "mockserver listening on http://127.0.0.1:8123"
    assert "http://127.0.0.1:8123/rundb/api/v1/" in text and "http://127.0.0.1:8123/api/" in text
    assert "user ionadmin / password ionadmin / api key 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567" in text
    assert "user admin / password admin" in text and "POST /api/auth/token/" in text
    assert "admin              http://127.0.0.1:8123/__mock__/" in text
    assert "data               in memory" in text and "seed               3" in text and "latency 20 ms" in text


def test_banner_shows_only_what_is_served(tmp_path):
    text = banner(FakeServer(Settings(apis=("hub",), admin=False, db=tmp_path / "d.json")))
    assert "rundb" not in text and "ionadmin" not in text
    assert "admin              off" in text and f"data               {tmp_path / 'd.json'}" in text


def test_a_port_in_use_is_a_clear_start_error(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--api", "torrent", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "Traceback" not in err


def test_the_cli_starts_prints_the_banner_serves_and_stops_on_sigterm(tmp_path):
    with stub_cli(tmp_path, "--port", "0", "--seed", "5") as proc:
        first = proc.stdout.readline()
        assert first.startswith("mockserver listening on http://127.0.0.1:"), first + proc.stderr.read()
        url = first.split()[-1]
        shown = [first]
        while not shown[-1].startswith("  seed"):  # the banner's last line
            shown.append(proc.stdout.readline())
        with requests.Session() as s:
            s.trust_env = False
            health = s.get(url + "/__mock__/health", timeout=10).json()
            assert health["status"] == "ok" and health["apis"] == ["torrent"]
            assert s.get(url + "/rundb/api/v1/item/", timeout=10).status_code == 200
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    text = "".join(shown)
    assert f"admin              {url}/__mock__/" in text and "seed               5" in text
    assert "GET /rundb/api/v1/item/" in err  # the access log (no --quiet)


def test_a_second_ctrl_c_during_the_drain_stops_at_once_with_130_and_no_traceback(tmp_path):
    with stub_cli(tmp_path, "--port", "0", "--quiet", "--shutdown-timeout", "30") as proc:
        url = proc.stdout.readline().split()[-1]
        port = int(url.rsplit(":", 1)[1])
        with requests.Session() as s:
            s.trust_env = False
            s.post(url + "/__mock__/faults", json={"path": "/rundb/api/v1/echo/", "delay_ms": 20000}, timeout=10)
        held = socket.create_connection(("127.0.0.1", port), timeout=20)
        held.sendall(b"GET /rundb/api/v1/echo/ HTTP/1.1\r\nHost: mock\r\n\r\n")
        time.sleep(0.5)  # read at once; its answer waits 20 s in the fault's delay
        proc.send_signal(signal.SIGINT)
        said = proc.stderr.readline()  # the drain says it waits, and how to stop at once
        assert "stopping: answering the requests already received (up to 30 s; Ctrl-C again stops at once)" in said
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)  # far less than the 30 s drain
        assert held.recv(1) == b""  # cut off: no answer
        held.close()
    assert proc.returncode == 130
    assert "stopped at once: requests still being answered were cut off" in err and "Traceback" not in err


def test_a_banner_reader_that_goes_away_does_not_stop_the_mock(tmp_path):
    with socket.socket() as probe:  # a free port, chosen here: the banner that would tell it is never read
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with stub_cli(tmp_path, "--port", str(port), "--quiet") as proc:
        proc.stdout.close()  # as `| head -1` that went: the banner has nowhere to go
        proc.stdout = None  # communicate() reads stderr only
        url = f"http://127.0.0.1:{port}"
        with requests.Session() as s:
            s.trust_env = False
            for _ in range(100):  # until it listens
                try:
                    answer = s.get(url + "/rundb/api/v1/item/", timeout=10)
                    break
                except requests.ConnectionError:
                    assert proc.poll() is None, proc.communicate()[1]
                    time.sleep(0.1)
            assert answer.status_code == 200
            assert s.get(url + "/rundb/api/v1/item/", timeout=10).status_code == 200
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0 and "Traceback" not in err and "BrokenPipe" not in err, err
