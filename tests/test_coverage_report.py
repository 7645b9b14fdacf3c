"""mockserver.coverage_report: several mocks' coverage merged into one report, written by the file's suffix."""
from __future__ import annotations

import pytest

from mockserver.coverage_report import merge, write


def part(calls: int, fixture_calls: int, seen: list[str], not_seen: list[str], unmatched: int = 0) -> dict:
    return {"apis": {"hub": {
        "operations": [
            {"operation_id": "sites_list", "method": "GET", "path": "/api/sites/", "calls": calls,
             "fixture_calls": 0, "statuses_seen": seen, "statuses_not_seen": not_seen},
            {"operation_id": "auth_token_create", "method": "POST", "path": "/api/auth/token/", "calls": 0,
             "fixture_calls": fixture_calls, "statuses_seen": [], "statuses_not_seen": ["200", "400"]}],
        "unmatched": [{"method": "GET", "path": "/api/nope/", "calls": unmatched, "fixture_calls": 0}]
        if unmatched else [],
        "unmatched_unlisted_calls": 0}}}


def test_merged_calls_add_up_and_a_status_seen_by_any_mock_is_seen():
    merged = merge([part(2, 1, ["200"], ["401", "404"]), part(1, 2, ["404"], ["200", "401"], unmatched=3),
                    part(0, 0, [], ["200", "401", "404"], unmatched=1)])
    sites, login = merged["apis"]["hub"]["operations"]
    assert (sites["calls"], sites["statuses_seen"], sites["statuses_not_seen"]) == (3, ["200", "404"], ["401"])
    assert (login["calls"], login["fixture_calls"], login["statuses_not_seen"]) == (0, 3, ["200", "400"])
    assert merged["apis"]["hub"]["unmatched"] == [{"method": "GET", "path": "/api/nope/", "calls": 4,
                                                   "fixture_calls": 0}]
    assert merged["apis"]["hub"]["unmatched_unlisted_calls"] == 0


def test_merging_nothing_is_a_report_of_no_api():
    assert merge([]) == {"apis": {}}


@pytest.mark.parametrize("name", ["cov.txt", "cov", "cov.md.bak"])
def test_a_report_file_of_another_kind_is_refused_naming_the_choices(tmp_path, name):
    with pytest.raises(ValueError, match=r"a coverage report is \.md, \.json, \.html, not "):
        write(tmp_path / name, merge([]))
    assert not (tmp_path / name).exists()


def test_a_session_that_never_used_the_mock_says_so(tmp_path):
    write(tmp_path / "cov.md", merge([]))
    assert "No test used the mock." in (tmp_path / "cov.md").read_text(encoding="utf-8")
