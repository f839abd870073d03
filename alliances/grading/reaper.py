"""Making sure no process of a submission outlives its run, or the grader.

* :data:`DEATH_PACT` is a tiny start-up program: the first process of every run asks the kernel
  to SIGKILL it when the grader's thread that started it dies (``PR_SET_PDEATHSIG``), checks that
  the grader is still there, then ``exec``\\s the real command. With ``unshare --kill-child`` and
  a PID namespace, the grader's death (even by SIGKILL) takes the whole namespace with it.
* :func:`sweep` kills, and checks gone, every process that belongs to a finished run: the
  processes of its unprivileged uid, of its namespaces, or carrying its run token.
"""

from __future__ import annotations

import os
import signal
import time

DEATH_PACT = (
    "import ctypes, os, sys\n"
    "ctypes.CDLL(None, use_errno=True).prctl(1, 9, 0, 0, 0)\n"   # PR_SET_PDEATHSIG, SIGKILL
    "os.getppid() == int(sys.argv[1]) or os._exit(70)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)
TOKEN_VARIABLE = "ALLIANCES_RUN_TOKEN"


def _status_uid(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def namespace_of(pid: int, kind: str = "pid") -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/{kind}")
    except OSError:
        return None


def _has_token(pid: str, token: str) -> bool:
    try:
        with open(f"/proc/{pid}/environ", "rb") as handle:
            return f"{TOKEN_VARIABLE}={token}".encode() in handle.read(1 << 20).split(b"\0")
    except OSError:
        return False


def members(uid: int | None = None, namespaces: dict[str, str] | None = None, token: str | None = None,
            session: int | None = None) -> list[int]:
    """Live processes (not zombies) matching any of the run's marks."""
    me = os.getpid()
    if namespaces:  # never the grader's own namespaces (that would be every process on the host)
        namespaces = {k: v for k, v in namespaces.items() if v and v != namespace_of(me, k)}
    found = []
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return []
    for pid in entries:
        if int(pid) == me:
            continue
        hit = uid is not None and _status_uid(pid) == uid
        if not hit and namespaces:
            hit = any(namespace_of(int(pid), kind) == value for kind, value in namespaces.items() if value)
        if not hit and session is not None:
            try:
                hit = os.getsid(int(pid)) == session
            except OSError:
                hit = False
        if not hit and token:
            hit = _has_token(pid, token)
        if hit:
            try:
                with open(f"/proc/{pid}/stat", "rb") as handle:
                    state = handle.read().rsplit(b")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state not in (b"Z", b"X"):
                found.append(int(pid))
    return found


def sweep(uid: int | None = None, namespaces: dict[str, str] | None = None, token: str | None = None,
          session: int | None = None, patience: float = 5.0) -> list[int]:
    """SIGKILL every process of a run until none is left; returns the ones still alive after ``patience``."""
    if uid == 0:
        raise ValueError("refusing to sweep uid 0")
    deadline = time.monotonic() + patience
    while True:
        alive = members(uid, namespaces, token, session)
        if not alive or time.monotonic() > deadline:
            return alive
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.02)


def remove_ipc(uid: int) -> int:
    """Remove the System V shared memory, queues and semaphores, and POSIX shared memory, owned by ``uid``.

    Only needed in the weak mode: elsewhere each run has its own IPC namespace, which dies with it.
    """
    import ctypes

    if uid == 0:
        raise ValueError("refusing to remove root's IPC objects")
    libc = ctypes.CDLL(None, use_errno=True)
    removed = 0
    for table, remove in (("shm", lambda i: libc.shmctl(i, 0, None)), ("msg", lambda i: libc.msgctl(i, 0, None)),
                          ("sem", lambda i: libc.semctl(i, 0, 0))):
        try:
            with open(f"/proc/sysvipc/{table}", encoding="ascii") as handle:
                header = handle.readline().split()
                rows = [line.split() for line in handle]
        except OSError:
            continue
        id_col = header.index("shmid" if table == "shm" else "msqid" if table == "msg" else "semid")
        uid_col = header.index("uid")
        for row in rows:
            if int(row[uid_col]) == uid and remove(int(row[id_col])) == 0:
                removed += 1
    try:
        for entry in os.scandir("/dev/shm"):
            if entry.stat(follow_symlinks=False).st_uid == uid:
                os.unlink(entry.path)
                removed += 1
    except OSError:
        pass
    return removed
