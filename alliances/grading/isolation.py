"""Which isolation this machine offers, and the file tree a sandboxed run may see (planning only).

Modes (see the instructor guide's safety section for what each one guarantees):

``root-ns``
    the grader runs as root: new mount, network, PID, IPC and UTS namespaces
    (``unshare``); submissions run as an unprivileged uid unique to the worker slot, with no
    capabilities.
``user-ns``
    the grader runs as an ordinary user: the same namespaces inside a new user namespace; the
    submission keeps uid 0 *inside* it (no other uid is mapped) but holds no capabilities, so it
    cannot remount, and every mount it can see outside its scratch space is read-only.
``weak``
    no namespaces: a separate, resource-limited process (as an unprivileged uid when the grader
    is root and Python is reachable by that uid; refused otherwise).
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import alliances

PACKAGE_DIR = Path(alliances.__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
HOME = "/home/student"
LIB_MOUNT = "/course/lib"
DATA_MOUNT = "/course/data"
SYSTEM_DIRS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc")
DEVICES = ("null", "zero", "full", "random", "urandom")
NAMESPACES = ("--mount", "--net", "--pid", "--ipc", "--uts", "--fork", "--kill-child")

_MODE_CACHE: dict[str, str] = {}


class SandboxError(RuntimeError):
    """The sandbox cannot be set up as requested (the message says why and what to do)."""


def unshare_path() -> str | None:
    return shutil.which("unshare") or ("/usr/bin/unshare" if os.path.exists("/usr/bin/unshare") else None)


def namespace_prefix(mode: str) -> list[str]:
    if mode == "root-ns":
        return [unshare_path(), *NAMESPACES, "--"]
    if mode == "user-ns":
        return [unshare_path(), "--user", "--map-root-user", *NAMESPACES, "--"]
    return []


def detect_mode() -> str:
    """The strongest isolation this machine offers to this user: root-ns, user-ns or weak."""
    if "mode" in _MODE_CACHE:
        return _MODE_CACHE["mode"]
    mode = "weak"
    if os.environ.get("ALLIANCES_SANDBOX_MODE") == "weak":  # for testing the weak mode where namespaces exist
        _MODE_CACHE["mode"] = mode
        return mode
    if sys.platform.startswith("linux") and unshare_path():
        candidate = "root-ns" if os.geteuid() == 0 else "user-ns"
        try:
            done = subprocess.run(namespace_prefix(candidate) + ["true"], capture_output=True, timeout=20)
            if done.returncode == 0:
                mode = candidate
        except (OSError, subprocess.TimeoutExpired):
            pass
    _MODE_CACHE["mode"] = mode
    return mode


def inside(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def python_paths() -> list[str]:
    """Every folder the interpreter and its packages load from (venv, base install, sys.path entries).

    The repository itself is left out: the sandbox imports the course from its own copy.
    """
    found = [sys.base_prefix, sys.prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable))]
    found += [p for p in site.getsitepackages()]
    found += [p for p in sys.path if p and os.path.isabs(p)]
    user_site = site.getusersitepackages()
    if site.ENABLE_USER_SITE and user_site in sys.path:
        found.append(user_site)
    out: list[str] = []
    repo = os.path.realpath(REPO_ROOT)
    for path in found:
        if not os.path.isdir(path):
            continue
        real = os.path.realpath(path)
        if real == repo or inside(real, os.path.realpath(PACKAGE_DIR)) or real == os.path.realpath(os.getcwd()):
            continue
        if real not in out:
            out.append(real)
    return out


def import_paths() -> list[str]:
    """The ``sys.path`` entries a run appends after its own copy of the course (packages such as IPython)."""
    keep = set(python_paths())
    out = []
    for path in sys.path:
        real = os.path.realpath(path) if path else ""
        if real in keep and real not in out:
            out.append(real)
    return out


def is_installation(path: str) -> bool:
    """A folder of installed packages or a virtual environment (never a source folder such as tests/)."""
    return ("/site-packages" in path or "/dist-packages" in path
            or os.path.exists(os.path.join(path, "pyvenv.cfg")))


def plan_binds(secrets: list[str], data_dir: str | None) -> list[dict]:
    """The read-only binds of a namespaced run; SandboxError if one would expose a secret path."""
    binds: list[dict] = []
    exposed: list[str] = []

    def expose(src: str, dst: str | None, what: str) -> None:
        real = os.path.realpath(src)
        for secret in secrets:
            if inside(secret, real):
                raise SandboxError(
                    f"cannot isolate: {secret} lies inside {real} ({what}), which the sandbox must "
                    "expose read-only; move the course files or the Python installation elsewhere")
        if any(inside(real, done) for done in exposed):
            return
        exposed.append(real)
        binds.append({"src": real, "dst": dst or real, "kind": "dir"})

    for top in SYSTEM_DIRS:
        path = "/" + top
        if os.path.islink(path):
            binds.append({"src": path, "dst": path, "kind": "symlink", "target": os.readlink(path)})
        elif os.path.isdir(path):
            expose(path, None, "system folder")
    essential = {os.path.realpath(p) for p in [sys.prefix, sys.base_prefix, *site.getsitepackages()]}
    for path in sorted(python_paths(), key=len):
        hidden_in = next((secret for secret in secrets if inside(path, secret)), None)
        if hidden_in is None or path in essential or is_installation(path):
            # A bind exposes only the folder itself (its parents are empty mount points in the sandbox's
            # own root), so a virtual environment inside the repository, such as CI's .venv, can be
            # exposed without exposing the repository; expose() still refuses a folder holding a secret.
            expose(path, None, "Python installation")
        # other sys.path entries inside a secret folder (a test folder, the repository) are simply not exposed
    if data_dir:
        expose(data_dir, DATA_MOUNT, "course data")
    for name in DEVICES:
        if os.path.exists("/dev/" + name):
            binds.append({"src": "/dev/" + name, "dst": "/dev/" + name, "kind": "device"})
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        binds.append({"src": "", "dst": "/dev/" + name, "kind": "symlink", "target": target})
    return binds


def reachable_by_others(paths: list[str]) -> str | None:
    """The first folder on the way to ``paths`` that an unprivileged uid cannot enter, or None."""
    for path in paths:
        parts = Path(os.path.realpath(path)).parts
        for i in range(1, len(parts) + 1):
            folder = os.path.join(*parts[:i])
            try:
                if not os.stat(folder).st_mode & 0o001:
                    return folder
            except OSError:
                return folder
    return None
