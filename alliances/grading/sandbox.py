"""Run one submission in a fresh, isolated, resource-limited process (the trusted side).

The isolation mode and the file tree are planned in :mod:`alliances.grading.isolation`; the code
that runs inside is :mod:`alliances.grading.runner`; :mod:`alliances.grading.reaper` makes sure no
process of a run survives it. Each run:

* starts from its **own copy** of the runner and the course package (made from a read-only master
  copy), so nothing an earlier submission did can reach it;
* is started through :data:`~alliances.grading.reaper.DEATH_PACT`, so it dies with the grader;
* in ``root-ns``/``user-ns`` mode runs in new mount, network, PID, IPC and UTS namespaces, in a new
  root with only read-only system folders, Python, the package copy and ``data/`` plus a scratch
  home and ``/tmp``; the probe run checks that none of that is writable and that no capability is
  left before any submission is graded;
* in ``weak`` mode (``allow_weak=True``), runs as an ordinary process (an unprivileged uid when the
  grader is root; refused if that uid could not run Python), with resource limits, and its process
  group, session, uid and run token swept afterwards.

In every mode the wall-clock timeout kills the whole run, output is read through a pipe with a byte
cap, and answers come back as plain JSON over a pipe the parent created; the parent judges them.
"""

from __future__ import annotations

import compileall
import ctypes
import json
import math
import os
import secrets as _secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

from alliances.grading import reaper
from alliances.grading.isolation import (
    DATA_MOUNT, HOME, LIB_MOUNT, PACKAGE_DIR, REPO_ROOT, SandboxError, _MODE_CACHE, detect_mode, import_paths,
    inside, is_installation, namespace_prefix, plan_binds, python_paths, reachable_by_others)
from alliances.grading.outcome import Limits, RunOutcome, collect, kill_group

