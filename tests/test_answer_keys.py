"""The answer keys of the exercise notebooks: valid, validated when the notebook is loaded, and honest
about hidden parts in the student version."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from alliances.checking import Checker, answer_key_from_source, public_key

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


def key_cell(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    (cell,) = [c for c in nb.cells if "answer-key" in c.metadata.get("tags", [])]
    return cell.source


def corrupt(source: str, question_id: str, field: str, value) -> str:
    """The key cell's source with one field of one question replaced (as an instructor's typo would)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and k.value == question_id and isinstance(v, ast.Dict):
                    for kk, i in zip(v.keys, range(len(v.keys))):
                        if isinstance(kk, ast.Constant) and kk.value == field:
                            v.values[i] = ast.parse(repr(value) if value == value else "float('nan')", mode="eval").body
                            return ast.unparse(tree)
                    v.keys.append(ast.Constant(field))
                    v.values.append(ast.parse(repr(value), mode="eval").body)
                    return ast.unparse(tree)
    raise AssertionError(f"no question {question_id}")


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_every_key_is_valid(path):
    key = answer_key_from_source(key_cell(path))
    assert key and all(spec.get("hint") for spec in key.values() if not spec.get("hidden")), \
        "every visible question needs a hint for wrong answers"


def bad_values(spec):
    """A typo the validation must catch for this question, with words the error must contain."""
    kind = spec["kind"]
    if kind == "integer":
        return [("expected", 1.5, "whole number"), ("points", "two", "points")]
    if kind == "choice":
        return [("expected", "none of these", "not among the options")]
    if kind == "set":
        return [("expected", "defence", "list of strings")]
    if kind == "number":
        return [("expected", float("nan"), "finite number"), ("tolerance", 0.1, "unknown field")]
    return [("points", "x", "points")]


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_a_broken_key_stops_the_notebook_naming_the_question(path):
    source = key_cell(path)
    key = answer_key_from_source(source)
    for question_id, spec in key.items():
        for field, value, words in bad_values(spec):
            broken = corrupt(source, question_id, field, value)
            with pytest.raises(ValueError) as info:
                exec(compile(broken, "answer-key", "exec"), {})  # what running the cell does
            assert repr(question_id) in str(info.value) and words in str(info.value), str(info.value)


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_student_key_counts_hidden_parts_without_revealing_them(path):
    key = answer_key_from_source(key_cell(path))
    hidden = {q: s for q, s in key.items() if s.get("hidden")}
    public = public_key(key, "salt")
    assert set(public) == {q for q in key if q not in hidden}
    for question_id, spec in public.items():
        own = sum(1 for h in hidden if h.split("-")[0] == question_id)
        assert spec.get("hidden_parts", 0) == own
        assert spec.get("hidden_total", 0) == len(hidden)
    text = repr(public)
    for question_id in hidden:
        assert repr(question_id) not in text and repr(key[question_id]["answer"]) not in text
    check = Checker(public)
    for question_id in public:
        note = "more part" in check(question_id, ...).message
        assert note == any(h.split("-")[0] == question_id for h in hidden)


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_generated_student_version_announces_hidden_parts(path):
    from alliances.grading.notebooks import student_version

    key = answer_key_from_source(key_cell(path))
    nb = student_version(nbformat.read(path, as_version=4), path.stem, salt="s")
    (cell,) = [c for c in nb.cells if "answer-key" in c.metadata.get("tags", [])]
    check = Checker(answer_key_from_source(cell.source))
    for question_id in check.questions:
        owns = any(h.split("-")[0] == question_id for h, s in key.items() if s.get("hidden"))
        assert ("more part" in check(question_id, ...).message) == owns
