"""docs/scenarios.md: every worked example runs as written, with the pytest plugin (pytester)."""
import re
from pathlib import Path

pytest_plugins = ["pytester"]

DOC = Path(__file__).resolve().parent.parent / "docs" / "scenarios.md"


def test_the_worked_examples_of_docs_scenarios_pass(pytester):
    examples = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(examples) == 4  # one per kind
    pytester.makepyfile(test_scenarios_doc="\n\n".join(examples))
    result = pytester.runpytest_inprocess("-p", "no:randomly", "--mockserver-apis", "hub")
    result.assert_outcomes(passed=4)
