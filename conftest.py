"""Root pytest configuration: which notebooks nbval collects."""

collect_ignore_glob = [
    "_build/*",
    "student/*",
    "grading-output/*",
    "tests/**/*.ipynb",
    "**/.ipynb_checkpoints/*",
]
