"""Fixtures shared by the test modules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from alliances import data as D

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of ``data/`` that the loader reads instead (``ALLIANCES_DATA_DIR``), for damaging on purpose."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    monkeypatch.setenv("ALLIANCES_DATA_DIR", str(copy))
    D.clear_cache()
    yield copy
    D.clear_cache()
