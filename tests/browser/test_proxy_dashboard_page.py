"""The proxy's admin plane shows the dashboard (issue 16): journal, fault rules and routes work as on the mock; the
clock, snapshot and coverage panels, which a proxy has no data for, hide after one 404 each and are not asked again."""
from __future__ import annotations

import requests
from browser_support import console_problems, rows, wait_for

from mockserver.config import Settings
from mockserver.proxy.server import ProxyServer
from mockserver.proxy.settings import ProxySettings
from mockserver.server import MockServer


def test_the_proxy_serves_the_dashboard_with_the_panels_that_apply(page):
    with MockServer(Settings(port=0, apis=("torrent",))) as upstream:
        with ProxyServer(ProxySettings("torrent", upstream.url, port=0), printer=lambda line: None) as proxy:
            assert requests.get(proxy.url + "/rundb/api/v1/message/", auth=("ionadmin", "ionadmin"),
                                timeout=10).status_code == 200
            page.get(proxy.url + "/__mock__/")
            wait_for(page, lambda d: [r.text for r in rows(d, "#journal tbody tr")], message="the journal shows")
            assert "/rundb/api/v1/message/" in rows(page, "#journal tbody tr")[0].text
            assert len(rows(page, "#routes tbody tr")) > 40
            for panel in ("clock-panel", "state-panel", "coverage-panel", "timeline-panel"):
                assert not page.find_element("id", panel).is_displayed(), panel
            assert page.find_element("id", "faults-panel").is_displayed()
            page.execute_script("performance.clearResourceTimings()")
            wait_for(page, lambda d: d.execute_script(  # a few polls later: the absent endpoints are not asked again
                "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('/faults')).length")
                >= 2, message="two more polls")
            asked = page.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
            assert not [url for url in asked if url.endswith(("/clock", "/snapshots", "/coverage"))], asked
            problems = [e["message"] for e in console_problems(page)]
            assert all("404" in message and message.split()[0].endswith(("/clock", "/snapshots", "/coverage"))
                       for message in problems), problems
