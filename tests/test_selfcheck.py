"""Every self-check question (book/selfcheck/*.yml, discovered) gives the right verdict and feedback.

jupyterquiz judges in the browser. Its rules for numeric questions (``js/numeric.js``) are
re-implemented here in Python, including the flaw that ``precision: 0`` hits
(``Number.prototype.toPrecision(0)`` throws a RangeError), so each question's right path and
wrong path can be walked without a browser. The website engineer tests the same in a real browser.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml

from alliances.selfcheck import SELFCHECK_DIR, load_questions, normalise, validate

QUIZZES = sorted(SELFCHECK_DIR.glob("*.yml"))
JS_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


class RangeError(Exception):
    """What JavaScript throws for toPrecision(0)."""


def js_number(text: str) -> float:
    """JavaScript's Number(string) for the inputs a reader types (blank is 0, junk is NaN)."""
    text = text.strip()
    if not text:
        return 0.0
    if text in ("Infinity", "+Infinity", "-Infinity"):
        return math.copysign(math.inf, -1 if text.startswith("-") else 1)
    return float(text) if JS_NUMBER.match(text) else math.nan


def to_precision(x: float, digits) -> float:
    """The number that JavaScript's x.toPrecision(digits) spells (ties go to the larger integer)."""
    digits = int(digits)
    if not 1 <= digits <= 100:
        raise RangeError(f"toPrecision() argument must be between 1 and 100, got {digits}")
    if x == 0 or not math.isfinite(x):
        return x
    exponent = math.floor(math.log10(abs(x)))
    quantum = Decimal(1).scaleb(exponent - digits + 1)
    rounding = ROUND_HALF_UP if x > 0 else ROUND_HALF_DOWN
    return float(Decimal(x).quantize(quantum, rounding=rounding))


def loose_equal(a, b) -> bool:
    """JavaScript's == between a number and a number or numeric string."""
    a = js_number(a) if isinstance(a, str) else a
    b = js_number(b) if isinstance(b, str) else b
    return a == b


def judge_numeric(question: dict, typed: str) -> tuple[bool, str]:
    """check_numeric() from jupyterquiz's numeric.js: (correct, feedback shown)."""
    submission = typed
    if "/" in submission:
        top, bottom = submission.split("/")[:2]
        numerator, denominator = js_number(top), js_number(bottom)
        if denominator:
            submission = numerator / denominator
        else:
            submission = math.copysign(math.inf, numerator) if numerator else math.nan
    has_precision = "precision" in question
    if has_precision and float(question["precision"]) > 0:
        number = js_number(submission) if isinstance(submission, str) else submission
        submission = to_precision(number, question["precision"]) if math.isfinite(number) else number
    default = "Incorrect. Try again."
    for answer in question["answers"]:
        if "value" in answer:
            value = to_precision(answer["value"], question["precision"]) if has_precision else answer["value"]
            if loose_equal(submission, value):
                return bool(answer.get("correct")), answer.get("feedback", "Correct")
        elif "range" in answer:
            low, high = answer["range"]
            number = js_number(submission) if isinstance(submission, str) else submission
            if low <= number < high:
                return bool(answer.get("correct")), answer["feedback"]
        elif answer.get("type") == "default" and "feedback" in answer:
            default = answer["feedback"]
    return False, default


def all_questions():
    for path in QUIZZES:
        for number, question in enumerate(load_questions(path.stem), start=1):
            yield pytest.param(question, id=f"{path.stem}-q{number}")


def raw_questions():
    for path in QUIZZES:
        for number, question in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")), start=1):
            yield pytest.param(question, id=f"{path.stem}-q{number}")


def test_there_are_quizzes():
    assert QUIZZES


def test_the_emulator_reproduces_jupyterquiz():
    question = {"precision": 3, "answers": [{"value": 23, "correct": True, "feedback": "yes"},
                                            {"range": [29.5, 30.5], "correct": False, "feedback": "E0"},
                                            {"type": "default", "feedback": "no"}]}
    assert judge_numeric(question, "23") == (True, "yes")
    assert judge_numeric(question, "23.04") == (True, "yes")  # 23.04 -> 23.0 at three significant digits
    assert judge_numeric(question, "23.06") == (False, "no")  # -> 23.1
    assert judge_numeric(question, "30") == (False, "E0")
    assert judge_numeric(question, "46/2") == (True, "yes")
    assert judge_numeric(question, "1e") == (False, "no")
    with pytest.raises(RangeError):
        judge_numeric({"precision": 0, "answers": [{"value": 5, "correct": True, "feedback": "yes"}]}, "5")


@pytest.mark.parametrize("question", raw_questions())
def test_no_question_reaches_the_browser_with_precision_0(question):
    """precision: 0 throws in jupyterquiz; the normalised question is judged exactly instead."""
    shown = normalise(question)
    if question["type"] != "numeric":
        assert shown == question
        return
    assert shown.get("precision", 1) > 0
    if question.get("precision") == 0:
        with pytest.raises(RangeError):
            judge_numeric(question, "1")
        for answer in question["answers"]:
            if "value" in answer:
                whole = int(answer["value"])
                for typed in (str(whole), f"{whole}.0", f"{whole}."):
                    assert judge_numeric(shown, typed) == (bool(answer["correct"]), answer["feedback"])
                assert judge_numeric(shown, f"{whole}.4")[0] is False


