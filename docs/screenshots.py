"""Takes docs/dashboard.png and docs/api-docs.png with headless Chromium (Debian's chromium and chromium-driver).

    .venv/bin/python docs/screenshots.py

A mock on a free loopback port gets a little traffic first: Torrent and Hub requests, one answered by a fault
rule, a Hub job with a task that fails (a ``task_failure`` scenario) and one held PENDING by a node that went
offline, a snapshot; then the dashboard and the Hub's API docs are shot at 1400 px wide.
"""
from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from mockserver.admin_client import MockHandle
from mockserver.config import Settings
from mockserver.server import MockServer

DOCS = Path(__file__).resolve().parent


def traffic(mock: MockHandle) -> None:
    mock.clock.set("2026-12-07T09:00:00Z")
    torrent, hub = mock.torrent_session(), mock.hub_session()
    torrent.get("message/", params={"limit": 2})
    torrent.post("message/", json={"body": "run 42 finished", "level": 20})
    torrent.get("filemonitor/", params={"status": "Complete"})
    requests.get(mock.torrent_url + "mesage/", auth=("ionadmin", "ionadmin"), timeout=10)  # a misspelt route
    mock.faults.add("/rundb/api/v1/compositedatamanagement/*", method="GET", status=503, times=1)
    torrent.get("compositedatamanagement/")
    listing = hub.get("file/", params={"site": "site1", "path": "/mmfs1/data/space01/ab", "details": "true",
                                       "page_size": 0}).json()
    paths = [f["path"] for f in listing["children"] if f.get("status") == "UNMANAGED"][:4]
    mock.scenarios.add(kind="task_failure", site="site1", path=paths[1], error="ENOSPC")
    hub.post("file/workflow/", json={"site": "site1", "workflow": "migrate", "paths": paths})
    mock.clock.advance(3)
    hub.post("file/workflow/", json={"site": "site1", "workflow": "premigrate", "paths": paths[:2]})
    mock.clock.advance(4)
    mock.scenarios.add(kind="node_offline", node="pixstor-east-ng-test")
    hub.post("file/workflow/", json={"site": "site1", "workflow": "recall", "paths": paths[2:]})
    mock.clock.advance(3)
    hub.get("jobs/")
    mock.faults.add("/api/jobs/*", method="GET", delay_ms=[50, 200], probability=0.5)
    mock.snapshot("after-setup")


def shoot(driver, url: str, ready: str, target: Path, height: int) -> None:
    driver.set_window_size(1400, height)
    driver.get(url)
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ready))
    time.sleep(1.5)  # one more poll of the dashboard, fonts settled
    driver.save_screenshot(str(target))
    print(f"wrote {target}")


def main() -> int:
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver_path:
        print("needs headless Chromium: apt-get install chromium chromium-driver", file=sys.stderr)
        return 1
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars"):
        options.add_argument(flag)
    with MockServer(Settings(port=0)) as server:
        traffic(MockHandle(server.url, settings=server.settings))
        driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
        try:
            shoot(driver, server.url + "/__mock__/", "#timeline .job", DOCS / "dashboard.png", 1500)
            shoot(driver, server.url + "/__mock__/docs/hub", "body[data-authorized] .opblock",
                  DOCS / "api-docs.png", 1100)
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
