"""Read the exercise-notebook format of ``exercises/README.md``: the answer key and the solution markers.

Nothing here executes a notebook: the answer key is read with :func:`answer_key_from_source`
(``ast.literal_eval``) and solutions are removed as text.

Solution markers (see ``exercises/README.md``):

* ``name = <solution>  # SOLUTION`` becomes ``name = ...``;
* the lines from ``# BEGIN SOLUTION`` to ``# END SOLUTION`` become ONE line at the block's
  indentation: ``<answer names> = ...  # your code here`` when the block assigns variables that
  the answer key names (so later ``check`` cells still run), else ``...  # your code here``;
* a cell tagged ``solution`` becomes a placeholder cell (code: as for a block; markdown:
  ``_Write your answer here._``);
* a cell tagged ``instructor`` is removed;
* the cell tagged ``answer-key`` becomes the public key (salted digests, no hidden questions).

Any other line that mentions a solution (``# Solution``, ``# SOLUTION (from Q1)``,
``# BEGIN SOLUTION q1``, a markdown line starting "Solution:" or "Answer:") is refused with a
:class:`FormatError` naming the notebook, cell and line: a marker spelt slightly wrong would
otherwise leave the solution in the student version.
"""

from __future__ import annotations

import ast
import copy
import io
import re
import secrets
import textwrap
import tokenize
from pathlib import Path
from typing import Any

import nbformat

from alliances.checking import answer_key_from_source, public_key

ANSWER_KEY_TAG = "answer-key"
SOLUTION_TAG = "solution"
INSTRUCTOR_TAG = "instructor"
PLACEHOLDER_COMMENT = "# your code here"
MARKDOWN_PLACEHOLDER = "_Write your answer here._"

_SOLUTION_SUFFIX = re.compile(r"#\s*SOLUTION\s*$")
_BEGIN = re.compile(r"^(\s*)#\s*BEGIN SOLUTION\s*$")
_END = re.compile(r"^\s*#\s*END SOLUTION\s*$")
_MENTION = re.compile(r"solution", re.IGNORECASE)
# a markdown line that labels a solution: "Solution: ...", "**Answer:** ...", a heading "## Solution"
_MARKDOWN_LABEL = re.compile(r"^[\s>*_`-]*(solutions?|answers?)\s*(\*\*|__|\*|_)?\s*:|^\s*#+\s*(solutions?|answers?)\s*$",
                             re.IGNORECASE)


class FormatError(ValueError):
    """The instructor's source notebook does not follow the exercise format."""


def tags(cell: Any) -> list[str]:
    found = cell.get("metadata", {}).get("tags", [])
    return [t for t in found if isinstance(t, str)] if isinstance(found, list) else []


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as exc:  # not JSON, not a notebook
        raise FormatError(f"{path}: not a readable notebook ({type(exc).__name__}: {exc})") from None


def answer_key_index(nb: nbformat.NotebookNode, name: str = "notebook") -> int:
    """Index of the one code cell tagged ``answer-key`` (FormatError if none or several)."""
    found = [i for i, cell in enumerate(nb.cells) if ANSWER_KEY_TAG in tags(cell)]
    if not found:
        raise FormatError(f"{name}: no cell tagged {ANSWER_KEY_TAG!r}; see exercises/README.md")
    if len(found) > 1:
        raise FormatError(f"{name}: {len(found)} cells tagged {ANSWER_KEY_TAG!r}; there must be exactly one")
    if nb.cells[found[0]].cell_type != "code":
        raise FormatError(f"{name}: the {ANSWER_KEY_TAG!r} cell must be a code cell")
    return found[0]


def answer_key(nb: nbformat.NotebookNode, name: str = "notebook") -> dict[str, dict]:
    """The full answer key (hidden questions and expected values included), read without running it."""
    cell = nb.cells[answer_key_index(nb, name)]
    try:
        return answer_key_from_source(cell.source)
    except (SyntaxError, ValueError) as exc:
        raise FormatError(f"{name}: cannot read the answer key: {exc}") from None


def read_answer_key(path: str | Path) -> dict[str, dict]:
    """The answer key of an instructor's source notebook on disk."""
    return answer_key(read_notebook(path), str(path))


# -- solution markers ------------------------------------------------------------------------


def _assignment_split(code: str) -> int | None:
    """Offset of the ``=`` of a plain assignment at bracket depth 0 in one line, or None."""
    depth = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type == tokenize.OP:
                if tok.string in "([{":
                    depth += 1
                elif tok.string in ")]}":
                    depth -= 1
                elif tok.string == "=" and depth == 0:
                    return tok.start[1]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return None


def _assigned_names(lines: list[str]) -> list[str]:
    """Names assigned at the top level of a block of code (in order, without repeats)."""
    try:
        tree = ast.parse(textwrap.dedent("\n".join(lines)))
    except SyntaxError:
        return []
    names: list[str] = []

    def add(target: ast.AST) -> None:
        if isinstance(target, ast.Name) and target.id not in names:
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                add(element)

    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                add(target)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            add(node.target)
    return names


