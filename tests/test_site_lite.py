"""The JupyterLite site, offline: the course wheel works as installed, and the built lite site holds
every chapter (with its install cell), the wheel in its package index, and a Live button per chapter."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from alliances.site.lite import INSTALL_CELL, build_wheel
from alliances.site.toc import chapters
from tests.site_build import ROOT, build_site


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_wheel_holds_the_package_the_data_and_the_selfchecks_with_a_valid_record(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert {"alliances/__init__.py", "alliances/data.py", "alliances/widgets/base.py", "data/datapackage.json"} <= names
        for quiz in (ROOT / "book" / "selfcheck").glob("*.yml"):
            assert f"book/selfcheck/{quiz.name}" in names
        for csv in (ROOT / "data").glob("*.csv"):
            assert f"data/{csv.name}" in names
        dist_info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(f"{dist_info}/METADATA").decode()
        assert "Name: alliances-course" in metadata and "Requires-Dist: jupyterquiz" in metadata
        record = archive.read(f"{dist_info}/RECORD").decode().splitlines()
        assert len(record) == len(names)
        for line in record:
            name, digest, size = line.split(",")
            if name.endswith("RECORD"):
                continue
            data = archive.read(name)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert digest == f"sha256={expected}" and int(size) == len(data), name


def test_installed_wheel_finds_its_data_and_selfchecks_without_any_setting(wheel, tmp_path):
    site = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)  # what an installer does with a pure-Python wheel
    code = ("import alliances.data as d, alliances.selfcheck as s; "
            "print(len(d.load('alliances')), len(s.load_questions('ch01')), d.DATA_DIR)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120,
                            env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr[-2000:]
    rows, questions, data_dir = result.stdout.split()
    assert int(rows) > 0 and int(questions) > 0
    assert Path(data_dir) == site / "data"


@pytest.mark.slow
def test_built_lite_site_has_every_chapter_the_wheel_and_a_live_button():
    html, _ = build_site()
    lite = html / "lite"
    assert (lite / "lab" / "index.html").is_file() and (lite / "jupyter-lite.json").is_file()
    index = json.loads((lite / "pypi" / "all.json").read_text())
    assert "alliances-course" in index
    wheels = [r["filename"] for r in index["alliances-course"]["releases"]["0.1.0"]]
    assert wheels and all((lite / "pypi" / w).is_file() for w in wheels)
    names = chapters(ROOT)
    assert names
    for name in names:
        notebook = json.loads((lite / "files" / f"{name}.ipynb").read_text())
        first = "".join(notebook["cells"][0]["source"])
        assert first == INSTALL_CELL, f"{name}: the lite copy does not start by installing the course"
        source = json.loads((ROOT / f"{name}.ipynb").read_text())
        kept = [c for c in source["cells"] if "colab-setup" not in c.get("metadata", {}).get("tags", [])]
        assert len(notebook["cells"]) == len(kept) + 1, f"{name}: one install cell, in place of any Colab set-up cell"
        page = (html / f"{name}.html").read_text()
        assert f"lite/lab/index.html?path={name}.ipynb" in page, f"{name}: no Live button"
        assert "Pyodide" in page, f"{name}: the page does not say where Python comes from"
