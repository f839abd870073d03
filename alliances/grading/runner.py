"""The code that runs INSIDE the grading sandbox, for one submission, in a fresh process.

Started by :mod:`alliances.grading.sandbox` as ``python -I -S runner.py`` from the run's own copy
of the package, as PID 1 of new mount, network, PID, IPC and UTS namespaces where the machine
allows them. That first process sets up the file tree and then only *supervises*: it forks the
worker, which drops every capability (and root, where another uid exists) before it reads a
single cell, and when the worker ends it exits, which makes the kernel kill whatever the
submission left running in the namespace. The runner is standard-library only until isolation is
in place; the worker then imports IPython and ``alliances.checking.plain`` from the run's copy.

Protocol (nothing here is trusted by the parent):

* stdin: one JSON object, the run configuration (the submission's code cells, the answer
  variable names to report, limits, and for isolation the mount plan and the uid to drop to);
* the ``channel`` file descriptor: newline-delimited JSON frames. After EVERY cell the runner
  sends ``{"type": "answers", "answers": {name: plain value}}`` if the values changed, plus
  ``{"type": "cell", "index": i, "error": "ExceptionName"}`` for a cell that raised, and at the
  end ``{"type": "done", ...}``. The parent keeps the last answers frame it received, so a
  submission that exits, crashes or is killed half-way is graded on the answers it had computed
  by the end of the last cell that completed;
* stdout/stderr: whatever the notebook prints (the parent caps and truncates it).

A submission can of course write to the channel itself: it can only *claim* answer values, which
the trusted parent judges exactly as if they had been typed into the notebook.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

# Linux mount flags (linux/mount.h)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_NO_NEW_PRIVS = 38
PIVOT_ROOT_SYSCALL = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217}
STATVFS_TO_MS = ((1, MS_RDONLY), (2, MS_NOSUID), (4, MS_NODEV), (8, MS_NOEXEC))


class SoftTimeout(BaseException):
    """Raised inside a running cell when the run's time budget is spent."""


# -- isolation (runs as root inside the new namespaces, before any submission code) ---------

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_SECUREBITS, PR_CAP_AMBIENT = 1, 4, 24, 28, 47
# SECBIT_NOROOT(+LOCKED) | SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE(+LOCKED):
# uid 0 gains no capabilities from execve, and nothing can turn that off again
SECUREBITS = 1 | 2 | 32 | 64 | 128


def _libc():
    import ctypes

    return ctypes, ctypes.CDLL(None, use_errno=True)


def _mount(source, target, fstype, flags, data=None):
    ctypes, libc = _libc()
    enc = lambda s: None if s is None else os.fsencode(s)  # noqa: E731
    if libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"mount {source} on {target}: {os.strerror(errno)}")


def _remount_readonly(target, extra=MS_NOSUID | MS_NODEV):
    """Make a bind mount read-only, or raise: a run never starts with a writable shared folder."""
    flags = MS_REMOUNT | MS_BIND | MS_RDONLY
    try:
        _mount(None, target, None, flags | extra)
        return
    except OSError:
        pass
    # in a user namespace, flags locked by the outer mount must be kept: copy them
    f_flag = os.statvfs(target).f_flag
    locked = sum(ms for st, ms in STATVFS_TO_MS if f_flag & st)
    _mount(None, target, None, flags | locked | (extra & ~MS_NOEXEC))


def _pivot_root(new_root, put_old):
    ctypes, libc = _libc()
    number = PIVOT_ROOT_SYSCALL.get(os.uname().machine)
    if number is not None:
        if libc.syscall(number, os.fsencode(new_root), os.fsencode(put_old)) == 0:
            return
    import subprocess

    subprocess.run(["pivot_root", new_root, put_old], check=True)


