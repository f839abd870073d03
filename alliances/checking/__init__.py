"""Exercise checking: one API, ``Checker``, used the same way in every exercise notebook.

    from alliances.checking import Checker
    check = Checker({"q1": {"answer": "share_a", "kind": "number", "expected": 0.62, "tol": 0.005}})
    check("q1", share_a)
"""

from alliances.checking.checker import Checker, answer_key_from_source
from alliances.checking.judge import KINDS, Result, judge, public_question

__all__ = ["Checker", "KINDS", "Result", "answer_key_from_source", "judge", "public_question"]
