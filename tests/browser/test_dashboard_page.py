"""The dashboard at /__mock__/ in headless Chromium, over the mock's real HTTP server (the ``mockserver`` fixture):
it loads cleanly, shows the journal, and its controls drive the mock as the admin API reports afterwards."""
from __future__ import annotations

import requests
from browser_support import click, console_problems, failed_requests, rows, text_of, wait_for
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from mockserver.config import Settings
from mockserver.server import MockServer


def open_dashboard(driver, mock) -> None:
    driver.get(mock.url + "/__mock__/")
    wait_for(driver, lambda d: d.find_element(By.ID, "clock-now").text not in ("", "…"), message="clock shown")


def test_root_redirects_to_the_dashboard_which_loads_with_no_failed_request_and_no_console_error(page, mockserver):
    page.get(mockserver.url + "/")
    assert page.current_url == mockserver.url + "/__mock__/"
    wait_for(page, lambda d: d.find_element(By.ID, "clock-now").text not in ("", "…"), message="clock shown")
    wait_for(page, lambda d: len(rows(d, "#routes tbody tr")) == len(mockserver.routes()), message="routes shown")
    wait_for(page, lambda d: rows(d, "#timeline .muted"), message="the Hub timeline shown")
    assert failed_requests(page) == []
    assert console_problems(page) == []
    assert [b.text for b in rows(page, "#apis button")] == ["all APIs", "torrent", "hub"]


def test_a_request_made_by_the_test_appears_in_the_journal_view(page, mockserver, mock_torrent):
    open_dashboard(page, mockserver)
    assert mock_torrent.get("message/", params={"limit": 1}).status_code == 200
    [entry] = mockserver.journal(path="/rundb/api/v1/message/")

    row = wait_for(page, lambda d: d.find_elements(By.CSS_SELECTOR, f'#journal tr[data-seq="{entry["seq"]}"]'),
                   message="the request's journal row")[0]
    cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
    assert cells[2:5] == ["torrent", "GET", "/rundb/api/v1/message/?limit=1"]
    assert cells[6] == "200"
    # newest first, and the filters narrow the view
    assert rows(page, "#journal tbody tr")[0] == row
    page.find_element(By.ID, "filter-status").send_keys("4xx")
    wait_for(page, lambda d: not d.find_elements(By.CSS_SELECTOR, f'#journal tr[data-seq="{entry["seq"]}"]'))
    assert console_problems(page) == []


def test_advancing_the_clock_from_the_page_moves_the_clock(page, mockserver):
    before = mockserver.clock.freeze()
    open_dashboard(page, mockserver)
    field = page.find_element(By.ID, "clock-seconds")
    field.clear()
    field.send_keys("3600")
    click(page, "#clock-advance button")

    wait_for(page, lambda d: "advanced" in text_of(d, "#status"), message="the page's confirmation")
    assert (mockserver.clock.now - before).total_seconds() == 3600
    assert mockserver.clock.frozen
    wait_for(page, lambda d: text_of(d, "#clock-now") == mockserver.clock.now.isoformat().replace("+00:00", "Z"))
    assert console_problems(page) == []


def test_a_fault_added_from_the_page_makes_the_next_vendor_request_fail_as_the_rule_says(page, mockserver):
    open_dashboard(page, mockserver)
    Select(page.find_element(By.ID, "fault-method")).select_by_visible_text("GET")
    path = page.find_element(By.ID, "fault-path")
    path.clear()
    path.send_keys("/rundb/api/v1/message/*")
    page.find_element(By.ID, "fault-status").send_keys("503")
    page.find_element(By.ID, "fault-times").send_keys("1")
    click(page, "#fault-add button")

    wait_for(page, lambda d: rows(d, "#faults tbody tr"), message="the rule listed")
    [rule] = mockserver.faults.list()
    assert (rule["method"], rule["path"], rule["status"], rule["times"]) == ("GET", "/rundb/api/v1/message/*", 503, 1)
    url = mockserver.torrent_url + "message/"
    failed = requests.get(url, auth=("ionadmin", "ionadmin"), timeout=10)
    assert failed.status_code == 503 and failed.headers["Retry-After"] == "1"
    assert requests.get(url, auth=("ionadmin", "ionadmin"), timeout=10).status_code == 200  # times: 1

    click(page, f'#faults tr[data-rule="{rule["id"]}"] button.remove')
    wait_for(page, lambda d: not rows(d, "#faults tbody tr"), message="the rule removed")
    assert mockserver.faults.list() == []
    assert console_problems(page) == []


def test_snapshots_save_restore_and_drop_from_the_page(page, mockserver, mock_torrent):
    open_dashboard(page, mockserver)
    page.find_element(By.ID, "snapshot-name").send_keys("before")
    click(page, "#snapshot-save button")
    wait_for(page, lambda d: rows(d, '#snapshots li[data-snapshot="before"]'), message="the snapshot listed")
    assert mockserver.snapshots() == ["before"]

    created = mock_torrent.post("message/", json={"body": "made after the snapshot"})
    assert created.status_code == 201
    message_url = created.headers["Location"]
    assert mock_torrent.get(message_url).status_code == 200

    click(page, '#snapshots li[data-snapshot="before"] button.restore')
    wait_for(page, lambda d: "restored" in text_of(d, "#status"), message="the page's confirmation")
    assert mock_torrent.get(message_url).status_code == 404

    click(page, '#snapshots li[data-snapshot="before"] button.drop')
    wait_for(page, lambda d: not rows(d, "#snapshots li"), message="the snapshot dropped")
    assert mockserver.snapshots() == []
    assert console_problems(page) == []