__all__ = ["Limits", "RunOutcome", "Sandbox", "SandboxError", "detect_mode", "_MODE_CACHE"]


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
        self.given_secrets = sorted({os.path.realpath(p) for p in secrets})
        self.secrets = sorted(set(self.given_secrets) | {os.path.realpath(REPO_ROOT)})
        self.mode = mode or detect_mode()
        self.allow_weak = allow_weak
        if data_dir is None:
            data_dir = os.environ.get("ALLIANCES_DATA_DIR") or (REPO_ROOT / "data")
        self.data_dir = os.path.realpath(data_dir) if os.path.isdir(data_dir) else None
        self.root = os.geteuid() == 0 if os.name == "posix" else False
        self.base_uid = 200000 + (os.getpid() % 20000) * 64 if self.root else None
        self.executable = os.path.realpath(sys.executable)
        _remove_stale_scratch()
        self.base = tempfile.mkdtemp(prefix=f"alliances-sandbox-{os.getpid()}-")
        os.chmod(self.base, 0o711)
        self._counter = 0
        self.stopping = False
        self._lock = threading.Lock()
        self._active: set[subprocess.Popen] = set()
        self.warning = ""
        self.leftovers: list[int] = []   # processes that survived a sweep (should stay empty)
        self.swept = 0                   # processes killed after their run had ended
        try:
            self._make_lib()
            self.fontlist = _matplotlib_fontlist()
            if self.mode == "weak":
                self._check_weak()
            else:
                self.binds = plan_binds(self.secrets, self.data_dir)
            problem = self._probe()
            if problem:
                raise SandboxError(f"the {self.mode} sandbox failed its safety check: {problem}. Nothing was graded.")
        except BaseException:
            self.close()
            raise

    # -- set-up -------------------------------------------------------------------------------

    def _check_weak(self) -> None:
        self.warning = ("no namespace isolation on this machine (needs Linux with unshare, as root or with "
                        "user namespaces enabled); submissions run as ordinary processes")
        if self.root:
            blocked = reachable_by_others(python_paths() + [self.base])
            if blocked:
                raise SandboxError(
                    f"weak sandbox refused: as root it must run submissions as an unprivileged uid, but {blocked} "
                    f"cannot be entered by other users, so that uid could not start Python "
                    f"({self.executable}). Grade with a Python installed where every user can read it, "
                    "or as an ordinary user; submissions never run as root.")
            self.warning += (" as an unprivileged uid: they MAY READ any file that is readable by every user "
                             "(check that the solution notebooks are not), and can use the network")
        else:
            self.warning += (" as your user: they MAY READ the solution notebooks and any other file you can "
                             "read, and can use the network")
        if not self.allow_weak:
            raise SandboxError(self.warning + ". Grade on Linux (or in a Linux VM/container that allows "
                               "namespaces), or pass --allow-weak-sandbox to accept this.")
        warnings.warn(self.warning, RuntimeWarning, stacklevel=3)
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: submissions cannot read the grader's /proc/<pid>/mem, environ

    def _make_lib(self) -> None:
        """A read-only master copy of the package, compiled once; each run copies it (see :meth:`_run_lib`)."""
        lib = Path(self.base) / "lib"
        shutil.copytree(PACKAGE_DIR, lib / "alliances",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".*"))
        compileall.compile_dir(str(lib), quiet=2)
        _read_only_tree(lib)

    def _run_lib(self, run_dir: str) -> str:
        target = os.path.join(run_dir, "lib")
        shutil.copytree(Path(self.base) / "lib", target, copy_function=shutil.copy)
        _read_only_tree(Path(target))
        return target

    def _probe(self) -> str:
        """Run the runner once without a submission and check what it can see; '' if all is well."""
        outcome, frames = self._spawn(slot=0, cells=[], names=[], notebook_text="", probe=True)
        probe = next((f for f in frames if f.get("type") == "probe"), None)
        if probe is None:
            last = [line for line in outcome.output_tail.strip().splitlines() if line.strip()][-3:]
            return f"the probe run did not start ({outcome.reason}): {' | '.join(last)}"
        if self.mode != "weak" and probe.get("visible"):
            return f"it could see {probe['visible']}"
        if self.mode == "weak" and self.root and probe.get("readable"):
            return (f"the unprivileged uid could read {probe['readable']}; make those folders readable by "
                    "you only (chmod 700) before grading in the weak mode")
        if probe.get("writable"):
            return f"it could write into {probe['writable']}"
        if self.mode != "weak" and probe.get("network") != "unreachable":
            return "it could reach the network"
        caps = probe.get("caps") or [None] * 4
        if caps[0] or caps[1] or caps[3] != 1 or (self.mode != "weak" and caps[2]):
            return f"the submission process kept capabilities ({caps})"
        if self.root and probe.get("uid") == 0:
            return "the submission would run as root"
        expected_lib = LIB_MOUNT if self.mode != "weak" else os.path.realpath(self.base)
        if not str(probe.get("plain", "")).startswith(expected_lib):
            return f"it imported alliances from {probe.get('plain')} instead of its own copy"
        return ""

    # -- running ------------------------------------------------------------------------------

    def uid_for(self, slot: int) -> int | None:
        """The unprivileged uid of a worker slot (only when the grader is root; never 0)."""
        return self.base_uid + slot if self.base_uid is not None else None

    def _config(self, slot: int, run_dir: str, lib: str, cells, names, notebook_text, probe) -> tuple[dict, dict]:
        limits = self.limits
        uid = self.uid_for(slot)
        namespaced = self.mode != "weak"
        home = HOME if namespaced else os.path.join(run_dir, "home")
        token = _secrets.token_hex(16)
        env = {
            "HOME": home, "PATH": f"{os.path.dirname(self.executable)}:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TMPDIR": "/tmp" if namespaced else home,
            "MPLBACKEND": "Agg", "MPLCONFIGDIR": home + "/.config/matplotlib", "IPYTHONDIR": home + "/.ipython",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "NUMEXPR_MAX_THREADS": "1", "PYTHONIOENCODING": "utf-8",
            "ALLIANCES_DATA_DIR": DATA_MOUNT if namespaced else (self.data_dir or ""),
            "ALLIANCES_GRADING_SANDBOX": "1", reaper.TOKEN_VARIABLE: token,
        }
        home_files = {"submission.ipynb": notebook_text}
        if self.fontlist:
            home_files[".config/matplotlib/" + self.fontlist[0]] = self.fontlist[1]
        nproc = limits.processes
        if uid is None and os.name == "posix":
            nproc = _user_process_count(os.getuid()) + limits.processes  # shared with the user's processes
        cpu = int(math.ceil(limits.timeout + limits.grace))
        binds = list(getattr(self, "binds", [])) + [{"src": lib, "dst": LIB_MOUNT, "kind": "dir"}]
        config = {
            "probe": probe, "probe_paths": (self.secrets if namespaced else self.given_secrets) if probe else [],
            "isolate": namespaced,
            "new_root": os.path.join(run_dir, "root"), "home": HOME, "home_size": limits.home_size,
            "binds": binds if namespaced else [], "home_files": home_files if namespaced else {},
            "uid": uid, "gid": uid, "workdir": home, "env": env, "cells": cells, "names": names,
            "timeout": limits.timeout, "answers_cap": limits.answers_cap,
            "sys_path_prepend": [LIB_MOUNT if namespaced else lib],
            "sys_path_append": [p for p in import_paths()
                                if not any(inside(p, q) for q in self.secrets) or is_installation(p)],
            "limits": {"RLIMIT_AS": limits.memory, "RLIMIT_CPU": [cpu, cpu + 5],
                       "RLIMIT_FSIZE": limits.file_size, "RLIMIT_NPROC": nproc,
                       "RLIMIT_NOFILE": limits.open_files, "RLIMIT_CORE": 0},
        }
        if probe:
            if namespaced:
                config["probe_write"] = ["/", LIB_MOUNT] + [b["dst"] for b in binds if b["kind"] == "dir"]
            elif uid is not None:
                config["probe_write"] = [lib, os.path.join(self.base, "lib")] + python_paths()
        if namespaced:
            os.mkdir(config["new_root"], 0o700)
        else:
            os.mkdir(home, 0o700)
            for name, text in home_files.items():
                path = Path(home) / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            if uid is not None:
                for folder, dirs, files in os.walk(home):
                    os.chown(folder, uid, uid)
                    for name in files:
                        os.chown(os.path.join(folder, name), uid, uid)
        return config, env

    def run(self, cells: list[str], names: list[str], notebook_text: str = "", slot: int = 0) -> RunOutcome:
        """Execute ``cells`` (code-cell sources, in order) and return the values of ``names``."""
        outcome, _ = self._spawn(slot, cells, names, notebook_text, probe=False)
        outcome.cells = len(cells)
        return outcome

    def command(self, lib: str) -> list[str]:
        """The command line of one run: the death pact, the namespaces, then the run's own runner."""
        runner = os.path.join(lib, "alliances", "grading", "runner.py")
        return ([self.executable, "-I", "-S", "-c", reaper.DEATH_PACT, str(os.getpid())]
                + (namespace_prefix(self.mode) or [])
                + [self.executable, "-I", "-S", runner])

    def _spawn(self, slot, cells, names, notebook_text, probe) -> tuple[RunOutcome, list[dict]]:
        with self._lock:
            self._counter += 1
            run_dir = os.path.join(self.base, f"run-{slot}-{self._counter}")
        os.mkdir(run_dir, 0o711)
        read_fd, write_fd = os.pipe()
        started = time.monotonic()
        marks: dict = {"uid": self.uid_for(slot), "namespaces": {}, "token": None, "session": None}
        try:
            lib = self._run_lib(run_dir)
            config, env = self._config(slot, run_dir, lib, cells, names, notebook_text, probe)
            config["channel_fd"] = write_fd
            marks["token"] = env[reaper.TOKEN_VARIABLE]
            process = subprocess.Popen(
                self.command(lib), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                pass_fds=(write_fd,), start_new_session=True, env=env, cwd=self.base, close_fds=True)
            marks["session"] = process.pid
        except BaseException:
            os.close(read_fd)
            os.close(write_fd)
            _remove_tree(run_dir)
            raise
        os.close(write_fd)
        with self._lock:
            self._active.add(process)
        payload = json.dumps(config).encode("utf-8")
        feeder = threading.Thread(target=self._feed, args=(process, payload), daemon=True)
        feeder.start()
        try:
            def watch() -> None:
                if self.mode != "weak" and not marks["namespaces"] and process.poll() is None:
                    marks["namespaces"] = self._namespaces_of(process)

            return collect(process, read_fd, started, self.limits, probe, watch)
        finally:
            with self._lock:
                self._active.discard(process)
            os.close(read_fd)
            if process.returncode is None:
                kill_group(process)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            for stream in (process.stdout, process.stdin):
                try:
                    stream.close()
                except OSError:
                    pass
            self._sweep(marks)
            _remove_tree(run_dir)

    def _sweep(self, marks: dict) -> None:
        """Kill whatever is left of a run (by uid, namespace, session, run token) and check it is gone."""
        weak_user = self.mode == "weak" and marks["uid"] is None
        kwargs = {"uid": marks["uid"], "namespaces": marks["namespaces"],
                  "token": marks["token"] if weak_user else None,
                  "session": marks["session"] if weak_user else None}
        found = reaper.members(**kwargs)
        if found:
            with self._lock:
                self.swept += len(found)
            alive = reaper.sweep(**kwargs)
            if alive:
                with self._lock:
                    self.leftovers.extend(alive)
        if marks["uid"] is not None and self.mode == "weak":
            reaper.remove_ipc(marks["uid"])

    @staticmethod
    def _namespaces_of(process: subprocess.Popen) -> dict:
        """The namespaces of a run's first process inside ``unshare`` (read while it is alive)."""
        try:
            with open(f"/proc/{process.pid}/task/{process.pid}/children", encoding="ascii") as handle:
                children = handle.read().split()
        except OSError:
            return {}
        if not children:
            return {}
        found = {kind: reaper.namespace_of(int(children[0]), kind) for kind in ("pid", "ipc", "mnt")}
        return found if all(found.values()) else {}

    @staticmethod
    def _feed(process: subprocess.Popen, payload: bytes) -> None:
        try:
            process.stdin.write(payload)
            process.stdin.close()
        except (OSError, ValueError):
            pass

    def kill_all(self) -> None:
        """Stop every running submission (on interrupt); their outcomes must then be discarded."""
        self.stopping = True
        with self._lock:
            active = list(self._active)
        for process in active:
            kill_group(process)

    def close(self) -> None:
        self.kill_all()
        _remove_tree(self.base)

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _read_only_tree(top: Path) -> None:
    for folder, dirs, files in os.walk(top):
        for name in files:
            os.chmod(os.path.join(folder, name), 0o444)
        os.chmod(folder, 0o555)


def _remove_stale_scratch() -> None:
    """Remove the scratch folders of graders of this user that were killed before they could clean up."""
    for folder in Path(tempfile.gettempdir()).glob("alliances-sandbox-*-*"):
        try:
            pid = int(folder.name.split("-")[2])
            if folder.stat().st_uid != os.geteuid() or pid == os.getpid():
                continue
            os.kill(pid, 0)
        except ProcessLookupError:
            _remove_tree(str(folder))
        except (ValueError, IndexError, OSError):
            continue


def _remove_tree(top: str) -> None:
    for folder, dirs, files in os.walk(top):
        try:
            os.chmod(folder, 0o700)
        except OSError:
            pass
    shutil.rmtree(top, ignore_errors=True)


