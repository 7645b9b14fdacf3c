"""The one rule of dependencies (setup.cfg [importlinter]) is enforced: lint-imports passes on the package as it
is and fails on a copy with a planted upward import (the engine importing a dialect)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """The package and its contracts in a scratch directory."""
    scratch = tmp_path_factory.mktemp("architecture")
    shutil.copytree(ROOT / "mockserver", scratch / "mockserver",
                    ignore=shutil.ignore_patterns("__pycache__", "openapi", "seed_data"))
    shutil.copy(ROOT / "setup.cfg", scratch / "setup.cfg")
    return scratch


def lint_imports(directory: Path) -> subprocess.CompletedProcess:
    """lint-imports on the package in ``directory`` (first on the path, ahead of the installed one)."""
    env = {**os.environ, "PYTHONPATH": str(directory)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=directory, env=env, capture_output=True,
                          text=True, timeout=300)


def test_the_package_keeps_every_import_contract(copy):
    result = lint_imports(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_engine_module_importing_a_dialect_breaks_the_layers(copy, tmp_path):
    planted = tmp_path / "planted"
    shutil.copytree(copy, planted)
    (planted / "mockserver" / "engine" / "upward.py").write_text(
        '"""A planted violation: the engine may not know the dialects."""\nimport mockserver.dialects.tastypie\n')
    result = lint_imports(planted)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Layers: products -> dialects -> engine" in result.stdout
    assert "mockserver.engine.upward -> mockserver.dialects.tastypie" in result.stdout


@pytest.mark.parametrize("package", ["dialects.drf", "dialects.tastypie", "engine", "hub", "torrent"])
def test_sans_io_only_the_dialects_adapters_import_flask_or_werkzeug(copy, tmp_path, package):
    planted = tmp_path / "planted"
    shutil.copytree(copy, planted)
    (planted / "mockserver" / Path(*package.split(".")) / "planted.py").write_text(
        '"""A planted violation: only the adapter may see WSGI."""\nfrom werkzeug.datastructures import MultiDict\n')
    result = lint_imports(planted)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Sans-IO: no Flask or werkzeug" in result.stdout
    assert f"mockserver.{package}.planted -> werkzeug (l.2)" in result.stdout
