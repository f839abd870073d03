"""Submissions that attack the grader's isolation, and an exercise whose answers are easy to search for.

``SECRET_KEY`` has expected answers that appear nowhere else (a text, an integer, a number), so
a submission that finds any of them anywhere has found the answer key. ``SEARCHER`` looks
everywhere a submission can reach: file names and contents, its environment, every visible
process's command line, environment and memory, and every inherited file descriptor.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

EXERCISE = "ch91_secret"
# written backwards, so that no file of the repository holds the answers (the weak mode can read it)
NEEDLES = tuple(n[::-1] for n in ("7144-rabiznaz-akkouq", "546372819", "246137.0"))
KEY_SOURCE = '''from alliances.checking import Checker

check = Checker({
    "q1": {"answer": "word", "kind": "text", "expected": "%s", "points": 1},
    "q2": {"answer": "number", "kind": "integer", "expected": %s, "points": 1, "hidden": True},
    "q3": {"answer": "share", "kind": "number", "expected": %s, "tol": 0.0000005, "points": 1},
    "q4": {"answer": "report", "kind": "text", "expected": "nothing", "points": 0},
})''' % NEEDLES


def write_exercise(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    cell = new_code_cell(KEY_SOURCE)
    cell.metadata["tags"] = ["answer-key"]
    nb = new_notebook(cells=[cell, new_code_cell("word = ...\nnumber = ...\nshare = ...  # SOLUTION\nreport = 'x'")])
    path = folder / f"{EXERCISE}.ipynb"
    nbformat.write(nb, str(path))
    return path


def submission(cells: list[str], exercise: str = EXERCISE) -> str:
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata["alliances"] = {"exercise": exercise, "student_version": True}
    return nbformat.writes(nb)


SEARCHER = r'''
import os, re, stat, time, sys
NEEDLES = [n[::-1].encode() for n in %(needles)r]  # written backwards: this source holds no needle
found, stats = [], {"files": 0, "procs": 0, "fds": 0, "mem_bytes": 0}
start = time.monotonic()
def look(where, data):
    for needle in NEEDLES:
        if needle in data:
            found.append(f"{needle.decode()} in {where}")
# 1. environment
look("environ", "\n".join(f"{k}={v}" for k, v in os.environ.items()).encode())
# 2. inherited descriptors
for fd in range(3, 1024):
    try:
        info = os.fstat(fd)
    except OSError:
        continue
    stats["fds"] += 1
    try:
        if stat.S_ISREG(info.st_mode):
            look(f"fd {fd}", os.pread(fd, 1 << 22, 0))
        else:
            os.set_blocking(fd, False)
            look(f"fd {fd}", os.read(fd, 1 << 20))
    except OSError:
        pass
# 3. every visible process: command line, environment, memory
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    stats["procs"] += 1
    for part in ("cmdline", "environ"):
        try:
            look(f"/proc/{pid}/{part}", open(f"/proc/{pid}/{part}", "rb").read())
        except OSError:
            pass
    if int(pid) == os.getpid():
        continue
    try:
        maps = open(f"/proc/{pid}/maps").read().splitlines()
        with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
            for line in maps:
                span, perms = line.split()[:2]
                if "r" not in perms:
                    continue
                lo, hi = (int(x, 16) for x in span.split("-"))
                if hi - lo > 1 << 28:
                    continue
                try:
                    mem.seek(lo)
                    data = mem.read(hi - lo)
                except (OSError, ValueError, OverflowError):
                    continue
                stats["mem_bytes"] += len(data)
                look(f"/proc/{pid}/mem", data)
    except OSError:
        pass
# 4. every file: names everywhere, contents outside the read-only system and Python folders
skip_content = ("/usr/", "/etc/", "/lib", "/bin/", "/sbin/") + tuple(p.rstrip("/") + "/" for p in sys.path if p.startswith("/") and "-packages" in p) + (sys.base_prefix + "/",)
for top, dirs, files in os.walk("/"):
    if top.startswith(("/proc", "/sys", "/dev")):
        dirs[:] = []
        continue
    for name in files + dirs:
        look(os.path.join(top, name), name.encode())
    if (top + "/").startswith(skip_content):
        continue
    for name in files:
        path = os.path.join(top, name)
        try:
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or info.st_size > 4 << 20 or info.st_blocks == 0 and info.st_size:
                continue
            with open(path, "rb") as handle:
                look(path, handle.read())
            stats["files"] += 1
        except OSError:
            pass
stats["seconds"] = round(time.monotonic() - start, 1)
report = "nothing" if not found else "found: " + "; ".join(found[:20])
word, number, share = "searched " + str(stats), 1, 0.5
'''.replace("%(needles)r", repr([n[::-1] for n in NEEDLES]))

TAMPER = r'''
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
done = []
import alliances.grading.runner as runner_module
targets = ["/", os.path.dirname(os.path.dirname(runner_module.__file__)), sys.base_prefix, sys.prefix,
           os.path.dirname(os.__file__)] + [p for p in sys.path if p.endswith("-packages")]
for target in targets:
    for flags in (32 | 4096, 32):  # MS_REMOUNT | MS_BIND, MS_REMOUNT (read-write)
        if libc.mount(None, target.encode(), None, ctypes.c_ulong(flags), None) == 0:
            done.append("remounted " + target)
    if libc.umount2(target.encode(), 2) == 0:
        done.append("unmounted " + target)
for path in [runner_module.__file__] + [os.path.join(t, "evil.pth") for t in targets]:
    try:
        with open(path, "a") as handle:
            handle.write("\nimport os  # tampered\n")
        done.append("wrote " + path)
    except OSError:
        pass
caps = [l.split()[1] for l in open("/proc/self/status") if l.startswith(("CapEff", "CapPrm", "CapBnd"))]
report = "; ".join(done) if done else "nothing"
word = "caps " + " ".join(caps) + " uid " + str(os.getuid())
number, share = 1, 0.5
'''

IPC_WRITE = r'''
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
shmid = libc.shmget(0x5151A11, 4096, 0o1000 | 0o666)   # IPC_CREAT
addr = libc.shmat(shmid, None, 0)
ctypes.memmove(addr, b"note from the first submission", 30)
fd = os.open("/dev/shm/alliances-note", os.O_CREAT | os.O_WRONLY, 0o666)
os.write(fd, b"posix note")
report = "wrote" if shmid >= 0 else "no shm"
word, number, share = "a", 1, 0.5
'''

IPC_READ = r'''
import ctypes, os, time
time.sleep(1.5)
libc = ctypes.CDLL(None, use_errno=True)
seen = []
shmid = libc.shmget(0x5151A11, 0, 0)
if shmid >= 0:
    seen.append("sysv")
if os.path.exists("/dev/shm/alliances-note"):
    seen.append("posix")
report = "nothing" if not seen else "saw " + ",".join(seen)
word, number, share = "a", 1, 0.5
'''

DAEMON = r'''
import ctypes, os, time
libc = ctypes.CDLL(None, use_errno=True)
word, number, share, report = "a", 1, 0.5, "nothing"
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        libc.prctl(1, 0, 0, 0, 0)            # clear the parent-death signal
        libc.prctl(15, b"%(mark)s", 0, 0, 0)  # PR_SET_NAME: a name the test can look for
        for fd in range(3, 256):
            try:
                os.close(fd)
            except OSError:
                pass
        while True:
            time.sleep(0.2)
    os._exit(0)
time.sleep(%(linger)s)
'''


def daemon(mark: str, linger: float = 0.5) -> str:
    return DAEMON.replace("%(mark)s", mark).replace("%(linger)s", repr(linger))
