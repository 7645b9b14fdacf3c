"""CORS for browser clients of the vendor APIs (issue 13): ``--cors ORIGIN|*``, off by default. A preflight from an
allowed origin is answered without credentials and never reaches the API or its journal; answers to an allowed
origin carry Access-Control-Allow-Origin; other origins, and the admin plane, are served as without --cors."""
import pytest
from stub_dialect import install
from stub_dialect import loopback_session as session

from mockserver.app import create_app, state_of
from mockserver.cli import build_parser, serve_settings
from mockserver.config import Settings
from mockserver.server import MockServer

PAGE = "http://localhost:3000"
MESSAGES = "/rundb/api/v1/message/"
SITES = "/api/sites/"
PREFLIGHT = {"Origin": PAGE, "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "authorization, content-type"}


def client(*origins: str):
    app = create_app(Settings(cors=origins))
    return app, app.test_client()


def cors_headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.lower().startswith("access-control-")}


def test_cors_is_off_by_default_no_header_and_a_preflight_reaches_the_api():
    app, c = client()
    assert cors_headers(c.get(MESSAGES, headers={"Origin": PAGE}, auth=("ionadmin", "ionadmin"))) == {}
    preflight = c.options(SITES, headers=PREFLIGHT)
    assert cors_headers(preflight) == {}
    assert preflight.status_code == 401  # the Hub answers an OPTIONS without credentials as it always does
    assert len(state_of(app).journal.entries()) == 2


@pytest.mark.parametrize("path", [MESSAGES, SITES, MESSAGES + "1/", "/api/auth/token/"])
def test_cors_a_preflight_from_an_allowed_origin_is_answered_without_credentials(path):
    app, c = client(PAGE)
    response = c.options(path, headers=PREFLIGHT)
    assert response.status_code == 204 and response.get_data() == b""
    headers = cors_headers(response)
    assert headers["Access-Control-Allow-Origin"] == PAGE
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= {m.strip() for m in
                                                       headers["Access-Control-Allow-Methods"].split(",")}
    assert headers["Access-Control-Allow-Headers"] == "authorization, content-type"
    assert "Access-Control-Allow-Credentials" not in headers
    assert "Origin" in response.headers.get("Vary", "")
    assert state_of(app).journal.entries() == []  # asked of the server, not of the API


def test_cors_a_fault_rule_does_not_touch_a_preflight():
    app, c = client(PAGE)
    state_of(app).faults.add({"path": MESSAGES, "status": 503})
    assert c.options(MESSAGES, headers=PREFLIGHT).status_code == 204


def test_cors_answers_to_an_allowed_origin_carry_the_headers_errors_and_faults_too():
    app, c = client(PAGE)
    ok = c.get(MESSAGES, headers={"Origin": PAGE}, auth=("ionadmin", "ionadmin"))
    assert ok.status_code == 200
    assert cors_headers(ok) == {"Access-Control-Allow-Origin": PAGE, "Access-Control-Expose-Headers": "*"}
    assert "Origin" in ok.headers["Vary"]
    refused = c.get(MESSAGES, headers={"Origin": PAGE})  # the page can read the 401 and its challenge
    assert refused.status_code == 401 and cors_headers(refused)["Access-Control-Allow-Origin"] == PAGE
    created = c.post(SITES, headers={"Origin": PAGE}, json={})
    assert cors_headers(created)["Access-Control-Allow-Origin"] == PAGE
    state_of(app).faults.add({"path": MESSAGES, "status": 503})
    faulted = c.get(MESSAGES, headers={"Origin": PAGE}, auth=("ionadmin", "ionadmin"))
    assert faulted.status_code == 503 and cors_headers(faulted)["Access-Control-Allow-Origin"] == PAGE


def test_cors_another_origin_is_served_as_without_cors():
    app, c = client(PAGE)
    other = {"Origin": "http://evil.example"}
    response = c.get(MESSAGES, headers=other, auth=("ionadmin", "ionadmin"))
    assert response.status_code == 200 and cors_headers(response) == {}
    assert "Origin" in response.headers["Vary"]  # a cache must not hand this answer to the allowed page
    preflight = c.options(SITES, headers={**PREFLIGHT, **other})
    assert preflight.status_code == 401 and cors_headers(preflight) == {}  # the Hub's own answer


def test_cors_star_allows_any_origin_with_a_wildcard():
    app, c = client("*")
    response = c.get(MESSAGES, headers={"Origin": "http://any.example"}, auth=("ionadmin", "ionadmin"))
    assert cors_headers(response)["Access-Control-Allow-Origin"] == "*"
    assert "Origin" not in response.headers.get("Vary", "")
    preflight = c.options(SITES, headers={**PREFLIGHT, "Origin": "https://elsewhere.example"})
    assert preflight.status_code == 204 and cors_headers(preflight)["Access-Control-Allow-Origin"] == "*"


def test_cors_a_request_without_origin_is_served_without_cors_headers():
    app, c = client("*")
    response = c.get(MESSAGES, auth=("ionadmin", "ionadmin"))
    assert response.status_code == 200 and cors_headers(response) == {}


def test_cors_an_ordinary_options_request_still_reaches_the_api():
    app, c = client(PAGE)
    response = c.options(SITES, headers={"Origin": PAGE})  # no Access-Control-Request-Method: not a preflight
    assert response.status_code == 401  # the Hub's own answer, with the CORS headers added
    assert cors_headers(response)["Access-Control-Allow-Origin"] == PAGE
    assert len(state_of(app).journal.entries()) == 1


def test_cors_does_not_open_the_admin_plane_to_other_origins(monkeypatch, tmp_path):
    seed_dir = install(monkeypatch, tmp_path)
    with MockServer(Settings(port=0, apis=("torrent",), seed_dir=seed_dir, cors=("*",))) as m, session() as s:
        refused = s.post(m.url + "/__mock__/reset", headers={"Origin": PAGE}, timeout=10)
        assert refused.status_code == 403 and cors_headers(refused) == {}
        served = s.options(m.url + "/rundb/api/v1/item/", headers=PREFLIGHT, timeout=10)
        assert served.status_code == 204 and served.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_options_fill_the_settings():
    args = build_parser().parse_args(["serve", "--cors", PAGE, "--cors", "https://app.example"])
    assert serve_settings(args).cors == (PAGE, "https://app.example")
    assert serve_settings(build_parser().parse_args(["serve"])).cors == ()
