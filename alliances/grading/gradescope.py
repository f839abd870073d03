"""Grade ONE submission inside a Gradescope autograder container.

Gradescope runs ``/autograder/run_autograder`` for each submission, with the student's files in
``/autograder/submission/``, the files you uploaded in ``/autograder/source/`` and the results
expected in ``/autograder/results/results.json``. A ``run_autograder`` script for this course::

    #!/usr/bin/env bash
    cd /autograder/source && python3 -c "from alliances.grading.gradescope import run_autograder; run_autograder()"

with ``setup.sh`` installing the course (``pip install -r /autograder/source/requirements.txt``) and
the instructor's ``exercises/`` folder inside ``/autograder/source``.

Gradescope's containers usually do not allow Linux namespaces, so the sandbox there is normally the
``weak`` one. To compensate inside that disposable, single-submission container, when running as
root ``run_autograder`` makes the exercises folder readable by root only (mode 0700) and runs the
submission as an unprivileged uid, so the solution notebooks are still unreadable to it; the network
and the rest of the container remain as Gradescope provides them. The score always comes from the
trusted key read here, never from anything the submission reports about itself.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from alliances.grading.common import write_atomically
from alliances.grading.gradebook import gradescope_results
from alliances.grading.sandbox import Limits, Sandbox, SandboxError, detect_mode
from alliances.grading.scoring import Exercises, grade_submission
from alliances.grading.submissions import _candidate


def _harden(folder: Path) -> None:
    """In a throw-away container, as root: make the instructor's files unreadable to other uids."""
    if os.name == "posix" and os.geteuid() == 0:
        for path in [folder, *folder.rglob("*")]:
            try:
                os.chmod(path, 0o700 if path.is_dir() else 0o600)
            except OSError:
                pass


def run_autograder(submission_dir: str | Path = "/autograder/submission",
                   results_path: str | Path = "/autograder/results/results.json",
                   exercises_dir: str | Path = "/autograder/source/exercises",
                   exercise: str | None = None, timeout: float = 300.0, harden: bool = True) -> dict:
    """Grade the notebook in ``submission_dir`` and write Gradescope's ``results.json``; returns it."""
    submission_dir, results_path, exercises_dir = Path(submission_dir), Path(results_path), Path(exercises_dir)
    exercises = Exercises(exercises_dir)
    notebooks = sorted(p for p in submission_dir.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if exercise is None and notebooks:
        named = [p for p in notebooks if p.stem in exercises.names]
        chosen = (named or notebooks)[0]
    else:
        chosen = next((p for p in notebooks if p.stem == exercise), notebooks[0] if notebooks else None)
    if chosen is None:
        results = {"score": 0, "output": "No .ipynb notebook was found in your submission.", "tests": []}
        write_atomically(results_path, json.dumps(results, indent=2) + "\n")
        return results
    submission = _candidate(chosen, "gradescope", exercise or chosen.stem, chosen.name,
                            exercises.names | ({exercise} if exercise else set()))
    if harden and detect_mode() == "weak":
        exercises.key(submission.exercise)  # read the key first, then lock the folders
        _harden(exercises_dir)
        results_path.parent.mkdir(parents=True, exist_ok=True)
        _harden(results_path.parent)  # the weak sandbox refuses to run while its uid could read these
    try:
        with Sandbox([exercises_dir, results_path.parent], limits=Limits(timeout=timeout), allow_weak=True) as sandbox:
            record = grade_submission(submission, exercises, sandbox, 0)
            if sandbox.warning:
                print(f"WARNING: {sandbox.warning}", file=sys.stderr)
    except SandboxError as exc:
        results = {"score": 0, "output": f"The autograder could not start: {exc}", "tests": []}
        write_atomically(results_path, json.dumps(results, indent=2) + "\n")
        return results
    results = gradescope_results(record)
    write_atomically(results_path, json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    run_autograder()