def test_reset_from_the_page_empties_the_journal_view(page, mockserver, mock_torrent):
    mock_torrent.get("message/")
    open_dashboard(page, mockserver)
    wait_for(page, lambda d: rows(d, "#journal tbody tr"), message="the journal row")
    page.find_element(By.ID, "reset").click()
    wait_for(page, lambda d: not rows(d, "#journal tbody tr"), message="the journal emptied")
    assert len(mockserver.journal) == 0
    assert console_problems(page) == []


def test_beyond_loopback_the_page_asks_for_the_admin_token_once_and_sends_it(page):
    settings = Settings(host="0.0.0.0", port=0, admin_token="open-sesame")  # browsed over loopback only
    with MockServer(settings) as server:
        url = f"http://127.0.0.1:{server.port}/__mock__/"
        page.get(url)
        form = wait_for(page, lambda d: [f for f in d.find_elements(By.ID, "token-form") if f.is_displayed()],
                        message="the token form")[0]
        form.find_element(By.ID, "token").send_keys("open-sesame")
        form.find_element(By.TAG_NAME, "button").click()
        wait_for(page, lambda d: d.find_element(By.ID, "clock-now").text not in ("", "…"), message="clock shown")
        assert not form.is_displayed()
        assert page.execute_script("return sessionStorage.getItem('mockserver.admin-token')") == "open-sesame"
        refused = [e for e in console_problems(page) if "401" not in e["message"]]
        assert refused == []  # the only complaints are the first calls' 401s

        page.get(url)  # the same tab keeps the token: no second question
        wait_for(page, lambda d: d.find_element(By.ID, "clock-now").text not in ("", "…"), message="clock shown")
        assert not page.find_element(By.ID, "token-form").is_displayed()
        assert console_problems(page) == []


def test_the_hub_timeline_shows_a_failed_task_and_a_job_held_pending_by_an_offline_node(page, mockserver, mock_hub):
    mockserver.clock.set("2030-01-01T00:00:00Z")
    listing = mock_hub.get("file/", params={"site": "site1", "path": "/mmfs1/data/space01/ab", "details": "true",
                                            "page_size": 0}).json()
    paths = [f["path"] for f in listing["children"] if f.get("status") == "UNMANAGED"][:2]
    mockserver.scenarios.add(kind="task_failure", site="site1", path=paths[0], error="ENOSPC")
    failed = mock_hub.post("file/workflow/", json={"site": "site1", "workflow": "migrate", "paths": paths}).json()
    mockserver.clock.advance(5)
    mockserver.scenarios.add(kind="node_offline", node="pixstor-east-ng-test")
    held = mock_hub.post("file/workflow/", json={"site": "site1", "workflow": "recall", "paths": paths[1:]}).json()
    mockserver.clock.advance(10)

    open_dashboard(page, mockserver)
    failed_row = wait_for(page, lambda d: rows(d, f'#timeline .job[data-job="{failed["job"]}"]'), message="job row")[0]
    assert failed_row.get_attribute("data-state") == "FAILURE"
    [bad] = failed_row.find_elements(By.CSS_SELECTOR, ".task.failure")
    assert "ENOSPC" in bad.get_attribute("title")
    assert len(failed_row.find_elements(By.CSS_SELECTOR, ".task.success")) == 1
    held_row = rows(page, f'#timeline .job[data-job="{held["job"]}"]')[0]
    assert held_row.get_attribute("data-state") == "PENDING"
    assert held_row.find_elements(By.CSS_SELECTOR, ".badge.held")
    assert held_row.find_elements(By.CSS_SELECTOR, ".task.waiting")
    assert failed_requests(page) == []
    assert console_problems(page) == []


def test_the_journal_names_each_requests_operation_and_marks_unmatched_ones(page, mockserver, mock_torrent):
    open_dashboard(page, mockserver)
    assert mock_torrent.get("message/", params={"limit": 1}).status_code == 200
    assert mock_torrent.get("mesage/").status_code == 404  # a misspelt route
    [matched] = mockserver.journal(path="/rundb/api/v1/message/")
    [unmatched] = mockserver.journal(path="/rundb/api/v1/mesage/")

    row = wait_for(page, lambda d: rows(d, f'#journal tr[data-seq="{unmatched["seq"]}"]'), message="row")[0]
    assert "unmatched" in row.get_attribute("class") and row.find_element(By.CSS_SELECTOR, "td.op").text == "unmatched"
    known = rows(page, f'#journal tr[data-seq="{matched["seq"]}"]')[0]
    assert known.find_element(By.CSS_SELECTOR, "td.op").text == "message_list"
    page.find_element(By.ID, "filter-unmatched").click()
    wait_for(page, lambda d: [r.get_attribute("data-seq") for r in rows(d, "#journal tbody tr")]
             == [str(unmatched["seq"])], message="only the unmatched request")
    assert console_problems(page) == []


def test_the_coverage_panel_lists_each_operation_with_its_calls_and_the_unmatched_requests(page, mockserver,
                                                                                          mock_torrent):
    mockserver.clear_coverage()
    mock_torrent.get("message/")
    mock_torrent.get("message/")
    mock_torrent.get("mesage/")
    open_dashboard(page, mockserver)
    table = wait_for(page, lambda d: rows(d, '#coverage table[data-api="torrent"]'), message="coverage table")[0]
    listed = {r.find_elements(By.TAG_NAME, "td")[0].text: r.find_elements(By.TAG_NAME, "td")
              for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")}
    report = mockserver.coverage()["apis"]["torrent"]
    assert set(listed) == {o["operation_id"] for o in report["operations"]}
    cells = [c.text for c in listed["message_list"]]
    assert cells[3] == "2" and cells[5] == "200"
    assert "GET /rundb/api/v1/mesage/ (1)" in text_of(page, "#coverage")
    assert console_problems(page) == []