def right_inputs(question: dict, answer: dict) -> list[str]:
    """What a reader who has the right answer might type (the input accepts only digits, '.', '/', '-', 'e')."""
    if "range" in answer:
        low, high = answer["range"]
        middle = (low + high) / 2
        return [repr(low), repr(middle), f"{middle:.2f}", f"{middle:.4f}"]
    value = answer["value"]
    out = [repr(value), str(float(value))]
    digits = question.get("precision")
    if digits and value:
        unit = 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1)
        out += [repr(value + 0.4 * unit), repr(value - 0.4 * unit)]
    return out


@pytest.mark.parametrize("question", all_questions())
def test_right_path(question):
    right = [a for a in question["answers"] if a.get("correct")]
    assert right
    if question["type"] != "numeric":
        # a click on a correct option shows its own feedback as correct
        assert all(a["feedback"].strip() for a in right)
        if question["type"] == "multiple_choice":
            assert len(right) == 1
        return
    for answer in right:
        for typed in right_inputs(question, answer):
            correct, feedback = judge_numeric(question, typed)
            assert correct, f"typing {typed!r} is marked wrong"
            assert feedback == answer["feedback"]


def wrong_inputs(question: dict) -> list[str]:
    """Clearly wrong numbers: far from every correct value and outside every correct range."""
    centres = [a["value"] if "value" in a else sum(a["range"]) / 2 for a in question["answers"] if a.get("correct")]
    return [repr(c + 1000) for c in centres] + [repr(c - 1000) for c in centres] + ["1e", "-", ""]


@pytest.mark.parametrize("question", all_questions())
def test_wrong_path(question):
    wrong = [a for a in question["answers"] if "correct" in a and not a["correct"]]
    if question["type"] != "numeric":
        assert wrong and all(a["feedback"].strip() for a in wrong), "plausible wrong options with feedback"
        return
    for answer in wrong:
        typed = repr(answer["value"]) if "value" in answer else repr(sum(answer["range"]) / 2)
        assert judge_numeric(question, typed) == (False, answer["feedback"]), f"{typed!r} gets its own hint"
    for typed in wrong_inputs(question):
        if typed == "" and any(a.get("correct") and a.get("value") == 0 for a in question["answers"]):
            continue  # Number("") is 0 in JavaScript
        correct, feedback = judge_numeric(question, typed)
        assert not correct and feedback.strip(), typed


@pytest.mark.parametrize("bad,words", [
    ({"type": "numeric", "answers": [{"type": "value", "value": 5, "correct": True, "feedback": "ok"}]},
     "state the precision"),
    ({"type": "numeric", "precision": 0,
      "answers": [{"type": "value", "value": 2.5, "correct": True, "feedback": "ok"}]},
     "whole-number"),
    ({"type": "numeric", "precision": "2",
      "answers": [{"type": "value", "value": 5, "correct": True, "feedback": "ok"}]},
     "significant digits"),
    ({"type": "numeric", "answers": [{"type": "range", "range": [2, 1], "correct": True, "feedback": "ok"}]},
     "low < high"),
    ({"type": "multiple_choice", "answers": [{"answer": "a", "correct": "yes", "feedback": "ok"}]}, "true or false"),
    ({"type": "multiple_choice", "answers": [{"answer": "a", "correct": True, "feedback": "ok"},
                                             {"answer": "b", "correct": True, "feedback": "ok"}]}, "exactly one"),
])
def test_validate_rejects_malformed_questions(bad, words):
    with pytest.raises(ValueError, match=words):
        validate([{"question": "Q?", **bad}])
    validate([{"question": "Q?", "type": "numeric", "precision": 2,
               "answers": [{"type": "value", "value": 5, "correct": True, "feedback": "ok"}]}])


PRECISION_WORDS = re.compile(r"decimal place|decimals|\bnearest\b|within\s*(?:±)?\s*[\d.]|whole\s+numbers?|\bexact(?:ly)?\b|per ?cent|"
                             r"significant (?:figure|digit)|\bround(?:ed)? to\b|±|\bhow many\b", re.IGNORECASE)


@pytest.mark.parametrize("question", [q for q in all_questions() if q.values[0]["type"] == "numeric"])
def test_numeric_questions_say_their_precision_in_words(question):
    assert PRECISION_WORDS.search(question["question"]), question["question"]


