"""Student versions and safe batch grading of the course's exercise notebooks.

* :mod:`alliances.grading.notebooks` reads the exercise format (answer key, solution markers).
* :mod:`alliances.grading.assign` writes student versions (``alliances-assign``).
* :mod:`alliances.grading.sandbox` runs one submission in an isolated, resource-limited process;
  :mod:`alliances.grading.runner` is the code that runs inside it (stdlib + IPython only).
* :mod:`alliances.grading.grade` grades a folder of submissions (``alliances-grade``);
  :mod:`alliances.grading.gradebook` writes the CSV gradebook, feedback and Gradescope results;
  :mod:`alliances.grading.gradescope` runs one submission in Gradescope's autograder layout.

The trusted process never executes an instructor's source notebook and never sends expected
answers to a sandbox: the sandbox only returns plain-data answer values, judged outside it.
Submodules are imported lazily by their users (``import alliances.grading`` stays cheap).
"""
