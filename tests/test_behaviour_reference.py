"""The behaviour reference (docs/behaviour/) has an entry for every rule the code and the tests cite, and no
document cites the design notes that are not in the repository."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "behaviour"
FAMILIES = {"T": ("torrent.md", 74), "H": ("hub.md", 118), "A": ("admin.md", 12)}
RULE = re.compile(r"\b([THA])([1-9]\d{0,2})\b")  # T7, H65, A4; not T0 or T05 (times in test data)
TEST_NAME = re.compile(r"\btest_([tha])([1-9]\d{0,2})_")  # test_h65_… (also test_h16_h24_…: the first rule)
ABSENT_NOTES = re.compile(r"\b(?:admin|hub|torrent)-api" + r"\.md\b")


def anchors(name: str) -> set[str]:
    """Explicit anchors (``<a id="t7">``) and the ones GitHub makes of ``##`` headings."""
    text = (REFERENCE / name).read_text(encoding="utf-8")
    headings = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in re.findall(r"^#+ (.+)$", text, re.M)}
    return set(re.findall(r'<a id="([a-z0-9-]+)"></a>', text)) | headings


def cited_rules() -> dict[str, set[str]]:
    """Rule ids (``t7``) → the files citing them, from every Python file under mockserver/ and tests/."""
    cited: dict[str, set[str]] = {}
    for path in [*ROOT.glob("mockserver/**/*.py"), *ROOT.glob("tests/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        found = {f"{a.lower()}{n}" for a, n in RULE.findall(text)} | {f"{a}{n}" for a, n in TEST_NAME.findall(text)}
        for rule in found:
            cited.setdefault(rule, set()).add(str(path.relative_to(ROOT)))
    return cited


def test_every_cited_rule_has_an_entry():
    missing = {rule: sorted(files)[:3] for rule, files in cited_rules().items()
               if rule not in anchors(FAMILIES[rule[0].upper()][0])}
    assert not missing, f"rules cited without an entry in docs/behaviour/: {missing}"


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_rule_of_a_family_has_exactly_one_entry(family):
    name, last = FAMILIES[family]
    text = (REFERENCE / name).read_text(encoding="utf-8")
    for n in range(1, last + 1):
        rule = f"{family.lower()}{n}"
        assert text.count(f'<a id="{rule}"></a>') == 1, f"{name}#{rule}"
        assert re.search(rf'<a id="{rule}"></a>\s*\n?\*\*{family}{n} — ', text), f"{name}#{rule} has no heading"


def test_links_inside_the_reference_resolve():
    for page in REFERENCE.glob("*.md"):
        for target, anchor in re.findall(r"\]\(([a-z]+\.md)?#([a-z0-9-]+)\)", page.read_text(encoding="utf-8")):
            assert anchor in anchors(target or page.name), f"{page.name}: {target}#{anchor}"


def test_no_document_cites_the_absent_design_notes():
    texts = [*ROOT.glob("mockserver/**/*.py"), *ROOT.glob("tests/**/*.py"), *ROOT.glob("docs/**/*.md"),
             *ROOT.glob("contracts/*.py"), *ROOT.glob("contracts/*.md"), *ROOT.glob("benchmarks/*.py"),
             ROOT / "README.md"]
    citing = [str(p.relative_to(ROOT)) for p in texts if ABSENT_NOTES.search(p.read_text(encoding="utf-8"))]
    assert not citing, f"cite docs/behaviour/ instead: {citing}"


def test_the_readme_links_the_reference():
    assert "docs/behaviour/" in (ROOT / "README.md").read_text(encoding="utf-8")
