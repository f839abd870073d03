"""JupyterLab in a real browser for the tests: a private server on a loopback port and page helpers.

The server runs in its own process group with private config, settings, workspace and runtime
directories (no news, no update checks, every cell kept in the page), so a test sees a fresh
JupyterLab and never touches the developer's own. Pages may only reach the loopback server.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}

# JupyterLab user settings: no news or update checks (no outside requests, no toast over the
# notebook) and no windowing, so every cell of a long notebook is in the page to be found.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}

# The kernel is idle and either every code cell has a numbered prompt (none queued "[*]" or never
# run "[ ]"), or nothing is queued and an error stopped the run (Run All stops at an error).
ALL_RUN_JS = """() => {
  const panel = '.jp-NotebookPanel:not(.lm-mod-hidden) ';
  const prompts = [...document.querySelectorAll(panel + '.jp-CodeCell .jp-InputPrompt')];
  const idle = document.querySelector(panel + '.jp-Notebook-ExecutionIndicator[data-status="idle"]');
  if (idle === null || prompts.length === 0) return false;
  if (prompts.every(p => /\\[\\d+\\]/.test(p.textContent))) return true;
  const queued = prompts.some(p => p.textContent.includes('*'));
  const failed = [...document.querySelectorAll(panel + '[data-mime-type="application/vnd.jupyter.stderr"]')]
    .some(o => o.innerText.includes('Traceback'));
  return !queued && failed;
}"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _write_settings(folder: Path) -> None:
    for name, values in LAB_SETTINGS.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@contextmanager
def jupyterlab(root_dir: Path, home: Path, pythonpath: Path, timeout: float = 120.0):
    """Run ``jupyter lab`` serving ``root_dir`` on a free loopback port; yield (base_url, token, log_path).

    The whole process group (server and kernels) is stopped on exit, whatever happened.
    """
    token = os.urandom(16).hex()
    port = free_port()
    for sub in ("config", "data", "runtime", "settings", "workspaces", "ipython"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    _write_settings(home / "settings")
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(pythonpath), os.environ.get("PYTHONPATH", "")])),
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        IPYTHONDIR=str(home / "ipython"),
        MPLCONFIGDIR=str(home / "config"),
    )
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser",
        f"--ServerApp.token={token}", f"--port={port}", "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={root_dir}", "--ServerApp.open_browser=False",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log_path = home / "jupyterlab.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   cwd=root_dir, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not _answers(f"{base}/api/status?token={token}"):
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield base, token, log_path
    finally:
        _stop_group(process)


def _start_time(pid: int) -> str | None:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _descendants(pid: int) -> list[tuple[int, str]]:
    """(id, start time) of the processes started, directly or not, by ``pid`` (kernels run in their own session)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append((child, _start_time(child)))
            todo.append(child)
    return found


def _stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the server's process group (it shuts its kernels down), then SIGKILL what is left."""
    kernels = _descendants(process.pid)
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)
    for pid, started in kernels:
        if started is None or _start_time(pid) != started:
            continue  # gone (the id may now belong to another process)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def block_outside_requests(context) -> list[str]:
    """Abort every request to a host other than loopback; return the list of blocked URLs."""
    blocked: list[str] = []

    def route(request_route):
        url = request_route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOOPBACK:
            blocked.append(url)
            request_route.abort()
        else:
            request_route.continue_()

    context.route("**/*", route)
    return blocked


def _kernel_idle_on_server(base: str, token: str, path: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=5) as response:
            sessions = json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return False
    return any(s.get("path") == path and (s.get("kernel") or {}).get("execution_state") == "idle" for s in sessions)


STATUS_IDLE_JS = """() => {
  const bar = document.querySelector('#jp-main-statusbar');
  return bar !== null && /\\|\\s*Idle/.test(bar.innerText);
}"""


def open_notebook(page, base: str, token: str, path: str, workspace: str, timeout: float = 180.0) -> None:
    """Open ``path`` in its own JupyterLab workspace; wait until its kernel is idle, on the server and in the page."""
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{path}?token={token}", timeout=timeout * 1000)
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    while not _kernel_idle_on_server(base, token, path):
        _accept_kernel_dialog(page)
        if time.monotonic() > deadline:
            raise AssertionError(f"the kernel of {path} was not idle within {timeout:.0f} s")
        page.wait_for_timeout(250)
    page.wait_for_function(STATUS_IDLE_JS, timeout=timeout * 1000, polling=250)


def _accept_kernel_dialog(page) -> None:
    """Accept JupyterLab's "Select Kernel" dialog (the notebook's own kernel) if it is shown."""
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    if dialog.count():
        dialog.locator(".jp-mod-accept").first.click()


def run_all(page, timeout: float = 240.0) -> None:
    """Run > Run All Cells from the menu, then wait until every code cell has run and the kernel is idle."""
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator(".lm-Menu-item .lm-Menu-itemLabel", has_text="Run All Cells").filter(
        has_not_text="Restart").first.click()
    deadline = time.monotonic() + timeout
    while not page.evaluate(ALL_RUN_JS):
        _accept_kernel_dialog(page)
        if time.monotonic() > deadline:
            raise AssertionError(f"the notebook did not finish running within {timeout:.0f} s")
        page.wait_for_timeout(250)


def code_cell(page, text: str):
    """The code cell whose source contains ``text``."""
    return page.locator(".jp-NotebookPanel .jp-CodeCell").filter(
        has=page.locator(".jp-InputArea-editor", has_text=text))


def replace_source(page, cell, text: str) -> None:
    """Type ``text`` into the cell's editor in place of its source, as a student would."""
    cell.locator(".cm-content").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.type(text)
    page.keyboard.press("Escape")


def tracebacks(page) -> list[str]:
    """The text of every error shown in the notebook (JupyterLab renders an error as a stderr traceback)."""
    stderr = page.locator(".jp-NotebookPanel .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    return [text for text in stderr.all_inner_texts() if "Traceback" in text]


def image_bytes(img) -> str:
    """The base64 bytes behind an ``<img>`` (blob or data URL), read in the page."""
    return img.evaluate("""async (el) => {
      const data = await (await fetch(el.src)).arrayBuffer();
      let s = ''; for (const b of new Uint8Array(data)) s += String.fromCharCode(b);
      return btoa(s);
    }""")
