"""The central claim, tested in every mode this machine offers: a submission finds no answer, and
changes nothing outside its own scratch space; no verdict is computed inside a sandbox.

Modes: the grader's own mode (``root-ns`` as root), ``user-ns`` as a real unprivileged user (a user
created with ``useradd`` and a Python virtual environment under ``/tmp``, as a student's instructor
might have), and the ``weak`` mode as root (forced with ``ALLIANCES_SANDBOX_MODE=weak``). A mode is
skipped, with the reason, only where the machine cannot provide it.
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import alliances.grading.scoring as scoring
from alliances.grading.grade import grade_folder
from alliances.grading.sandbox import Limits, Sandbox, detect_mode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grading_fixtures import attacks  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MODE = detect_mode()
USER = "alliances-grader-test"
SYSTEM_PYTHON = "/usr/bin/python3"
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="isolation modes are Linux-only")


def _proc_names() -> dict[int, str]:
    names = {}
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            names[int(pid)] = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            pass
    return names


def _marked(mark: str) -> list[int]:
    return [pid for pid, name in _proc_names().items() if name == mark]


def _host_ipc_leftovers() -> list[str]:
    left = []
    try:
        for line in Path("/proc/sysvipc/shm").read_text().splitlines()[1:]:
            if int(line.split()[0]) == 0x5151A11:
                left.append("sysv shm")
    except OSError:
        pass
    if os.path.exists("/dev/shm/alliances-note"):
        left.append("/dev/shm/alliances-note")
    return left


def _batch(folder: Path, mark: str, only: tuple[str, ...] | None = None) -> tuple[Path, Path, Path]:
    exercises, submissions, out = folder / "exercises", folder / "submissions", folder / "out"
    attacks.write_exercise(exercises)
    right = ('word = "-".join(["Quokka", "Zanzibar", "4417"])\nnumber = 918273644 + 1\nshare = 0.731641 + 1e-6\n'
             'report = "nothing"')  # no answer written out: the searcher must not find it here either
    cases = {"alice": [right],
             "searcher": [attacks.SEARCHER], "tamper": [attacks.TAMPER],
             "ipc_a_write": [attacks.IPC_WRITE], "ipc_b_read": [attacks.IPC_READ],
             "daemon": [attacks.daemon(mark)]}
    for student, cells in cases.items():
        if only and student not in only:
            continue
        path = submissions / student / f"{attacks.EXERCISE}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(attacks.submission(cells))
    return exercises, submissions, out


def _results(out: Path) -> dict[str, dict]:
    return {json.loads(p.read_text())["student"]: json.loads(p.read_text()) for p in (out / "results").glob("*.json")}


def _check_batch(out: Path, mode: str, mark: str, strict_ipc: bool = True) -> None:
    results = _results(out)
    assert {r["sandbox"] for r in results.values()} == {mode}
    assert results["alice"]["total"] == 3, results["alice"]
    rows = list(csv.DictReader((out / "gradebook.csv").open()))
    assert len(rows) == len(results) and {r["status"] for r in rows} == {"graded"}
    if "searcher" not in results:
        return _check_tamper(results["tamper"]["answers"], mode)
    searcher = results["searcher"]
    assert searcher["answers"]["report"] == "nothing", searcher["answers"]
    assert searcher["status"] == "graded", searcher["reason"]
    stats = eval(searcher["answers"]["word"][len("searched "):], {})  # a dict literal built by the test's own submission
    assert stats["procs"] >= 1 and stats["files"] > 0, stats
    _check_tamper(results["tamper"]["answers"], mode)
    if strict_ipc:
        assert results["ipc_b_read"]["answers"]["report"] == "nothing"
    assert _host_ipc_leftovers() == []
    assert _marked(mark) == []
    assert len(rows) == 6


def _check_tamper(tamper: dict, mode: str) -> None:
    assert tamper["report"] == "nothing", tamper
    assert tamper["word"].startswith("caps 0000000000000000 0000000000000000"), tamper["word"]
    if mode != "weak":
        assert tamper["word"].split()[3] == "0000000000000000", tamper["word"]  # bounding set empty too
    if mode != "user-ns":
        assert tamper["word"].split()[-1] != "0", "a submission ran as root"


@pytest.mark.slow
def test_own_mode_hostile_batch_finds_nothing_and_leaves_nothing(tmp_path):
    if MODE == "weak":
        pytest.skip("no namespaces here: the weak mode is tested below")
    mark = "allmark-own"
    exercises, submissions, out = _batch(tmp_path, mark)
    scratch_before = set(Path(tempfile.gettempdir()).glob("alliances-sandbox-*"))
    counts = grade_folder(submissions, out, exercises, workers=2, limits=Limits(timeout=90), progress=False,
                          log=lambda m: None)
    assert counts["leftovers"] == [] and counts["tampered"] == []
    assert set(Path(tempfile.gettempdir()).glob("alliances-sandbox-*")) <= scratch_before  # no file left behind
    _check_batch(out, MODE, mark)


# -- a real unprivileged user, with Python in a virtual environment under /tmp -------------------


@pytest.fixture(scope="module")
def tmp_python():
    """A venv under /tmp made from the system Python, seeing this environment's packages through a .pth file."""
    if not os.path.exists(SYSTEM_PYTHON):
        pytest.skip(f"{SYSTEM_PYTHON} is not installed")
    version = subprocess.run([SYSTEM_PYTHON, "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True).stdout.strip()
    if version != str(sys.version_info[:2]):
        pytest.skip(f"{SYSTEM_PYTHON} is Python {version}, not this environment's {sys.version_info[:2]}")
    top = Path(tempfile.mkdtemp(prefix="alliances-venv-", dir="/tmp"))
    os.chmod(top, 0o755)
    venv = top / "venv"
    subprocess.run([SYSTEM_PYTHON, "-m", "venv", "--without-pip", str(venv)], check=True)
    [packages] = venv.glob("lib/python3*/site-packages")
    (packages / "course-env.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    yield venv / "bin" / "python"
    shutil.rmtree(top, ignore_errors=True)


@pytest.fixture(scope="module")
def unprivileged_user():
    if os.geteuid() != 0:
        pytest.skip("creating a test user needs root (run as an ordinary user, the own-mode test covers user-ns)")
    if not shutil.which("useradd") or not shutil.which("runuser"):
        pytest.skip("useradd/runuser not available")
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER], check=True)
    yield pwd.getpwnam(USER)


def _owned_folder(user) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="alliances-userns-", dir="/tmp"))
    os.chown(folder, user.pw_uid, user.pw_gid)
    return folder


