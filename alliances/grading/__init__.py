"""Student versions and safe batch grading of the course's exercise notebooks.

Imports run one way (a test checks it): ``grade`` (the command, orchestration) uses
``submissions`` (finding and safely reading files, conflicts), ``scoring`` (one submission: key,
run, judging), ``sandbox`` (isolation only; planned by ``isolation``, output read by ``outcome``,
leftovers killed by ``reaper``; ``runner`` is the code that runs inside) and ``gradebook``
(results); below them ``notebooks`` (the exercise format), ``common`` and ``alliances.checking``.
``assign`` (``alliances-assign``, student versions) needs only ``notebooks`` and ``common``;
``gradescope`` grades one submission in Gradescope's autograder layout.

The trusted process never executes an instructor's source notebook and never sends expected
answers to a sandbox: the sandbox only returns plain-data answer values, judged outside it.
Submodules are imported lazily by their users (``import alliances.grading`` stays cheap).
"""
