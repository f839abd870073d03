"""What comes back from one sandboxed run: the limits it ran under, and reading its output into a verdict-free outcome.

The run's stdout and its answer channel are read together with a byte cap on each; frames on the
channel are plain JSON claims (answers after every cell, errors, progress). The outcome says how the
run ended (finished, timed out, crashed, and why); judging the answers is not done here.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass, field


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



def collect(process, read_fd: int, started: float, limits: Limits, probe: bool, watch) -> tuple[RunOutcome, list[dict]]:
    """Read a run's output (capped) and its answer channel until it ends or its time is up; classify the end."""
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
        watch()
        if now >= deadline:
            killed_for = killed_for or "timeout"
            break
        if exit_seen_at is None and process.poll() is not None:
            exit_seen_at = now
            kill_group(process)  # leftovers of a submission that forked and left
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
    kill_group(process)
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
        signum = -returncode if returncode is not None and returncode < 0 else (
            returncode - 128 if returncode is not None and 128 < returncode < 160 else None)
        if signum is not None:
            try:
                name = signal.Signals(signum).name
            except ValueError:
                name = f"signal {signum}"
            reason = f"the notebook's process was killed by {name}"
        else:
            reason = f"the notebook ended its own process early (exit code {returncode})"
    if status == "crashed":
        reason += f", after {cells_run} code cell{'s' if cells_run != 1 else ''}"
    outcome = RunOutcome(status=status, reason=reason, answers=answers, cell_errors=errors[:50],
                         cells_run=cells_run, output_tail=output[-4000:],
                         returncode=returncode, duration=duration)
    return outcome, frames



def _parse_frame(line: bytes, max_line: int) -> dict | None:
    if not line or len(line) > max_line:
        return None
    try:
        frame = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return frame if isinstance(frame, dict) else None


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the process group a run started in (the run itself, and whatever stayed in its group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    try:
        process.kill()
    except OSError:
        pass