HARNESS = r"""
const fs = require("fs"); const vm = require("vm");
const [src, casesFile] = process.argv.slice(2);
const out = [];
for (const c of JSON.parse(fs.readFileSync(casesFile, "utf8"))) {
  const fb = {style: {}, innerHTML: "", className: "", classes: [], dataset: {},
              parentElement: {parentElement: {id: "outer"}}};
  fb.classList = {add: (k) => fb.classes.push(k)};
  const ctx = {console: {log() {}}, jaxify: (x) => x,
               document: {getElementById: (id) => id.startsWith("fb") ? fb : null}};
  vm.createContext(ctx);
  vm.runInContext("class Question { static register() {} }", ctx);
  vm.runInContext(fs.readFileSync(src, "utf8"), ctx);
  ctx.ths = {id: "q1-0", value: c.typed, dataset: {answers: JSON.stringify(c.question.answers)},
             blur() {}, closest: () => null, className: "", classList: {add() {}}};
  if ("precision" in c.question) ctx.ths.dataset.precision = String(c.question.precision);
  try {
    vm.runInContext("check_numeric(ths, {keyCode: 13})", ctx);
    out.push({correct: fb.classes.includes("correct"), feedback: fb.innerHTML});
  } catch (e) { out.push({error: e.name}); }
}
process.stdout.write(JSON.stringify(out));
"""


def test_emulator_agrees_with_jupyterquiz_itself(tmp_path):
    """Run jupyterquiz's own numeric.js (with a stub page) in Node on every numeric question."""
    import json
    import shutil
    import subprocess

    import jupyterquiz

    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("Node.js is not installed: the emulator is checked against jupyterquiz's own JavaScript "
                    "only where Node is")
    script = Path(jupyterquiz.__file__).parent / "js" / "numeric.js"
    cases = []
    for param in all_questions():
        question = param.values[0]
        if question["type"] != "numeric":
            continue
        typed = {t for a in question["answers"] if "correct" in a for t in right_inputs(question, a)}
        typed |= set(wrong_inputs(question)) | {"1/3", "0.33", "23.05", "23.049"}
        cases += [{"question": question, "typed": t} for t in sorted(typed)]
    for raw in raw_questions():
        if raw.values[0].get("precision") == 0:
            cases.append({"question": raw.values[0], "typed": "1"})
    (tmp_path / "harness.js").write_text(HARNESS)
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    run = subprocess.run([node, str(tmp_path / "harness.js"), str(script), str(tmp_path / "cases.json")],
                         capture_output=True, text=True, timeout=120, check=True)
    for case, browser in zip(cases, json.loads(run.stdout), strict=True):
        try:
            mine = judge_numeric(case["question"], case["typed"])
        except RangeError:
            assert browser == {"error": "RangeError"}
            continue
        assert {"correct": mine[0], "feedback": mine[1]} == browser, case


def test_quiz_sends_jupyterquiz_no_precision_0(monkeypatch):
    """quiz() displays every quiz, validated, and hands jupyterquiz only normalised questions."""
    import jupyterquiz

    from alliances.selfcheck import quiz

    shown = []
    monkeypatch.setattr(jupyterquiz, "display_quiz", lambda questions, **kwargs: shown.append(questions))
    for path in QUIZZES:
        quiz(path.stem)
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        quiz(raw)
        assert shown[-1] == shown[-2] == [normalise(q) for q in raw]
    assert all(q.get("precision") != 0 for questions in shown for q in questions)
    with pytest.raises(ValueError, match="no self-check quiz named"):
        quiz("ch99-missing")


QUIZ_CELL = re.compile(r'^from alliances\.selfcheck import quiz\s+(quiz\("([\w-]+)"\)\s*)+$')


def test_quiz_cells_hold_no_answers_and_every_quiz_is_shown():
    """A chapter's quiz cell only names its quizzes; the answers stay in book/selfcheck/ (issue 16.5)."""
    import nbformat

    book = SELFCHECK_DIR.parent
    used = set()
    for path in sorted(book.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code" or "quiz" not in cell.source:
                continue
            source = cell.source.strip()
            assert QUIZ_CELL.match(source), f"{path.name}: a quiz cell must only call quiz(name): {source[:80]!r}"
            assert "remove-input" in cell.metadata.get("tags", []), f"{path.name}: quiz cell needs remove-input"
            names = re.findall(r'quiz\("([\w-]+)"\)', source)
            assert all(n == path.stem.split("_")[0] or n.startswith(path.stem.split("_")[0] + "-") for n in names)
            used.update(names)
            for name in names:
                for question in load_questions(name):
                    for answer in question["answers"]:
                        assert answer["feedback"] not in source
    assert used == {p.stem for p in QUIZZES}, "every quiz file is shown on its chapter page, and only those"


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


@pytest.mark.parametrize("question", raw_questions())
def test_no_question_or_feedback_holds_tex_math(question):
    """The site has no MathJax (formulas are MathML written at build time, which jupyterquiz's text
    does not get): TeX in a question or its feedback would show raw. Formulas go in words or Unicode."""
    tex = re.compile(r"\$[^$\s][^$]*\$|\\\(|\\\[|\\frac|\\sum")
    assert [t for t in _texts(question) if tex.search(t)] == []
