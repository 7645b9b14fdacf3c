"""The type rules (setup.cfg [mypy]) are the ones `tox -e lint` and .ci/run enforce: strict on the engine, the
store and its file, the contract and the dialects (every def annotated, no Any returned as a typed value); the
rest of the package checked inside unannotated defs too. Checked on a scratch package of planted modules with the
project's own configuration, so the test takes seconds, not a whole-package run."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MYPY = Path(sys.executable).with_name("mypy")

STRICT = ["mockserver.engine.planted", "mockserver.store", "mockserver.persistence", "mockserver.contract",
          "mockserver.dialects.tastypie.planted", "mockserver.dialects.drf.planted"]
LAX = "mockserver.hub.planted"  # a product: unannotated defs allowed, their bodies still checked

UNTYPED = '''"""Planted: a def without annotations, and a typed one returning Any."""
import json


def untyped(value):
    return value


def typed(text: str) -> dict[str, int]:
    return json.loads(text)
'''

WRONG_BODY = '''"""Planted: an unannotated def whose body is wrong."""


def untyped(value):
    return len(value) + "s"
'''


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> str:
    scratch = tmp_path_factory.mktemp("typing")
    shutil.copy(ROOT / "setup.cfg", scratch / "setup.cfg")
    for module in [*STRICT, LAX]:
        path = scratch.joinpath(*module.split(".")).with_suffix(".py")
        for package in reversed(path.relative_to(scratch).parents):
            if package != Path("."):
                (scratch / package).mkdir(exist_ok=True)
                (scratch / package / "__init__.py").touch()
        path.write_text(WRONG_BODY if module == LAX else UNTYPED)
    result = subprocess.run([str(MYPY), "--no-incremental"], cwd=scratch, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout


@pytest.mark.parametrize("module", STRICT)
def test_the_core_modules_are_strict(report, module):
    path = module.replace(".", "/") + ".py"
    assert f"{path}:5: error: Function is missing a type annotation  [no-untyped-def]" in report, report
    assert f'{path}:10: error: Returning Any from function declared to return "dict[str, int]"' in report, report


def test_the_rest_of_the_package_is_checked_inside_unannotated_defs(report):
    path = LAX.replace(".", "/") + ".py"
    assert f"{path}:5: error: Unsupported operand types for +" in report, report
    assert f"{path}:4: error: Function is missing" not in report, report
