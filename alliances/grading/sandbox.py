"""Run one submission in a fresh, isolated, resource-limited process (the trusted side).

Isolation levels, chosen once per :class:`Sandbox` (see :func:`detect_mode`):

``root-ns`` (Linux, run as root)
    ``unshare --mount --net --pid --fork --kill-child``; inside, the runner builds a new root
    (tmpfs) holding only read-only binds of the system directories, the Python installation, a
    copy of the ``alliances`` package and ``data/``, plus a private tmpfs home with the
    submission; it pivots into it, detaches the old root, and drops to an unprivileged uid/gid
    unique to the worker slot (61000 + slot). The instructor's sources, the repository, other
    submissions and the output folder are simply not in that file tree. No network interface is up.
``user-ns`` (Linux, not root, user namespaces available)
    The same, inside ``unshare --user --map-root-user``; the run keeps the invoking user's real
    uid outside the namespace (there is no other uid to drop to).
``weak`` (macOS, Windows, or Linux without namespaces)
    A fresh process in its own session with resource limits (POSIX) and a timeout, but the
    submission runs as an ordinary process that CAN read any file the grader's user can read.
    Only used with ``allow_weak=True`` (``--allow-weak-sandbox``).

In every mode the wall-clock timeout kills the whole process group (and, with a PID namespace,
everything in it), output is read through a pipe with a byte cap, and answers come back as plain
JSON over a pipe the parent created; the parent judges them (see :mod:`alliances.grading.grade`).
"""

from __future__ import annotations

import compileall
import json
import math
import os
import selectors
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import alliances

