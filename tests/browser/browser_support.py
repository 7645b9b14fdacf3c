"""What the browser tests read from a page: its console, its failed requests, and waiting for the page."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 20


def wait_for(driver, condition: Callable[[Any], Any], timeout: float = TIMEOUT, message: str = "") -> Any:
    """``condition`` until it is truthy; an element redrawn meanwhile (stale) is looked up again."""
    return WebDriverWait(driver, timeout, poll_frequency=0.1,
                         ignored_exceptions=(StaleElementReferenceException,)).until(condition, message)


def click(driver, css: str) -> None:
    """Click the element ``css`` names, looked up again if the page redrew it between finding and clicking."""
    def clicked(d) -> bool:
        d.find_element(By.CSS_SELECTOR, css).click()
        return True

    wait_for(driver, clicked, message=f"click {css}")


def console_problems(driver) -> list[dict[str, Any]]:
    """Console entries at WARNING or above (errors of scripts, refused loads, CSP violations)."""
    return [e for e in driver.get_log("browser") if e["level"] in ("WARNING", "SEVERE")]


def failed_requests(driver) -> list[tuple[str, int]]:
    """Every resource the page loaded that answered 400 or more or did not answer (status 0), with the page."""
    entries = driver.execute_script(
        "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
        ".map(e => [e.name, e.responseStatus])")
    return [(name, status) for name, status in entries if not status or status >= 400]


def text_of(driver, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text


def rows(driver, css: str) -> list[Any]:
    return driver.find_elements(By.CSS_SELECTOR, css)
