"""The API docs at /__mock__/docs/<api> in headless Chromium: Swagger UI over the contract the mock serves, every
operation rendered, and "Try it out" answered by the mock with its own default credentials."""
from __future__ import annotations

import time

import pytest
from browser_support import console_problems, failed_requests, rows, wait_for
from selenium.webdriver.common.by import By

from mockserver.contract import HTTP_METHODS, load

LIVE_STATUS = ".live-responses-table tbody .response-col_status"
# One read-only operation per API: its Swagger UI block id (operations-<tag>-<operationId>) and its path
TRY = {"torrent": ("operations-message-message_schema", "/rundb/api/v1/message/schema/"),
       "hub": ("operations-sites-sites_list", "/api/sites/")}


def operations_of(api: str) -> list[tuple[str, str]]:
    return [(method.upper(), path) for path, item in load(api)["paths"].items() for method in HTTP_METHODS
            if method in item]


def operation_count(api: str) -> int:
    return len(operations_of(api))


def open_docs(driver, mock, api: str) -> None:
    driver.get(f"{mock.url}/__mock__/docs/{api}")
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "body[data-authorized] .opblock"),
             message="Swagger UI rendered and authorized")


# Swagger UI draws the blocks of a long document (150 tags and operations or more, as the Hub's) only while they
# are in view: the page is read from top to bottom, as a reader scrolls, collecting every block drawn.
BLOCKS = """return Array.from(document.querySelectorAll('.opblock')).map(b => [b.id,
    b.querySelector('.opblock-summary-method').textContent,
    b.querySelector('.opblock-summary-path').textContent.replaceAll('\u200b', '')])"""
STEP = "const y = window.scrollY; window.scrollBy(0, window.innerHeight / 2); return window.scrollY === y"


def blocks_read_through(driver) -> dict[str, tuple[str, str]]:
    """Every operation block drawn while the page scrolls from its top to its end: id → (method, path)."""
    driver.execute_script("window.scrollTo(0, 0)")
    seen: dict[str, tuple[str, str]] = {}
    for _ in range(500):
        time.sleep(0.15)  # the blocks are drawn on the next animation frames after a scroll
        seen.update((block_id, (method, path)) for block_id, method, path in driver.execute_script(BLOCKS))
        if driver.execute_script(STEP):
            return seen
    raise AssertionError("the page did not reach its end")


def scroll_to_block(driver, block_id: str):
    driver.execute_script("window.scrollTo(0, 0)")
    for _ in range(500):
        time.sleep(0.15)
        found = driver.find_elements(By.ID, block_id)
        if found:
            driver.execute_script("arguments[0].scrollIntoView()", found[0])
            return found[0]
        if driver.execute_script(STEP):
            break
    raise AssertionError(f"no block {block_id} on the page")


@pytest.mark.parametrize("api", ["torrent", "hub"])
def test_swagger_ui_renders_every_operation_of_the_contract_with_no_failed_request(page, mockserver, api):
    open_docs(page, mockserver, api)
    blocks = blocks_read_through(page)
    assert len(blocks) == operation_count(api)
    assert sorted(blocks.values()) == sorted(operations_of(api))
    servers = [o.text for o in rows(page, ".servers select option")]
    assert servers == [f"{mockserver.url}{load(api)['servers'][0]['url'].rstrip('/')} - this mock"]
    assert failed_requests(page) == []
    assert console_problems(page) == []


@pytest.mark.parametrize("api", ["torrent", "hub"])
def test_try_it_out_calls_the_mock_with_its_credentials_and_answers_200(page, mockserver, api):
    block_id, path = TRY[api]
    mockserver.clear_coverage()
    open_docs(page, mockserver, api)
    block = scroll_to_block(page, block_id)
    block.find_element(By.CSS_SELECTOR, ".opblock-summary-control").click()
    wait_for(page, lambda d: block.find_elements(By.CSS_SELECTOR, ".try-out__btn"), message="Try it out button")
    block.find_element(By.CSS_SELECTOR, ".try-out__btn").click()
    wait_for(page, lambda d: block.find_elements(By.CSS_SELECTOR, ".execute"), message="Execute button")
    mockserver.journal.clear()
    block.find_element(By.CSS_SELECTOR, ".execute").click()

    status = wait_for(page, lambda d: block.find_elements(By.CSS_SELECTOR, LIVE_STATUS), message="the answer")[0]
    assert status.text.split()[0] == "200"
    [call] = mockserver.journal(path=path)
    assert call["status"] == 200
    expected = "Basic ionadmin:****" if api == "torrent" else "Bearer ****"
    assert call["headers"]["Authorization"] == expected
    # the call counts as the user's; the page's own Hub login counts apart, as the fixtures' logins do
    counted = {o["operation_id"]: o for o in mockserver.coverage()["apis"][api]["operations"]}
    assert counted[block_id.rsplit("-", 1)[1]]["calls"] == 1
    if api == "hub":
        assert (counted["auth_token_create"]["calls"], counted["auth_token_create"]["fixture_calls"]) == (0, 1)
    assert failed_requests(page) == []
    assert console_problems(page) == []