def _grade_command(python: Path, exercises: Path, submissions: Path, out: Path, *extra: str) -> list[str]:
    return [str(python), "-m", "alliances.grading.grade", str(submissions), "--out", str(out),
            "--exercises", str(exercises), "--workers", "2", "--timeout", "90", "--no-progress", *extra]


def _user_command(user, command: list[str]) -> list[str]:
    """``command`` run as ``user`` with a clean, minimal environment."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": "/tmp", "LANG": "C.UTF-8"}
    return ["runuser", "-u", user.pw_name, "--", "env", "-i", *[f"{k}={v}" for k, v in env.items()], *command]


def _as_user(user, command: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(_user_command(user, command), capture_output=True, text=True, **kw)


@pytest.fixture
def namespaced_user(unprivileged_user):
    """The unprivileged test user, where an ordinary user may create user namespaces (else skip)."""
    probe = _as_user(unprivileged_user, ["unshare", "--user", "--map-root-user", "--mount", "--pid", "--fork", "true"])
    if probe.returncode != 0:
        pytest.skip(f"user namespaces are not available to an ordinary user here: {probe.stderr.strip()}")
    return unprivileged_user


def _chown_tree(top: Path, user) -> None:
    for folder, dirs, files in os.walk(top):
        os.chown(folder, user.pw_uid, user.pw_gid)
        for name in files:
            os.chown(os.path.join(folder, name), user.pw_uid, user.pw_gid)


@pytest.mark.slow
def test_user_namespace_mode_as_an_unprivileged_user(namespaced_user, tmp_python):
    folder = _owned_folder(namespaced_user)
    try:
        mark = "allmark-userns"
        exercises, submissions, out = _batch(folder, mark)
        _chown_tree(folder, namespaced_user)
        scratch_before = set(Path("/tmp").glob("alliances-sandbox-*"))
        done = _as_user(namespaced_user, _grade_command(tmp_python, exercises, submissions, out), timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        _check_batch(out, "user-ns", mark)
        assert set(Path("/tmp").glob("alliances-sandbox-*")) <= scratch_before  # no file left behind
        assert not list(tmp_python.parent.parent.rglob("evil.pth")), "a submission wrote into the grader's venv"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_own_mode_with_python_in_a_venv_under_tmp(tmp_python, tmp_path):
    """The sandbox mounts a scratch /tmp, but a Python installed under /tmp must still be reachable."""
    if MODE == "weak":
        pytest.skip("no namespaces here: the weak mode test below uses the same venv")
    folder = Path(tempfile.mkdtemp(prefix="alliances-tmpvenv-", dir="/tmp"))
    try:
        mark = "allmark-tmpvenv"
        exercises, submissions, out = _batch(folder, mark, only=("alice", "tamper"))
        done = subprocess.run(_grade_command(tmp_python, exercises, submissions, out),
                              capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        _check_batch(out, MODE, mark)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_weak_mode_as_root_finds_nothing_and_leaves_nothing(tmp_python):
    if os.geteuid() != 0:
        pytest.skip("as an ordinary user the weak mode cannot hide your files (the guide says so)")
    folder = Path(tempfile.mkdtemp(prefix="alliances-weak-", dir="/tmp"))  # mode 0700: the sandbox uid cannot enter
    try:
        mark = "allmark-weak"
        exercises, submissions, out = _batch(folder, mark)
        env = {**os.environ, "ALLIANCES_SANDBOX_MODE": "weak", "PYTHONPATH": str(ROOT)}
        done = subprocess.run(_grade_command(tmp_python, exercises, submissions, out, "--allow-weak-sandbox"),
                              capture_output=True, text=True, env=env, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "MAY READ" in done.stderr
        _check_batch(out, "weak", mark, strict_ipc=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_weak_mode_as_root_refuses_when_python_is_private(tmp_path, monkeypatch):
    """Where the unprivileged uid could not start Python, the weak mode refuses rather than run as root."""
    if os.geteuid() != 0:
        pytest.skip("only root drops to another uid")
    import alliances.grading.sandbox as sandbox

    monkeypatch.setitem(sandbox._MODE_CACHE, "mode", "weak")
    monkeypatch.setattr(sandbox, "reachable_by_others", lambda paths: "/root")
    with pytest.raises(sandbox.SandboxError, match="submissions never run as root"):
        Sandbox([tmp_path], allow_weak=True)


def test_weak_mode_as_root_refuses_when_the_sandbox_user_could_read_the_exercises(tmp_python):
    if os.geteuid() != 0:
        pytest.skip("only root drops to another uid")
    folder = Path(tempfile.mkdtemp(prefix="alliances-open-", dir="/tmp"))
    try:
        os.chmod(folder, 0o755)
        attacks.write_exercise(folder)
        code = ("from alliances.grading.sandbox import Sandbox, SandboxError\n"
                f"try:\n    Sandbox([{str(folder)!r}], allow_weak=True)\nexcept SandboxError as exc:\n    print(exc)")
        done = subprocess.run([str(tmp_python), "-W", "ignore", "-c", code], capture_output=True, text=True,
                              env={**os.environ, "ALLIANCES_SANDBOX_MODE": "weak", "PYTHONPATH": str(ROOT)},
                              timeout=120)
        assert "could read" in done.stdout and str(folder) in done.stdout, done.stdout + done.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- the grader's own death ----------------------------------------------------------------------


def _kill_grader_mid_batch(command: list[str], mark: str, find_grader, env=None, runner=None) -> list[int]:
    process = (runner or subprocess.Popen)(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _marked(mark):
            time.sleep(0.2)
        assert _marked(mark), "the submissions never started"
        os.kill(find_grader(process), signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _marked(mark):
            time.sleep(0.2)
        return _marked(mark)
    finally:
        process.kill()
        process.wait()
        for pid in _marked(mark):
            os.kill(pid, signal.SIGKILL)


def _long_batch(folder: Path, mark: str) -> tuple[Path, Path, Path]:
    exercises, submissions, out = folder / "exercises", folder / "submissions", folder / "out"
    attacks.write_exercise(exercises)
    for student in ("s1", "s2", "s3", "s4"):
        path = submissions / student / f"{attacks.EXERCISE}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(attacks.submission([attacks.daemon(mark, linger=60)]))
    return exercises, submissions, out


@pytest.mark.slow
def test_nothing_survives_the_grader_being_killed(tmp_path):
    mark = "allmark-sigkill"
    exercises, submissions, out = _long_batch(tmp_path, mark)
    command = [sys.executable, "-m", "alliances.grading.grade", str(submissions), "--out", str(out),
               "--exercises", str(exercises), "--workers", "2", "--timeout", "120", "--no-progress"]
    if MODE == "weak":
        command.append("--allow-weak-sandbox")
    left = _kill_grader_mid_batch(command, mark, lambda p: p.pid, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert left == [], f"processes of submissions survived the grader's SIGKILL: {left}"
    # the killed grader's scratch folder is removed by the next grader of the same user
    stale = [p for p in Path(tempfile.gettempdir()).glob("alliances-sandbox-*-*") if p.stat().st_uid == os.geteuid()
             and not Path(f"/proc/{p.name.split('-')[2]}").exists()]
    assert stale
    from alliances.grading.sandbox import _remove_stale_scratch

    _remove_stale_scratch()
    assert not [p for p in stale if p.exists()]


@pytest.mark.slow
def test_nothing_survives_the_grader_being_killed_as_an_unprivileged_user(namespaced_user, tmp_python):
    folder = _owned_folder(namespaced_user)
    try:
        mark = "allmark-sk-user"
        exercises, submissions, out = _long_batch(folder, mark)
        _chown_tree(folder, namespaced_user)
        command = _user_command(namespaced_user, _grade_command(tmp_python, exercises, submissions, out))

        def grader_pid(process) -> int:
            for pid in (p for p in os.listdir("/proc") if p.isdigit()):
                try:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                except OSError:
                    continue
                if b"alliances.grading.grade" in cmdline and str(out).encode() in cmdline \
                        and Path(f"/proc/{pid}").stat().st_uid == namespaced_user.pw_uid:
                    return int(pid)
            raise AssertionError("grader process not found")

        left = _kill_grader_mid_batch(command, mark, grader_pid)
        assert left == [], f"processes of submissions survived the grader's SIGKILL: {left}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        for scratch in Path("/tmp").glob("alliances-sandbox-*-*"):  # the killed grader's scratch folder
            if scratch.stat().st_uid == namespaced_user.pw_uid and not Path(f"/proc/{scratch.name.split('-')[2]}").exists():
                shutil.rmtree(scratch, ignore_errors=True)


# -- verdicts are computed by the grader, and the key never travels ----------------------------


def test_no_verdict_is_computed_inside_the_sandbox_and_the_key_never_reaches_it(tmp_path, monkeypatch):
    exercises, submissions, out = tmp_path / "ex", tmp_path / "subs", tmp_path / "out"
    attacks.write_exercise(exercises)
    right = 'word = "-".join(["quokka", "zanzibar", "4417"])\nnumber = 918273644 + 1\nshare = 0.731641 + 1e-6\nreport = "nothing"'
    for student, cells in {"right": [right],
                           "wrong": ['word, number, share, report = "no", 1, 0.1, "x"']}.items():
        path = submissions / student / f"{attacks.EXERCISE}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(attacks.submission(cells))
    verdict_pids, sent = [], []
    real_judge = scoring.judge

    def recording_judge(*args, **kwargs):
        verdict_pids.append(os.getpid())
        return real_judge(*args, **kwargs)

    real_feed, real_lib = Sandbox._feed, Sandbox._run_lib

    def recording_feed(process, payload):
        sent.append(("stdin", payload.decode()))
        sent.append(("argv", " ".join(process.args)))
        return real_feed(process, payload)

    def recording_lib(self, run_dir):
        lib = real_lib(self, run_dir)
        for path in Path(lib).rglob("*"):
            if path.is_file():
                sent.append((str(path), path.read_bytes().decode("latin-1")))
        return lib

    monkeypatch.setattr(scoring, "judge", recording_judge)
    monkeypatch.setattr(Sandbox, "_feed", staticmethod(recording_feed))
    monkeypatch.setattr(Sandbox, "_run_lib", recording_lib)
    monkeypatch.setenv("ALLIANCES_GRADER_TEST_MARK", "1")
    grade_folder(submissions, out, exercises, workers=2, limits=Limits(timeout=60), progress=False,
                 allow_weak=MODE == "weak", log=lambda m: None)
    results = _results(out)
    assert results["right"]["total"] == 3 and results["wrong"]["total"] == 0
    # every question of every submission was judged here, in the grader's process
    assert verdict_pids == [os.getpid()] * (4 * 2)
    assert any(kind == "stdin" for kind, _ in sent)
    # each run (probe included) starts from a runner of its own, never one an earlier run could reach
    runners = [text.split()[-1] for kind, text in sent if kind == "argv"]
    assert len(runners) == 3 and len(set(runners)) == 3 and all(r.endswith("/grading/runner.py") for r in runners)
    for where, text in sent:
        for needle in attacks.NEEDLES:
            assert needle not in text, f"the answer {needle!r} was sent to the sandbox ({where})"
