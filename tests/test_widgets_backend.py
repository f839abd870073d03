"""A student's own plots still show after a chapter's imports (issue 9.19, 16.1).

Course figures are drawn on ``matplotlib.figure.Figure`` with the Agg canvas and never select a
backend. The test runs the imports in a real IPython kernel, in both orders relative to
``import matplotlib.pyplot``, then a student's ``plt.plot(...); plt.show()``, and asserts that the
plot arrives as an ``image/png`` display; if importing the course switched the backend to Agg,
``plt.show()`` would display nothing.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
from pathlib import Path

import pytest

jupyter_client = pytest.importorskip("jupyter_client")

ROOT = Path(__file__).resolve().parent.parent
COURSE_IMPORT = "from alliances.widgets.negotiation import *\nfrom alliances.widgets.network import alliance_network"
PYPLOT_IMPORT = "import matplotlib.pyplot as plt"
STUDENT_PLOT = "plt.plot([1, 2]); plt.show()"


@pytest.fixture(scope="module")
def kernel():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), env.get("PATH", "")))
    env.pop("MPLBACKEND", None)
    manager = jupyter_client.KernelManager(kernel_name="python3")
    manager.start_kernel(env=env, cwd=str(ROOT))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        yield manager, client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _run(client, code: str, timeout: float = 60) -> list[dict]:
    """Execute ``code``; return its iopub messages, failing on an error reply."""
    msg_id = client.execute(code)
    messages = []
    while True:
        try:
            msg = client.get_iopub_msg(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"kernel gave no output for {timeout} s while running {code!r}")
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        if msg["msg_type"] == "error":
            pytest.fail(f"{code!r} raised {msg['content']['ename']}: {msg['content']['evalue']}")
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return messages


def _restart(manager, client):
    manager.restart_kernel(now=True)
    client.wait_for_ready(timeout=60)


@pytest.mark.parametrize("order", [(COURSE_IMPORT, PYPLOT_IMPORT), (PYPLOT_IMPORT, COURSE_IMPORT)],
                         ids=["course-then-pyplot", "pyplot-then-course"])
def test_students_own_plot_is_displayed_after_course_imports(kernel, order):
    manager, client = kernel
    _restart(manager, client)
    for code in order:
        _run(client, code)
    backend = _run(client, "import matplotlib; print(matplotlib.get_backend())")
    printed = "".join(m["content"].get("text", "") for m in backend if m["msg_type"] == "stream")
    assert "agg" != printed.strip().lower(), "importing the course switched matplotlib to Agg"
    shown = _run(client, STUDENT_PLOT)
    images = [m for m in shown if m["msg_type"] == "display_data" and "image/png" in m["content"]["data"]]
    assert images, f"plt.show() displayed no image; messages: {[m['msg_type'] for m in shown]}"


def test_importing_the_course_leaves_pyplot_alone():
    """In a plain interpreter: no pyplot import, no backend chosen, no figure registered."""
    code = (
        "import importlib, pkgutil, sys, matplotlib, alliances.widgets as pkg\n"
        "for info in pkgutil.iter_modules(pkg.__path__):\n"
        "    importlib.import_module(f'alliances.widgets.{info.name}')\n"
        "from alliances.widgets.negotiation import bargaining_explorer\n"
        "bargaining_explorer()\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'a course module imported pyplot'\n"
        "assert matplotlib.rcParams._get_backend_or_none() is None, matplotlib.rcParams._get_backend_or_none()\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("MPLBACKEND", None)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
