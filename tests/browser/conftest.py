"""Headless Chromium driven through WebDriver, for the dashboard and the API docs pages.

Debian's ``chromium`` and ``chromium-driver`` packages provide the browser and its driver (``.ci/run`` installs
them); nothing is downloaded at run time. Without them these tests are skipped with the command that installs
them, except under CI (``CI=true``), where a missing browser fails the run instead of passing it unseen.
"""
from __future__ import annotations

import os
import shutil

import pytest

INSTALL = "apt-get install chromium chromium-driver"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _executables() -> tuple[str | None, str | None]:
    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    return browser, shutil.which("chromedriver")


@pytest.fixture(scope="session")
def browser():
    binary, driver_path = _executables()
    if binary is None or driver_path is None:
        missing = " and ".join(n for n, p in (("chromium", binary), ("chromedriver", driver_path)) if p is None)
        message = f"the browser tests need headless Chromium: {missing} not found; install them with `{INSTALL}`"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1400,1000", "--no-first-run", "--disable-extensions", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update", "--disable-default-apps"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def page(browser):
    """The browser, its console log emptied, left on a blank page after the test."""
    browser.get("about:blank")
    browser.get_log("browser")
    yield browser
    browser.get("about:blank")