def isolate(config):
    """Build a new root holding only what the run needs, and pivot into it (privileges kept for now).

    Scratch tmpfs mounts come first, so a Python installation under /tmp or /home is bound on top
    of them rather than hidden by them; every bind is then made read-only, or the run stops.
    """
    root = config["new_root"]
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    home = root + config["home"]
    uid, gid = config.get("uid"), config.get("gid")
    owner = f",uid={uid},gid={gid}" if uid is not None else ""
    for extra, options in (("/tmp", "size=64m,mode=1777"), ("/dev/shm", "size=16m,mode=1777"),
                           (config["home"], f"size={config['home_size']},mode=700{owner}")):
        os.makedirs(root + extra, exist_ok=True)
        _mount("tmpfs", root + extra, "tmpfs", MS_NOSUID | MS_NODEV, options)
    for bind in sorted(config["binds"], key=lambda b: b["dst"].count("/")):
        src, dst, kind = bind["src"], root + bind["dst"], bind["kind"]
        if kind == "symlink":
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            os.symlink(bind["target"], dst)
            continue
        if kind == "device":
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            open(dst, "w").close()
            _mount(src, dst, None, MS_BIND)
            continue
        os.makedirs(dst, exist_ok=True)
        _mount(src, dst, None, MS_BIND | MS_REC)
        _remount_readonly(dst)
    os.makedirs(root + "/proc", exist_ok=True)
    _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for name, text in config.get("home_files", {}).items():
        path = os.path.join(home, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        if uid is not None:
            os.chown(os.path.dirname(path), uid, gid)
            os.chown(path, uid, gid)
    os.chdir(root)
    os.makedirs(".oldroot", exist_ok=True)
    _pivot_root(".", ".oldroot")
    os.chdir("/")
    ctypes, libc = _libc()
    if libc.umount2(b"/.oldroot", MNT_DETACH) != 0:
        raise OSError(ctypes.get_errno(), "cannot detach the old root")
    os.rmdir("/.oldroot")
    _mount(None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "size=1m,mode=755")


def _capabilities():
    """(effective, permitted, bounding, no_new_privs) of this process, from /proc/self/status."""
    values = {}
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            if key in ("CapEff", "CapPrm", "CapBnd", "NoNewPrivs"):
                values[key] = int(value.strip(), 16 if key != "NoNewPrivs" else 10)
    return values.get("CapEff"), values.get("CapPrm"), values.get("CapBnd"), values.get("NoNewPrivs")


def drop_privileges(config, supervisor_pid):
    """Give up every capability (and root, where another uid exists); die with the supervisor.

    Fails closed: if the process still holds a capability afterwards, it exits before any
    submission code runs.
    """
    ctypes, libc = _libc()
    uid, gid = config.get("uid"), config.get("gid")
    if os.getuid() == 0:
        libc.prctl(PR_SET_SECUREBITS, SECUREBITS, 0, 0, 0)
        for cap in range(64):
            libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
        libc.prctl(PR_CAP_AMBIENT, 4, 0, 0, 0)  # PR_CAP_AMBIENT_CLEAR_ALL
    if uid is not None and os.getuid() == 0:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()
    libc.capset(ctypes.byref(header), data)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # cleared by setuid: set it again
    if os.getppid() != supervisor_pid:
        os._exit(70)
    effective, permitted, bounding, no_new_privs = _capabilities()
    if effective or permitted or no_new_privs != 1 or (config.get("isolate") and bounding):
        os.write(2, b"runner: could not drop every capability; refusing to run the submission\n")
        os._exit(71)


def set_limits(config):
    import resource

    limits = config.get("limits", {})
    for name, value in limits.items():
        which = getattr(resource, name, None)
        if which is None or value is None:
            continue
        soft, hard = (value, value) if not isinstance(value, list) else value
        try:
            resource.setrlimit(which, (soft, hard))
        except (ValueError, OSError):
            pass


# -- running the notebook ---------------------------------------------------------------------


class Channel:
    def __init__(self, fd, cap):
        self.fd, self.cap, self.last = fd, cap, None

    def send(self, frame):
        data = json.dumps(frame, separators=(",", ":"), allow_nan=False).encode() + b"\n"
        view = memoryview(data)
        try:
            while view:
                written = os.write(self.fd, view)
                view = view[written:]
        except OSError:
            pass  # the submission closed or broke the channel: it only loses its own answers

    def answers(self, answers):
        data = json.dumps(answers, sort_keys=True, allow_nan=False)
        if data == self.last:
            return
        self.last = data
        self.send({"type": "answers", "answers": answers})


def make_snapshot(names, cap, plain):
    to_jsonable, sequence_items = plain.to_jsonable, plain._sequence_items

    def bounded(value, budget=100_000):
        """Refuse answers whose plain form would be huge (shared nested lists grow exponentially)."""
        stack, seen = [(value, 0)], 0
        while stack:
            item, depth = stack.pop()
            seen += 1
            if seen > budget or depth > 20:
                return False
            if type(item) in (int, float, bool, str) or item is None or item is ...:
                continue
            items = sequence_items(item)
            if items is not None:
                stack.extend((child, depth + 1) for child in items[:10_000])
        return True

    def snapshot(namespace):
        answers = {}
        for name in names:
            if not dict.__contains__(namespace, name):
                continue
            try:
                value = dict.__getitem__(namespace, name)
                answers[name] = to_jsonable(value) if bounded(value) else {"__unsupported__": "answer too large"}
                json.dumps(answers[name], allow_nan=False)
            except (Exception, RecursionError):
                answers[name] = {"__unsupported__": "unreadable answer"}
            except SoftTimeout:
                raise
        if len(json.dumps(answers)) > cap:
            for name in sorted(answers, key=lambda n: -len(json.dumps(answers[n]))):
                answers[name] = {"__unsupported__": "answer too large"}
                if len(json.dumps(answers)) <= cap:
                    break
        return answers

    return snapshot


def run(config, channel):
    started = time.monotonic()
    state = {"in_cell": False, "timed_out": False}

    def on_alarm(signum, frame):
        state["timed_out"] = True
        if state["in_cell"]:
            raise SoftTimeout("time limit reached")

    signal.signal(signal.SIGALRM, on_alarm)

    from traitlets.config import Config
    from IPython.core.interactiveshell import InteractiveShell

    from alliances.checking import plain

    snapshot = make_snapshot(config["names"], config["answers_cap"], plain)
    ipython_config = Config()
    ipython_config.HistoryManager.enabled = False
    ipython_config.InteractiveShell.colors = "NoColor"
    ipython_config.InteractiveShell.autocall = 0
    class Shell(InteractiveShell):
        def enable_gui(self, gui=None):  # no GUI event loop here: %matplotlib must not fail
            pass

    shell = Shell.instance(config=ipython_config)
    namespace = shell.user_ns
    remaining = config["timeout"] - (time.monotonic() - started)
    signal.setitimer(signal.ITIMER_REAL, max(remaining, 0.5))
    cells_run, errors = 0, []
    channel.answers({})
    for index, source in enumerate(config["cells"]):
        if state["timed_out"]:
            break
        state["in_cell"] = True
        try:
            result = shell.run_cell(source, store_history=False)
        except SoftTimeout:
            result = None
        finally:
            state["in_cell"] = False
        cells_run = index + 1
        error = None
        if result is None or state["timed_out"]:
            error = "time limit reached" if state["timed_out"] else "error"
        elif result.error_before_exec is not None:
            error = type(result.error_before_exec).__name__
        elif result.error_in_exec is not None:
            error = type(result.error_in_exec).__name__
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
        if error:
            errors.append(index)
            channel.send({"type": "cell", "index": index, "error": str(error)[:80]})
        channel.answers(snapshot(namespace))
        channel.send({"type": "progress", "cells_run": cells_run})
    signal.setitimer(signal.ITIMER_REAL, 0)
    channel.send({"type": "done", "cells_run": cells_run, "cells": len(config["cells"]),
                  "timed_out": state["timed_out"], "errors": errors[:50]})


def _shows_content(path, config) -> bool:
    """Whether ``path`` shows anything besides the empty folders that lead to the sandbox's own binds
    (a virtual environment inside the repository is bound at its own path, so the repository's
    folder exists in the sandbox, holding only the way to that environment)."""
    if not os.path.isdir(path):
        return True
    prefix = path.rstrip("/") + "/"
    allowed = {b["dst"][len(prefix):].split("/")[0] for b in config.get("binds", [])
               if b.get("kind") == "dir" and b["dst"].startswith(prefix)}
    try:
        entries = set(os.listdir(path))
    except OSError:
        return False
    return bool(entries - allowed)


def probe(config, channel):
    """Report what the sandbox can see and do (used once per grading run to verify the isolation)."""
    import IPython  # noqa: F401  (the run needs it: fail the probe if it is not importable)

    import alliances.checking.plain

    visible = [p for p in config.get("probe_paths", []) if os.path.exists(p) and _shows_content(p, config)]
    readable = [p for p in visible if os.access(p, os.R_OK | (os.X_OK if os.path.isdir(p) else 0))]
    writable = []
    for folder in config.get("probe_write", []):
        target = os.path.join(folder, ".alliances-probe")
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            writable.append(folder)
            os.unlink(target)
        except OSError:
            pass
    network = "unreachable"
    try:
        import socket

        with socket.create_connection(("1.1.1.1", 53), timeout=1):
            network = "reachable"
    except OSError:
        pass
    effective, permitted, bounding, no_new_privs = _capabilities()
    channel.send({"type": "probe", "uid": os.getuid(), "visible": visible, "readable": readable, "network": network,
                  "writable": writable, "caps": [effective, permitted, bounding, no_new_privs],
                  "plain": alliances.checking.plain.__file__, "cwd": os.getcwd()})


def worker(config, supervisor_pid):
    """The process that runs the submission: unprivileged, limited, fed only cells and answer names."""
    drop_privileges(config, supervisor_pid)
    channel_fd = config["channel_fd"]
    os.chdir(config["workdir"])
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.environ.clear()
    os.environ.update(config["env"])
    sys.path[:0] = config["sys_path_prepend"]
    sys.path.extend(p for p in config["sys_path_append"] if p not in sys.path)
    set_limits(config)
    channel = Channel(channel_fd, config["answers_cap"])
    if config.get("probe"):
        probe(config, channel)
        os._exit(0)
    for key in ("binds", "probe_paths", "home_files", "env", "probe_write"):
        config.pop(key, None)
    run(config, channel)
    sys.stdout.flush()
    os._exit(0)  # do not run atexit hooks or finalizers a submission may have registered


def supervise(worker_pid, channel_fd):
    """Wait for the worker (reaping orphans meanwhile); exit with its status (128 + signal if killed).

    As PID 1 of the run's namespace, its exit makes the kernel kill every process left inside.
    """
    os.close(channel_fd)
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(1)
        except InterruptedError:
            continue
        if pid == worker_pid:
            break
    if os.WIFSIGNALED(status):
        os._exit(128 + os.WTERMSIG(status))
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def main():
    config = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    sys.dont_write_bytecode = True
    if config.get("isolate"):
        isolate(config)
    ctypes, libc = _libc()
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # neither ptrace nor /proc/<pid>/mem of the supervisor
    supervisor_pid = os.getpid()
    child = os.fork()
    if child == 0:
        try:
            worker(config, supervisor_pid)
        finally:
            os._exit(1)
    supervise(child, config["channel_fd"])


if __name__ == "__main__":
    main()