def _placeholder(indent: str, block: list[str], answer_names: set[str]) -> str:
    names = [n for n in _assigned_names(block) if n in answer_names]
    if names:
        return f"{indent}{' = '.join(names)} = ...  {PLACEHOLDER_COMMENT}"
    return f"{indent}...  {PLACEHOLDER_COMMENT}"


def strip_solution_code(source: str, answer_names: set[str] | frozenset[str] = frozenset(),
                        name: str = "cell") -> str:
    """Apply the ``# SOLUTION`` and ``# BEGIN/END SOLUTION`` markers to one code cell's source."""
    out: list[str] = []
    block: list[str] | None = None
    indent = ""
    for number, line in enumerate(source.splitlines(), start=1):
        begin = _BEGIN.match(line)
        if begin:
            if block is not None:
                raise FormatError(f"{name}, line {number}: '# BEGIN SOLUTION' inside another solution block")
            block, indent = [], begin.group(1)
            continue
        if _END.match(line):
            if block is None:
                raise FormatError(f"{name}, line {number}: '# END SOLUTION' without a '# BEGIN SOLUTION'")
            out.append(_placeholder(indent, block, set(answer_names)))
            block = None
            continue
        if block is not None:
            block.append(line)
            continue
        if _SOLUTION_SUFFIX.search(line):
            if _MENTION.search(_SOLUTION_SUFFIX.sub("", line)):
                raise FormatError(f"{name}, line {number}: this line mentions a solution twice; "
                                  f"only one '# SOLUTION' marker at its end is recognised: {line.strip()[:80]!r}")
            code = _SOLUTION_SUFFIX.sub("", line).rstrip()
            split = _assignment_split(code)
            lead = line[: len(line) - len(line.lstrip())]
            if split is None:
                out.append(f"{lead}...  {PLACEHOLDER_COMMENT}")
            else:
                out.append(f"{code[:split].rstrip()} = ...")
            continue
        if _MENTION.search(line):
            raise FormatError(
                f"{name}, line {number}: the line mentions a solution but is not a recognised marker "
                f"({line.strip()[:80]!r}); use '# SOLUTION' at the end of the line, or '# BEGIN SOLUTION' / "
                "'# END SOLUTION' alone on their lines (exact spelling, capitals), or tag the cell 'solution'")
        out.append(line)
    if block is not None:
        raise FormatError(f"{name}: '# BEGIN SOLUTION' without a matching '# END SOLUTION'")
    return "\n".join(out)


def check_markdown(source: str, name: str = "cell") -> None:
    """Refuse a markdown line that labels a solution or an answer (it would reach students as is)."""
    for number, line in enumerate(source.splitlines(), start=1):
        if _MARKDOWN_LABEL.match(line):
            raise FormatError(f"{name}, line {number}: this markdown line looks like a solution or answer "
                              f"({line.strip()[:80]!r}); tag the cell 'solution' or 'instructor' so that it is "
                              "removed from student versions")


def public_key_source(key: dict[str, dict], salt: str) -> str:
    """The student version of the answer-key cell: salted digests, hidden questions removed (only
    their count is kept, so ``check`` can say that the grader checks more)."""
    lines = ["from alliances.checking import Checker", "", "check = Checker({"]
    for question_id, public in public_key(key, salt).items():
        lines.append(f"    {question_id!r}: {public!r},")
    lines.append("})")
    return "\n".join(lines)


def new_salt() -> str:
    return secrets.token_hex(8)


def stable_salt(exercise: str) -> str:
    """The salt of a published student version: fixed per exercise, so regenerating changes nothing."""
    import hashlib

    return hashlib.sha256(f"alliances published student version|{exercise}".encode()).hexdigest()[:16]


def student_version(nb: nbformat.NotebookNode, exercise: str, salt: str | None = None) -> nbformat.NotebookNode:
    """A student version of an instructor's source notebook (the input is not modified)."""
    salt = salt or new_salt()
    key = answer_key(nb, exercise)
    answer_names = {spec["answer"] for spec in key.values()}
    out = copy.deepcopy(nb)
    cells = []
    for number, cell in enumerate(nb.cells):
        cell_tags = tags(cell)
        where = f"{exercise}, cell {number + 1}"
        if INSTRUCTOR_TAG in cell_tags:
            continue
        new = copy.deepcopy(cell)
        if ANSWER_KEY_TAG in cell_tags:
            new.source = public_key_source(key, salt)
        elif SOLUTION_TAG in cell_tags:
            if cell.cell_type == "code":
                new.source = _placeholder("", cell.source.splitlines(), answer_names)
            else:
                new.source = MARKDOWN_PLACEHOLDER
            new.metadata["tags"] = [t for t in cell_tags if t != SOLUTION_TAG]
            if not new.metadata["tags"]:
                del new.metadata["tags"]
        elif cell.cell_type == "code":
            new.source = strip_solution_code(cell.source, answer_names, where)
        else:
            check_markdown(cell.source, where)
        if new.cell_type == "code":
            new.outputs = []
            new.execution_count = None
        new.metadata.pop("execution", None)
        cells.append(new)
    out.cells = cells
    out.metadata["alliances"] = {"exercise": exercise, "student_version": True}
    return out
