"""The committed contracts and seed files are exactly what their generators produce from the sources."""
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("script", ["contracts/build.py", "seed_data/generate.py"])
def test_committed_outputs_are_up_to_date(script):
    result = subprocess.run([sys.executable, script, "--check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_contract_build_check_notices_a_stale_file(tmp_path, monkeypatch):
    build = runpy.run_path(str(ROOT / "contracts" / "build.py"))
    stale = tmp_path / "contracts" / "openapi" / "torrent.yaml"
    stale.parent.mkdir(parents=True)
    stale.write_text("openapi: 3.0.3\n")
    (tmp_path / "contracts" / "source").symlink_to(ROOT / "contracts" / "source")
    main = build["main"]
    monkeypatch.setitem(main.__globals__, "ROOT", tmp_path)
    assert main(["--check"]) == 1


def test_vendor_sources_are_the_shipped_references():
    names = sorted(p.name for p in (ROOT / "contracts" / "source").glob("*.txt"))
    assert names == ["000_2b63b87341161ac3.txt", "001_de9a517752581b83.txt", "002_edbe7ef42c37b916.txt",
                     "003_cbc2723944dd96d0.txt", "004_40868736aa81a277.txt"]
