"""Every module the course imports is provided by requirements.txt or the standard library.

A package that happens to be installed on one machine (scipy once was) must not hide a missing
requirement: each third-party import found in the course's code, notebooks, tests and benchmarks
is mapped to the distribution that provides it, and that distribution must be pinned in
``requirements-dev.txt`` (which includes ``requirements.txt``); what the course package, the
chapters and the exercises import must be in ``requirements.txt`` itself, which readers install.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ["alliances", "book", "exercises", "tests", "benchmarks"]
LOCAL = {"alliances", "conftest", "grading_fixtures", "tests"}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(path: Path = ROOT / "requirements-dev.txt") -> dict[str, str]:
    """Distribution name -> pinned version, following ``-r other.txt`` includes."""
    pins: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            pins.update(pinned(path.parent / line[3:].strip()))
        elif line and not line.startswith("-"):
            name, _, version = line.partition("==")
            pins[_normalise(re.sub(r"\[.*\]", "", name))] = version
    return pins


def _sources() -> list[tuple[Path, str]]:
    found = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*")):
            if any(part.startswith(".") or part in {"_build", "student"} for part in path.parts):
                continue
            if path.suffix == ".py":
                found.append((path, path.read_text(encoding="utf-8")))
            elif path.suffix == ".ipynb":
                nb = nbformat.read(path, as_version=4)
                code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
                code = "\n".join(l for l in code.splitlines() if not l.lstrip().startswith(("%", "!")))
                found.append((path, code))
    return found


def imported_modules() -> dict[str, set[str]]:
    """Top-level module -> files that import it (absolute imports only)."""
    modules: dict[str, set[str]] = {}
    for path, code in _sources():
        for node in ast.walk(ast.parse(code, filename=str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                modules.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return modules


def test_requirements_are_pinned():
    unpinned = [name for name, version in pinned().items() if name != "-e" and not version]
    assert not unpinned, f"pin these to the version you tested: {unpinned}"


def test_every_import_is_provided_by_requirements():
    providers = importlib.metadata.packages_distributions()
    pins = pinned()
    tests_dir = {p.stem for p in (ROOT / "tests").glob("*.py")}
    missing = {}
    for module, files in sorted(imported_modules().items()):
        if module in sys.stdlib_module_names or module in LOCAL or module in tests_dir:
            continue
        dists = {_normalise(d) for d in providers.get(module, [])}
        if not dists & set(pins):
            missing[module] = (sorted(dists) or ["<not installed>"], sorted(files)[:3])
    assert not missing, "imports not provided by requirements.txt:\n" + "\n".join(
        f"  {m}: from {d}, imported in {f}" for m, (d, f) in missing.items()
    )


def test_runtime_imports_need_only_requirements_txt():
    """Readers install requirements.txt alone: the package, chapters and exercises must run on it."""
    providers = importlib.metadata.packages_distributions()
    runtime = pinned(ROOT / "requirements.txt")
    missing = {}
    for module, files in sorted(imported_modules().items()):
        files = {f for f in files if f.split("/")[0] in {"alliances", "book", "exercises"}}
        if not files or module in sys.stdlib_module_names or module in LOCAL:
            continue
        if not {_normalise(d) for d in providers.get(module, [])} & set(runtime):
            missing[module] = sorted(files)[:3]
    assert not missing, f"imported by the course but only in requirements-dev.txt (or nowhere): {missing}"


def test_the_scan_sees_real_imports():
    """Guard against a scan that finds nothing and so passes vacuously."""
    modules = imported_modules()
    for expected in ("pandas", "ipywidgets", "matplotlib", "networkx", "nbformat", "pytest"):
        assert expected in modules, f"the import scan missed {expected}"
