"""HTTPS (issue 13): ``--tls`` serves a certificate made at start whose CA is written where the banner says, and
``requests`` verifies it with that file; ``--tls-cert/--tls-key`` serve the user's own; the pytest fixture can
serve HTTPS and hands its clients the CA. The serving rules (timeouts, dropped connections) hold over TLS."""
import signal
import socket
import ssl
import time
from pathlib import Path

import pytest
import requests
from stub_dialect import install, stub_cli

from mockserver import MockHandle
from mockserver.cli import main
from mockserver.config import Settings
from mockserver.hostnames import host_name, machine_names
from mockserver.server import MockServer
from mockserver.tls import make_certificates

pytest_plugins = ["pytester"]
ITEMS = "/rundb/api/v1/item/"
ECHO = "/rundb/api/v1/echo/"


def https_session(ca_file) -> requests.Session:
    """A session that trusts only ``ca_file`` (never a CA bundle or proxy from the environment)."""
    session = requests.Session()
    session.trust_env = False
    session.verify = str(ca_file)
    return session


@pytest.fixture(scope="module")
def mock(tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        seed_dir = install(monkeypatch, tmp_path_factory.mktemp("seed"))
        settings = Settings(port=0, apis=("torrent",), seed_dir=seed_dir, tls=True, request_timeout=1.0)
        with MockServer(settings) as m:
            yield m


def test_tls_a_real_process_serves_https_that_requests_verifies_with_the_written_ca(tmp_path):
    ca = tmp_path / "ca.pem"
    with stub_cli(tmp_path, "--port", "0", "--quiet", "--tls", "--tls-ca", str(ca)) as proc:
        first = proc.stdout.readline()
        assert first.startswith("mockserver listening on https://127.0.0.1:"), first + proc.stderr.read()
        url = first.split()[-1]
        shown = [first]
        while not shown[-1].startswith("  seed"):  # the banner's last line
            shown.append(proc.stdout.readline())
        assert f"trust its CA: {ca}" in "".join(shown)
        port = url.rsplit(":", 1)[1]
        with requests.Session() as s:
            s.trust_env = False  # no proxy from the environment
            for base in (url, f"https://localhost:{port}"):  # the certificate names both
                assert s.get(base + ITEMS, verify=str(ca), timeout=10).status_code == 200
            with pytest.raises(requests.exceptions.SSLError):  # the system's CAs do not know it
                s.get(url + ITEMS, verify=True, timeout=10)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
    assert proc.returncode == 0


def test_tls_without_tls_ca_the_ca_goes_to_a_new_directory_removed_at_stop(monkeypatch, tmp_path):
    seed_dir = install(monkeypatch, tmp_path)
    with MockServer(Settings(port=0, apis=("torrent",), seed_dir=seed_dir, tls=True)) as m:
        ca_file = m.ca_file
        assert ca_file.is_file() and b"BEGIN CERTIFICATE" in ca_file.read_bytes()
        assert b"PRIVATE KEY" not in ca_file.read_bytes()
        with https_session(ca_file) as s:
            assert s.get(m.url + ITEMS, timeout=10).status_code == 200
    assert not ca_file.exists()


def test_tls_on_every_interface_the_certificate_is_for_loopback_and_this_machines_names(monkeypatch, tmp_path):
    """0.0.0.0 is no address a client connects to, nor a name in the certificate: the handle's URL is 127.0.0.1;
    other machines come by this one's name or address, which the certificate carries too."""
    seed_dir = install(monkeypatch, tmp_path)
    with MockServer(Settings(host="0.0.0.0", port=0, apis=("torrent",), seed_dir=seed_dir, tls=True)) as m:
        assert m.url == f"https://127.0.0.1:{m.port}"
        with https_session(m.ca_file) as s:
            assert s.get(m.url + ITEMS, timeout=10).status_code == 200
        assert m.tls.names[:3] == ("localhost", "127.0.0.1", "::1") and host_name() in m.tls.names
        context = ssl.create_default_context(cafile=str(m.ca_file))
        for name in machine_names():  # the host name (through loopback), and each address itself
            address = "127.0.0.1" if name == host_name() else name
            with socket.create_connection((address, m.port), timeout=10) as raw:
                with context.wrap_socket(raw, server_hostname=name) as verified:  # raises if the name is not in it
                    assert verified.version() is not None
        with pytest.raises(ssl.SSLCertVerificationError):
            with socket.create_connection(("127.0.0.1", m.port), timeout=10) as raw:
                context.wrap_socket(raw, server_hostname="not-this-machine.example")


def test_tls_cert_and_key_serve_the_users_certificate(monkeypatch, tmp_path):
    seed_dir = install(monkeypatch, tmp_path / "seed")
    ca_pem, cert_pem, key_pem = make_certificates(["mock.test", "127.0.0.1"])
    (tmp_path / "ca.pem").write_bytes(ca_pem)
    (tmp_path / "cert.pem").write_bytes(cert_pem)
    (tmp_path / "key.pem").write_bytes(key_pem)
    settings = Settings(port=0, apis=("torrent",), seed_dir=seed_dir, tls_cert=tmp_path / "cert.pem",
                        tls_key=tmp_path / "key.pem")
    with MockServer(settings) as m, https_session(tmp_path / "ca.pem") as s:
        assert m.url.startswith("https://")
        assert s.get(m.url + ITEMS, timeout=10).status_code == 200
        served = ssl.get_server_certificate(("127.0.0.1", m.port))
    assert served.strip() == cert_pem.decode().strip()


def test_tls_cert_without_key_or_an_unreadable_one_is_a_clear_start_error(capsys, tmp_path):
    assert main(["--api", "torrent", "--port", "0", "--tls-cert", str(tmp_path / "cert.pem")]) == 2
    assert "--tls-cert and --tls-key go together" in capsys.readouterr().err
    (tmp_path / "cert.pem").write_text("not a certificate")
    assert main(["--api", "torrent", "--port", "0", "--tls-cert", str(tmp_path / "cert.pem"),
                 "--tls-key", str(tmp_path / "cert.pem")]) == 2
    err = capsys.readouterr().err
    assert "cannot load the TLS certificate" in err and "Traceback" not in err


def test_tls_a_plain_http_request_on_the_https_port_is_told_to_use_https(mock):
    with socket.create_connection(("127.0.0.1", mock.port), timeout=10) as sock:
        sock.sendall(b"GET /rundb/api/v1/item/ HTTP/1.1\r\nHost: mock\r\n\r\n")
        answer = sock.makefile("rb").read()
    assert answer.startswith(b"HTTP/1.1 400 ") and b"this mock serves HTTPS" in answer


def test_tls_large_bodies_both_ways_and_many_clients_at_once(mock):
    body = b"x" * 900_000
    with https_session(mock.ca_file) as s:
        echoed = s.post(mock.url + ECHO, data=body, timeout=30)
        assert echoed.status_code == 200 and echoed.json()["body"] == body.decode()

    def client(_):
        with https_session(mock.ca_file) as s:
            return [s.get(mock.url + ITEMS, timeout=30).status_code for _ in range(5)]

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(20) as pool:
        statuses = [status for batch in pool.map(client, range(40)) for status in batch]
    assert statuses == [200] * 200


def test_tls_pipelined_requests_are_answered_in_order(mock):
    context = ssl.create_default_context(cafile=str(mock.ca_file))
    with context.wrap_socket(socket.create_connection(("127.0.0.1", mock.port), timeout=10),
                             server_hostname="127.0.0.1") as sock:
        sock.sendall(b"".join(f"GET {ITEMS}{n}/ HTTP/1.1\r\nHost: mock\r\n\r\n".encode() for n in (1, 998, 999)))
        reader = sock.makefile("rb")
        statuses = []
        for _ in range(3):
            statuses.append(int(reader.readline().split()[1]))
            length = 0
            while (line := reader.readline()) != b"\r\n":
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            reader.read(length)
    assert statuses == [200, 404, 404]  # item 1 is seeded


def test_tls_a_half_sent_body_is_answered_408(mock):
    context = ssl.create_default_context(cafile=str(mock.ca_file))
    with context.wrap_socket(socket.create_connection(("127.0.0.1", mock.port), timeout=10),
                             server_hostname="127.0.0.1") as sock:
        sock.sendall(f"POST {ECHO} HTTP/1.1\r\nHost: mock\r\nContent-Length: 1000\r\n\r\n".encode() + b"x" * 10)
        started = time.monotonic()
        answer = sock.makefile("rb").read()
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert time.monotonic() - started < 5


def test_tls_a_dropped_connection_is_closed_and_the_next_request_is_served(mock):
    mock.reset()
    mock.state.faults.add({"path": ITEMS, "drop": True, "times": 1})
    try:
        with https_session(mock.ca_file) as s:
            with pytest.raises(requests.exceptions.ConnectionError):
                s.get(mock.url + ITEMS, timeout=10)
            assert s.get(mock.url + ITEMS, timeout=10).status_code == 200
    finally:
        mock.reset()


def test_tls_the_handle_drives_an_https_mock_with_its_ca(mock):
    handle = MockHandle.connect(mock.url, mock.settings, ca_file=mock.ca_file)
    try:
        assert handle.health()["status"] == "ok"
        with handle.torrent_session() as s:  # the handle hands its sessions the CA
            assert s.get("item/", timeout=10).status_code == 200
    finally:
        handle.close()


def test_tls_the_fixture_serves_https_and_its_clients_trust_the_ca(pytester, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/bundle.pem")  # the fixture's CA wins over the env's
    pytester.makepyfile("""
        import requests

        def test_https(mockserver, mock_torrent, mock_hub):
            assert mockserver.url.startswith("https://") and mockserver.ca_file
            assert mock_torrent.get("message/").status_code == 200
            assert mock_hub.get("sites/").status_code == 200
            assert mock_torrent.as_user("ionuser").get("message/").status_code == 200
            assert requests.get(mockserver.url + "/__mock__/health", verify=mockserver.ca_file).status_code == 200
    """)
    # In a process of its own: sockets other tests left to the garbage collector cannot fail this run.
    pytester.runpytest_subprocess("--mockserver-tls", "-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_tls_options_fill_the_settings(tmp_path):
    from mockserver.cli import build_parser, serve_settings

    args = build_parser().parse_args(["serve", "--tls", "--tls-ca", str(tmp_path / "ca.pem")])
    settings = serve_settings(args)
    assert settings.tls and settings.tls_ca == tmp_path / "ca.pem" and settings.tls_cert is None
    args = build_parser().parse_args(["serve", "--tls-cert", "c.pem", "--tls-key", "k.pem"])
    assert (serve_settings(args).tls_cert, serve_settings(args).tls_key) == (Path("c.pem"), Path("k.pem"))
    assert not serve_settings(build_parser().parse_args(["serve"])).tls
