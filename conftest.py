"""Root pytest configuration: which notebooks nbval collects."""

collect_ignore_glob = [
    "_build/*",
    "student/*",
    "exercises/student/*",  # generated; tests/test_assign.py checks them and runs the same notebooks
    "grading-output/*",
    "tests/**/*.ipynb",
    "**/.ipynb_checkpoints/*",
]