PACKAGE_DIR = Path(alliances.__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
HOME = "/home/student"
LIB_MOUNT = "/course/lib"
DATA_MOUNT = "/course/data"
SYSTEM_DIRS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc")
DEVICES = ("null", "zero", "full", "random", "urandom")
BASE_UID = 61000


class SandboxError(RuntimeError):
    """The sandbox cannot be set up as requested (the message says why and what to do)."""


@dataclass
class Limits:
    timeout: float = 60.0                # seconds of wall-clock time for the notebook's cells
    memory: int = 2 * 1024 ** 3          # RLIMIT_AS, bytes (IPython + pandas + matplotlib peak at ~0.3 GiB)
    file_size: int = 50 * 1024 ** 2      # RLIMIT_FSIZE, bytes per file written
    processes: int = 64                  # RLIMIT_NPROC (per sandbox uid)
    open_files: int = 256                # RLIMIT_NOFILE
    home_size: str = "128m"              # size of the private tmpfs home (namespaced modes)
    output_cap: int = 4 * 1024 ** 2      # bytes of stdout+stderr before the run is killed
    answers_cap: int = 1024 ** 2         # bytes of JSON answers per frame
    grace: float = 5.0                   # extra seconds for interpreter start-up before the hard kill


@dataclass
class RunOutcome:
    """What came back from one sandboxed run (all of it is a claim by untrusted code but the status)."""

    status: str                          # finished, timed out, crashed
    reason: str = ""
    answers: dict = field(default_factory=dict)
    cell_errors: list = field(default_factory=list)   # [(cell index among code cells, error name)]
    cells_run: int = 0
    cells: int = 0
    output_tail: str = ""
    returncode: int | None = None
    duration: float = 0.0


_MODE_CACHE: dict[str, str] = {}


def _unshare() -> str | None:
    return shutil.which("unshare") or ("/usr/bin/unshare" if os.path.exists("/usr/bin/unshare") else None)


def namespace_prefix(mode: str) -> list[str]:
    unshare = _unshare()
    if mode == "root-ns":
        return [unshare, "--mount", "--net", "--pid", "--fork", "--kill-child", "--"]
    if mode == "user-ns":
        return [unshare, "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork", "--kill-child", "--"]
    return []


def detect_mode() -> str:
    """The strongest isolation this machine offers: root-ns, user-ns or weak."""
    if "mode" in _MODE_CACHE:
        return _MODE_CACHE["mode"]
    mode = "weak"
    if sys.platform.startswith("linux") and _unshare():
        candidates = ["root-ns"] if os.geteuid() == 0 else ["user-ns"]
        for candidate in candidates:
            try:
                done = subprocess.run(namespace_prefix(candidate) + ["true"], capture_output=True, timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                continue
            if done.returncode == 0:
                mode = candidate
                break
    _MODE_CACHE["mode"] = mode
    return mode


def _inside(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def _matplotlib_fontlist() -> tuple[str, str] | None:
    """The grader's matplotlib font cache, copied into each sandbox so runs do not rebuild it."""
    candidates = [os.environ.get("MPLCONFIGDIR", "")]
    home = Path.home()
    candidates += [str(home / ".cache" / "matplotlib"), str(home / ".matplotlib"), str(home / ".config" / "matplotlib")]
    for folder in candidates:
        if folder and os.path.isdir(folder):
            found = sorted(Path(folder).glob("fontlist-v*.json"))
            if found:
                try:
                    return found[-1].name, found[-1].read_text(encoding="utf-8")
                except OSError:
                    continue
    return None


def _user_process_count(uid: int) -> int:
    count = 0
    try:
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    if entry.stat().st_uid == uid:
                        count += 1
                except OSError:
                    pass
    except OSError:
        return 0
    return count


class Sandbox:
    """Runs submissions, one fresh process each. Use as a context manager (it owns a temp folder).

    ``secrets`` are the paths a submission must never read (the instructor's exercises folder,
    the repository, the submissions folder, the output folder): they are checked to lie outside
    everything the sandbox exposes, and the isolation is verified once by a probe run.
    """

    def __init__(self, secrets: list[str | Path], data_dir: str | Path | None = None,
                 limits: Limits | None = None, allow_weak: bool = False, mode: str | None = None) -> None:
        self.limits = limits or Limits()
        self.secrets = sorted({os.path.realpath(p) for p in list(secrets) + [REPO_ROOT]})
        self.mode = mode or detect_mode()
        self.allow_weak = allow_weak
        if data_dir is None:
            data_dir = os.environ.get("ALLIANCES_DATA_DIR") or (REPO_ROOT / "data")
        self.data_dir = os.path.realpath(data_dir) if os.path.isdir(data_dir) else None
        self.base = tempfile.mkdtemp(prefix="alliances-sandbox-")
        self._counter = 0
        self.stopping = False
        self._lock = threading.Lock()
        self._active: set[subprocess.Popen] = set()
        self.warning = ""
        try:
            self._make_lib()
            self.fontlist = _matplotlib_fontlist()
            if self.mode != "weak":
                self.binds = self._plan_binds()
                problem = self._probe()
                if problem:
                    self.warning = f"namespace isolation ({self.mode}) failed its check: {problem}"
                    self.mode = "weak"
            if self.mode == "weak":
                if not self.warning:
                    self.warning = ("no namespace isolation on this machine (needs Linux with unshare, as root "
                                    "or with user namespaces enabled)")
                self.warning += ("; submissions run as ordinary processes and MAY READ the solution notebooks "
                                 "and any other file this user can read")
                if not allow_weak:
                    raise SandboxError(self.warning + ". Grade on Linux (or in a Linux VM/container that "
                                       "allows namespaces), or pass --allow-weak-sandbox to accept this.")
                warnings.warn(self.warning, RuntimeWarning, stacklevel=2)
                os.chmod(self.base, 0o711)
        except BaseException:
            self.close()
            raise

    # -- set-up -------------------------------------------------------------------------------

    def _make_lib(self) -> None:
        lib = Path(self.base) / "lib"
        shutil.copytree(PACKAGE_DIR, lib / "alliances",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".*"))
        compileall.compile_dir(str(lib), quiet=2)
        for folder, dirs, files in os.walk(lib):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o644)
        os.chmod(lib, 0o755)

    def _python_dirs(self) -> list[str]:
        dirs = [sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable))]
        dirs += [p for p in site.getsitepackages() if os.path.isdir(p)]
        user_site = site.getusersitepackages()
        if site.ENABLE_USER_SITE and os.path.isdir(user_site) and user_site in sys.path:
            dirs.append(user_site)
        return dirs

    def site_packages(self) -> list[str]:
        out = [p for p in site.getsitepackages() if os.path.isdir(p)]
        user_site = site.getusersitepackages()
        if site.ENABLE_USER_SITE and os.path.isdir(user_site) and user_site in sys.path:
            out.append(user_site)
        return out

    def _plan_binds(self) -> list[dict]:
        binds: list[dict] = []
        exposed: list[str] = []

        def expose(src: str, dst: str, what: str) -> None:
            real = os.path.realpath(src)
            for secret in self.secrets:
                if _inside(secret, real):
                    raise SandboxError(
                        f"cannot isolate: {secret} lies inside {real} ({what}), which the sandbox must "
                        "expose read-only; move the course files or the Python installation elsewhere")
            if any(_inside(real, done) for done in exposed):
                return
            exposed.append(real)
            binds.append({"src": real, "dst": dst, "kind": "dir"})

        for top in SYSTEM_DIRS:
            path = "/" + top
            if os.path.islink(path):
                binds.append({"src": path, "dst": path, "kind": "symlink", "target": os.readlink(path)})
            elif os.path.isdir(path):
                expose(path, path, "system folder")
        for path in self._python_dirs():
            path = os.path.abspath(path)
            if os.path.isdir(path) and not any(_inside(os.path.realpath(path), d) for d in exposed):
                expose(path, path, "Python installation")
        binds.append({"src": str(Path(self.base) / "lib"), "dst": LIB_MOUNT, "kind": "dir"})
        if self.data_dir:
            expose(self.data_dir, DATA_MOUNT, "course data")
        for name in DEVICES:
            if os.path.exists("/dev/" + name):
                binds.append({"src": "/dev/" + name, "dst": "/dev/" + name, "kind": "device"})
        for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                             ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
            binds.append({"src": "", "dst": "/dev/" + name, "kind": "symlink", "target": target})
        return binds

    def _probe(self) -> str:
        """Run the runner once without a submission and check what it can see; '' if all is well."""
        outcome, frames = self._spawn(slot=0, cells=[], names=[], notebook_text="", probe=True)
        probe = next((f for f in frames if f.get("type") == "probe"), None)
        if probe is None:
            return f"the probe run failed ({outcome.reason}): {outcome.output_tail[-500:]}"
        if probe.get("visible"):
            return f"the sandbox could see {probe['visible']}"
        if probe.get("network") != "unreachable":
            return "the sandbox could reach the network"
        if not str(probe.get("plain", "")).startswith(LIB_MOUNT):
            return f"the sandbox imported alliances from {probe.get('plain')} instead of its own copy"
        return ""

    # -- running ------------------------------------------------------------------------------

    def uid_for(self, slot: int) -> int | None:
        return BASE_UID + slot if os.geteuid() == 0 and self.mode != "user-ns" else None

    def _weak_can_drop(self) -> bool:
        # the unprivileged uid must be able to reach the interpreter and the package copy
        for path in [sys.base_prefix, sys.prefix, self.base]:
            parts = Path(os.path.realpath(path)).parts
            for i in range(1, len(parts) + 1):
                try:
                    if not os.stat(os.path.join(*parts[:i])).st_mode & 0o001:
                        return False
                except OSError:
                    return False
        return True

    def _config(self, slot: int, run_dir: str, cells, names, notebook_text, probe) -> tuple[dict, dict]:
        limits = self.limits
        uid = self.uid_for(slot)
        namespaced = self.mode != "weak"
        if not namespaced and uid is not None and not self._weak_can_drop():
            uid = None
        home = HOME if namespaced else run_dir
        mpl = home + "/.config/matplotlib"
        env = {
            "HOME": home, "PATH": f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TMPDIR": "/tmp" if namespaced else run_dir,
            "MPLBACKEND": "Agg", "MPLCONFIGDIR": mpl, "IPYTHONDIR": home + "/.ipython",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "NUMEXPR_MAX_THREADS": "1", "PYTHONIOENCODING": "utf-8",
            "ALLIANCES_DATA_DIR": DATA_MOUNT if namespaced else (self.data_dir or ""),
            "ALLIANCES_GRADING_SANDBOX": "1",
        }
        home_files = {"submission.ipynb": notebook_text}
        if self.fontlist:
            home_files[".config/matplotlib/" + self.fontlist[0]] = self.fontlist[1]
        nproc = limits.processes
        if uid is None and os.name == "posix":
            nproc = _user_process_count(os.getuid()) + limits.processes  # shared with the user's processes
        cpu = int(math.ceil(limits.timeout + limits.grace))
        config = {
            "probe": probe, "probe_paths": self.secrets, "isolate": namespaced,
            "new_root": run_dir, "home": HOME, "home_size": limits.home_size, "binds": getattr(self, "binds", []),
            "home_files": home_files if namespaced else {}, "uid": uid, "gid": uid,
            "workdir": home, "env": env, "cells": cells, "names": names,
            "timeout": limits.timeout, "answers_cap": limits.answers_cap,
            "sys_path_prepend": [LIB_MOUNT if namespaced else str(Path(self.base) / "lib")],
            "sys_path_append": self.site_packages(),
            "limits": {"RLIMIT_AS": limits.memory, "RLIMIT_CPU": [cpu, cpu + 5],
                       "RLIMIT_FSIZE": limits.file_size, "RLIMIT_NPROC": nproc,
                       "RLIMIT_NOFILE": limits.open_files, "RLIMIT_CORE": 0},
        }
        if not namespaced:
            for name, text in home_files.items():
                path = Path(run_dir) / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            if uid is not None:
                for folder, dirs, files in os.walk(run_dir):
                    os.chown(folder, uid, uid)
                    for name in files:
                        os.chown(os.path.join(folder, name), uid, uid)
        return config, env

    def run(self, cells: list[str], names: list[str], notebook_text: str = "", slot: int = 0) -> RunOutcome:
        """Execute ``cells`` (code-cell sources, in order) and return the values of ``names``."""
        outcome, _ = self._spawn(slot, cells, names, notebook_text, probe=False)
        outcome.cells = len(cells)
        return outcome

    def _spawn(self, slot, cells, names, notebook_text, probe) -> tuple[RunOutcome, list[dict]]:
        with self._lock:
            self._counter += 1
            run_dir = os.path.join(self.base, f"run-{slot}-{self._counter}")
        os.mkdir(run_dir, 0o700)
        read_fd, write_fd = os.pipe()
        started = time.monotonic()
        try:
            config, env = self._config(slot, run_dir, cells, names, notebook_text, probe)
            config["channel_fd"] = write_fd
            runner = str(Path(self.base) / "lib" / "alliances" / "grading" / "runner.py")
            command = namespace_prefix(self.mode) + [sys.executable, "-I", "-S", runner]
            process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                pass_fds=(write_fd,), start_new_session=True, env=env, cwd=self.base, close_fds=True)
        except BaseException:
            os.close(read_fd)
            os.close(write_fd)
            shutil.rmtree(run_dir, ignore_errors=True)
            raise
        os.close(write_fd)
        with self._lock:
            self._active.add(process)
        payload = json.dumps(config).encode("utf-8")
        feeder = threading.Thread(target=self._feed, args=(process, payload), daemon=True)
        feeder.start()
        try:
            return self._collect(process, read_fd, started, probe)
        finally:
            with self._lock:
                self._active.discard(process)
            os.close(read_fd)
            if process.returncode is None:
                _kill_group(process)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            for stream in (process.stdout, process.stdin):
                try:
                    stream.close()
                except OSError:
                    pass
            shutil.rmtree(run_dir, ignore_errors=True)

    @staticmethod
    def _feed(process: subprocess.Popen, payload: bytes) -> None:
        try:
            process.stdin.write(payload)
            process.stdin.close()
        except (OSError, ValueError):
            pass

    def _collect(self, process, read_fd, started, probe) -> tuple[RunOutcome, list[dict]]:
        limits = self.limits
        deadline = started + limits.timeout + limits.grace + (20 if probe else 0)
        out_fd = process.stdout.fileno()
        selector = selectors.DefaultSelector()
        selector.register(out_fd, selectors.EVENT_READ, "out")
        selector.register(read_fd, selectors.EVENT_READ, "channel")
        tail, out_total, channel_total = bytearray(), 0, 0
        pending = bytearray()
        frames: list[dict] = []
        answers: dict = {}
        errors: list = []
        cells_run = 0
        done = None
        killed_for = ""
        exit_seen_at = None
        max_line = limits.answers_cap * 2 + 4096
        while selector.get_map():
            now = time.monotonic()
            if now >= deadline:
                killed_for = killed_for or "timeout"
                break
            if exit_seen_at is None and process.poll() is not None:
                exit_seen_at = now
                _kill_group(process)  # leftovers of a submission that forked and left
            if exit_seen_at is not None and now - exit_seen_at > 3:
                break
            for key, _ in selector.select(timeout=min(0.5, max(deadline - now, 0.01))):
                try:
                    data = os.read(key.fd, 65536)
                except OSError:
                    data = b""
                if not data:
                    selector.unregister(key.fd)
                    continue
                if key.data == "out":
                    out_total += len(data)
                    tail += data
                    if len(tail) > 16384:
                        del tail[: len(tail) - 16384]
                    if out_total > limits.output_cap:
                        killed_for = "output"
                else:
                    channel_total += len(data)
                    if channel_total > 64 * limits.answers_cap:
                        killed_for = "channel"
                    pending += data
                    while b"\n" in pending:
                        line, _, rest = bytes(pending).partition(b"\n")
                        pending = bytearray(rest)
                        frame = _parse_frame(line, max_line)
                        if frame is None:
                            continue
                        kind = frame.get("type")
                        if kind == "answers" and isinstance(frame.get("answers"), dict):
                            answers = {k: v for k, v in frame["answers"].items() if isinstance(k, str)}
                        elif kind == "cell" and isinstance(frame.get("index"), int):
                            errors.append((frame["index"], str(frame.get("error", "error"))[:80]))
                        elif kind == "progress" and isinstance(frame.get("cells_run"), int):
                            cells_run = frame["cells_run"]
                        elif kind == "done":
                            done = frame
                        elif probe and kind == "probe":
                            frames.append(frame)
                    if len(pending) > max_line:
                        pending = bytearray()
            if killed_for:
                break
        _kill_group(process)
        try:
            returncode = process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            returncode = None
        selector.close()
        duration = time.monotonic() - started
        output = tail.decode("utf-8", "replace")
        if killed_for == "timeout" or (done and done.get("timed_out") is True):
            status = "timed out"
            reason = f"stopped after the time limit of {limits.timeout:g} s"
        elif killed_for == "output":
            status, reason = "crashed", f"printed more than {limits.output_cap // 1024 ** 2} MB of output; stopped"
        elif killed_for == "channel":
            status, reason = "crashed", "sent too much data to the grader; stopped"
        elif done is not None:
            status, reason = "finished", ""
        else:
            status = "crashed"
            if returncode is not None and returncode < 0:
                try:
                    name = signal.Signals(-returncode).name
                except ValueError:
                    name = f"signal {-returncode}"
                reason = f"the notebook's process was killed by {name}"
            else:
                reason = f"the notebook ended its own process early (exit code {returncode})"
        if status == "crashed":
            reason += f", after {cells_run} code cell{'s' if cells_run != 1 else ''}"
        outcome = RunOutcome(status=status, reason=reason, answers=answers, cell_errors=errors[:50],
                             cells_run=cells_run, output_tail=output[-4000:],
                             returncode=returncode, duration=duration)
        return outcome, frames

    def kill_all(self) -> None:
        """Stop every running submission (on interrupt); their outcomes must then be discarded."""
        self.stopping = True
        with self._lock:
            active = list(self._active)
        for process in active:
            _kill_group(process)

    def close(self) -> None:
        self.kill_all()
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _parse_frame(line: bytes, max_line: int) -> dict | None:
    if not line or len(line) > max_line:
        return None
    try:
        frame = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return frame if isinstance(frame, dict) else None


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    try:
        process.kill()
    except OSError:
        pass
