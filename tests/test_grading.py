"""Batch grading: hostile submissions are graded fairly and never stop or distort the batch.

One batch (module fixture) grades the fixture exercise of ``tests/grading_fixtures`` for a right
and a wrong submission, the instructor's source, a blank student version and every hostile case
of ``grading_fixtures.HOSTILE``, through the real CLI with 2 workers and a short timeout.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

from alliances.grading import assign, grade
from alliances.grading.common import sanitise_id
from alliances.grading.grade import grade_folder
from alliances.grading.gradebook import gradebook_csv, gradescope_results
from alliances.grading.sandbox import Limits, detect_mode
from alliances.grading.scoring import judge_answers
from alliances.grading.submissions import discover

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grading_fixtures as fx  # noqa: E402

TIMEOUT = 8
MODE = detect_mode()
ISOLATED = MODE in ("root-ns", "user-ns")
needs_isolation = pytest.mark.skipif(not ISOLATED, reason=f"no namespace isolation here ({MODE})")
EVIL_STUDENT = "=cmd|' calc'!A0;rm -rf"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading")
    exercises, submissions, out = root / "exercises", root / "submissions", root / "grading-output"
    source = fx.write_exercise(exercises)
    paths = {"exercises": str(exercises), "submissions": str(submissions), "out": str(out)}
    _write(submissions / "alice" / f"{fx.EXERCISE}.ipynb", fx.submission(fx.RIGHT))
    _write(submissions / "bob" / f"{fx.EXERCISE}.ipynb", fx.submission(fx.WRONG))
    _write(submissions / f"zoe__{fx.EXERCISE}.ipynb", fx.submission(fx.RIGHT))           # flat layout
    _write(submissions / "carol" / "my homework.ipynb", fx.submission(fx.RIGHT))         # name from metadata
    _write(submissions / EVIL_STUDENT / f"{fx.EXERCISE}.ipynb", fx.submission(fx.WRONG))
    _write(submissions / "instructor" / f"{fx.EXERCISE}.ipynb", source.read_text())
    assign.main([str(source), "--out", str(root / "student")])
    _write(submissions / "blank" / f"{fx.EXERCISE}.ipynb", (root / "student" / source.name).read_text())
    _write(submissions / "garbage" / f"{fx.EXERCISE}.ipynb", "this is not a notebook {")
    for name, cells in fx.HOSTILE.items():
        _write(submissions / name / f"{fx.EXERCISE}.ipynb", fx.submission(fx.fill(cells, **paths)))
    before = {p: p.read_bytes() for p in submissions.rglob("*") if p.is_file()}
    source_before = source.read_bytes()
    args = [str(submissions), "--out", str(out), "--exercises", str(exercises), "--workers", "2",
            "--timeout", str(TIMEOUT), "--gradescope", "--no-progress",
            "--memory-mb", "1024"]  # the memory bomb reaches the limit in half the time on a busy machine
    if not ISOLATED:
        args.append("--allow-weak-sandbox")
    assert grade.main(args) == 0
    results = {}
    for path in (out / "results").glob("*.json"):
        data = json.loads(path.read_text())
        results[data["student"]] = data
    rows = {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}
    return {"root": root, "out": out, "submissions": submissions, "results": results, "rows": rows,
            "before": before, "source": source, "source_before": source_before, "args": args}


def score(batch, student):
    return batch["results"][student]["total"]


def points(batch, student):
    return {q["id"]: q["points"] for q in batch["results"][student]["questions"]}


def question(batch, student, question_id):
    return next(q for q in batch["results"][student]["questions"] if q["id"] == question_id)


def test_batch_completes_with_a_row_per_submission(batch):
    expected = {"alice", "bob", "zoe", "carol", sanitise_id(EVIL_STUDENT), "instructor", "blank", "garbage",
                *fx.HOSTILE}
    assert set(batch["rows"]) == expected
    header = next(csv.reader((batch["out"] / "gradebook.csv").open(encoding="utf-8")))
    assert header == ["student", "exercise", "q1", "q1-hidden", "q2", "q3", "total", "max_total", "status", "reason",
                      "file"]


def test_right_wrong_instructor_and_blank(batch):
    for student in ("alice", "zoe", "carol", "instructor"):
        assert score(batch, student) == fx.MAX_TOTAL, student
        assert batch["rows"][student]["status"] == "graded"
    assert score(batch, "bob") == 0 and batch["rows"]["bob"]["status"] == "graded"
    blank = batch["results"]["blank"]
    assert blank["total"] == 0 and {q["status"] for q in blank["questions"]} == {"missing"}
    assert "no answer yet" in question(batch, "blank", "q1")["message"]
    assert batch["rows"]["alice"]["max_total"] == "6"


def test_hostile_ids_stay_inside_the_output_folder(batch):
    evil = sanitise_id(EVIL_STUDENT)
    assert "/" not in evil and not evil.startswith(("=", "+", "-", "@", "."))
    assert (batch["out"] / "feedback" / evil / f"{fx.EXERCISE}.md").is_file()
    for path in batch["out"].rglob("*"):
        assert path.resolve().is_relative_to(batch["out"].resolve())


def test_feedback_and_hidden_checks(batch):
    text = (batch["out"] / "feedback" / "bob" / f"{fx.EXERCISE}.md").read_text()
    assert "not yet. Hint: Double the base share." in text
    assert "hidden check: failed" in text
    assert "0.38" not in text and "0.62" not in text and "17" not in text
    assert "hidden check: passed" in (batch["out"] / "feedback" / "alice" / f"{fx.EXERCISE}.md").read_text()


def test_gradescope_results(batch):
    data = json.loads((batch["out"] / "gradescope" / "alice" / fx.EXERCISE / "results.json").read_text())
    assert data["score"] == fx.MAX_TOTAL
    assert [t["name"] for t in data["tests"]] == ["q1", "q1-hidden", "q2", "q3"]
    assert all({"name", "score", "max_score", "output"} <= set(t) for t in data["tests"])
    hidden = data["tests"][1]
    assert hidden["output"] == "hidden check: passed" and hidden["visibility"] == "after_published"


@needs_isolation
def test_snoop_cannot_read_solutions(batch):
    result = batch["results"]["snoop"]
    assert result["answers"]["pick"] == "nothing"
    assert result["total"] == 0


@needs_isolation
def test_sandbox_uses_its_own_copy_of_the_package(batch):
    where = batch["results"]["whereami"]["answers"]["pick"].split("|")
    assert where[0] == "/course/lib/alliances/__init__.py"
    if MODE == "root-ns":
        assert int(where[1]) >= 200000
    assert score(batch, "whereami") == fx.MAX_TOTAL - 1  # pick holds the report, not a colour


def test_patching_the_checker_gains_nothing(batch):
    assert score(batch, "patch") == 0


def test_always_equal_and_float_subclass(batch):
    assert score(batch, "always_equal") == 0
    assert question(batch, "always_equal", "q1")["status"] == "invalid"
    assert points(batch, "float_subclass") == {"q1": 0, "q1-hidden": 0, "q2": 0, "q3": 1}


def test_infinite_loops_time_out_and_keep_earlier_answers(batch):
    for student in ("infinite_loop", "stubborn_loop"):
        row = batch["rows"][student]
        assert row["status"] == "timed out"
        assert points(batch, student)["q1"] == 2 and points(batch, student)["q2"] == 0
        assert "stopped" in question(batch, student, "q2")["message"]


def test_resource_bombs_are_contained(batch):
    assert batch["rows"]["memory_bomb"]["status"] == "graded"
    assert "MemoryError" in batch["rows"]["memory_bomb"]["reason"]
    assert score(batch, "memory_bomb") == fx.MAX_TOTAL
    assert score(batch, "fork_bomb") == fx.MAX_TOTAL
    assert batch["rows"]["fork_bomb"]["status"] in ("graded", "timed out")
    assert batch["rows"]["print_flood"]["status"] == "crashed"
    assert "output" in batch["rows"]["print_flood"]["reason"]
    assert score(batch, "print_flood") == fx.MAX_TOTAL  # the answers came before the flood


def test_exits_and_crashes_cost_only_what_follows(batch):
    assert batch["rows"]["sys_exit"]["status"] == "graded" and score(batch, "sys_exit") == fx.MAX_TOTAL
    for student in ("os_exit", "segfault"):
        assert batch["rows"][student]["status"] == "crashed", student
        assert points(batch, student) == {"q1": 2, "q1-hidden": 1, "q2": 0, "q3": 0}
    assert "SIGSEGV" in batch["rows"]["segfault"]["reason"]
    # kill_self: as PID 1 of its namespace the runner ignores its own SIGKILL, elsewhere it dies
    assert points(batch, "kill_self")["q1"] == 2
    assert batch["rows"]["kill_self"]["status"] in ("graded", "crashed")


def test_errors_in_cells_cost_only_their_questions(batch):
    for student, error in (("syntax_error", "SyntaxError"), ("exception", "ZeroDivisionError")):
        assert points(batch, student) == {"q1": 2, "q1-hidden": 1, "q2": 0, "q3": 1}
        assert error in batch["rows"][student]["reason"]
    assert score(batch, "magics") == fx.MAX_TOTAL


def test_renamed_variables_score_zero_with_a_clear_message(batch):
    assert points(batch, "renamed") == {"q1": 0, "q1-hidden": 1, "q2": 0, "q3": 1}
    message = question(batch, "renamed", "q1")["message"]
    assert "no variable called `share`" in message


def test_invalid_notebook(batch):
    row = batch["rows"]["garbage"]
    assert row["status"] == "invalid notebook" and row["total"] == "0" and row["max_total"] == "6"


def test_vandal_cannot_touch_trusted_files(batch):
    for path, content in batch["before"].items():
        assert path.read_bytes() == content, f"{path} was modified"
    assert batch["source"].read_bytes() == batch["source_before"]
    assert batch["results"]["alice"]["total"] == fx.MAX_TOTAL
    assert score(batch, "vandal") == 0  # forged stdout frames are ignored
    if ISOLATED:
        assert not (batch["submissions"] / "mallory").exists()


@needs_isolation
def test_network_is_unreachable(batch):
    assert batch["results"]["network"]["answers"]["pick"].startswith("net: ")
    assert batch["results"]["network"]["answers"]["pick"] != "net: open"


def test_second_run_skips_everything(batch):
    before = (batch["out"] / "gradebook.csv").read_bytes()
    counts = grade_folder(batch["submissions"], batch["out"], batch["root"] / "exercises", workers=2,
                          limits=Limits(timeout=TIMEOUT), allow_weak=not ISOLATED, progress=False, log=lambda m: None)
    assert counts["graded_now"] == 0 and counts["skipped"] == len(batch["rows"])
    assert (batch["out"] / "gradebook.csv").read_bytes() == before


def test_resume_and_regrade(tmp_path):
    exercises, submissions, out = tmp_path / "ex", tmp_path / "subs", tmp_path / "out"
    fx.write_exercise(exercises)
    _write(submissions / "ann" / f"{fx.EXERCISE}.ipynb", fx.submission(fx.RIGHT))
    _write(submissions / "ben" / f"{fx.EXERCISE}.ipynb", fx.submission(fx.WRONG))

    def run(**kw):
        return grade_folder(submissions, out, exercises, workers=2, limits=Limits(timeout=TIMEOUT),
                            allow_weak=not ISOLATED, progress=False, log=lambda m: None, **kw)

    assert run()["graded_now"] == 2
    # an interrupted run: one result lost, the gradebook gone; the next run redoes only that one
    [ben] = (out / "results").glob(f"ben__{fx.EXERCISE}__*.json")
    ben.unlink()
    (out / "gradebook.csv").unlink()
    assert run()["graded_now"] == 1
    assert len(list(csv.DictReader((out / "gradebook.csv").open()))) == 2
    _write(submissions / "ben" / f"{fx.EXERCISE}.ipynb", fx.submission(fx.RIGHT))  # resubmitted
    assert run()["graded_now"] == 1
    rows = {r["student"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
    assert rows["ben"]["total"] == "6"
    assert run(regrade=True)["graded_now"] == 2


def test_discover_layouts(tmp_path):
    _write(tmp_path / "amy" / "ch90_fixture.ipynb", "{}")
    _write(tmp_path / "amy" / "notes.txt", "hi")
    _write(tmp_path / "dan__ch90_fixture.ipynb", "{}")
    _write(tmp_path / "x y;$(id)__ch90_fixture.ipynb", "{}")
    _write(tmp_path / ".._.._etc__ch90_fixture.ipynb", "{}")  # hidden files are skipped
    (tmp_path / "link").symlink_to(tmp_path / "amy")
    found, skipped = discover(tmp_path, {"ch90_fixture"})
    assert sorted((s.student, s.exercise) for s in found) == [
        ("amy", "ch90_fixture"), ("dan", "ch90_fixture"), (sanitise_id("x y;$(id)"), "ch90_fixture")]
    assert sanitise_id("x y;$(id)").startswith("x_y_id-")
    assert "link (a symbolic link, not followed)" in skipped and "amy/notes.txt" in skipped


def test_sanitise_id():
    assert sanitise_id("alice") == "alice"
    for hostile in ("../../etc", "..", ".", "", "a/b", "=1+2", "x" * 500, "é"):
        clean = sanitise_id(hostile)
        assert clean and clean not in (".", "..") and "/" not in clean and len(clean) <= 80
        assert clean[0].isalnum()
    assert sanitise_id("a/b") != sanitise_id("a_b")


def test_judging_renamed_and_missing_answers():
    key = {"q1": {"answer": "x", "kind": "number", "expected": 1.0, "tol": 0.01}}
    assert judge_answers(key, {"x": 1.0}, "graded")[0]["status"] == "correct"
    assert "no variable called `x`" in judge_answers(key, {}, "graded")[0]["message"]
    assert "timed out" in judge_answers(key, {}, "timed out")[0]["message"]
    assert judge_answers(key, {"x": {"__unsupported__": "Cheat"}}, "graded")[0]["status"] == "invalid"


def test_csv_is_safe_for_spreadsheets():
    result = {"student": "=HYPERLINK(1)", "exercise": "ch90", "status": "graded", "reason": "+1",
              "total": 1.0, "max_total": 2.0,
              "questions": [{"id": "q1", "status": "correct", "points": 1.0, "max_points": 2.0, "message": "",
                             "hidden": False}]}
    text = gradebook_csv([result])
    assert "'=HYPERLINK(1)" in text and "'+1" in text
    assert gradescope_results(result)["score"] == 1.0


def test_gradescope_run_autograder(tmp_path):
    from alliances.grading.gradescope import run_autograder

    exercises = tmp_path / "source" / "exercises"
    fx.write_exercise(exercises)
    _write(tmp_path / "submission" / "homework.ipynb", fx.submission(fx.WRONG[:1] + fx.RIGHT[1:]))
    results = run_autograder(tmp_path / "submission", tmp_path / "results" / "results.json", exercises,
                             timeout=TIMEOUT, harden=False)
    saved = json.loads((tmp_path / "results" / "results.json").read_text())
    assert saved == results and saved["score"] == 3.0
    assert {t["name"]: t["score"] for t in saved["tests"]} == {"q1": 0, "q1-hidden": 0, "q2": 2, "q3": 1}


def test_weak_sandbox_is_refused_without_the_flag(tmp_path, monkeypatch, capsys):
    import alliances.grading.sandbox as sandbox

    monkeypatch.setitem(sandbox._MODE_CACHE, "mode", "weak")
    exercises, submissions = tmp_path / "ex", tmp_path / "subs"
    fx.write_exercise(exercises)
    _write(submissions / "ann" / f"{fx.EXERCISE}.ipynb", fx.submission(fx.RIGHT))
    code = grade.main([str(submissions), "--out", str(tmp_path / "out"), "--exercises", str(exercises),
                       "--no-progress"])
    assert code == 2
    err = capsys.readouterr().err
    # refused either way: without the flag, or (as root with a Python other uids cannot reach) outright
    assert "MAY READ" in err or "submissions never run as root" in err


def test_the_checking_package_is_copied_not_shared():
    """The sandbox copy must not be reachable through the editable install (it points at the repo)."""
    from alliances.grading.sandbox import Sandbox

    if not ISOLATED:
        pytest.skip("needs namespaces")
    with Sandbox([], limits=Limits(timeout=TIMEOUT)) as box:
        outcome = box.run(["import alliances, sys\nwhere = alliances.__file__\nfinders = str(sys.meta_path)"],
                          ["where", "finders"])
    assert outcome.answers["where"].startswith("/course/lib/")
    assert "editable" not in outcome.answers["finders"].lower()
