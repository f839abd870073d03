"""Exercise checking: one API, ``Checker``, used the same way in every exercise notebook.

    from alliances.checking import Checker
    check = Checker({"q1": {"answer": "share_a", "kind": "number", "expected": 0.62, "decimals": 2}})
    check("q1", share_a)
"""

from alliances.checking.checker import Checker, answer_key_from_source, public_key
from alliances.checking.judge import FIELDS, KINDS, Result, judge, public_question, validate_question

__all__ = ["Checker", "FIELDS", "KINDS", "Result", "answer_key_from_source", "judge", "public_key", "public_question",
           "validate_question"]
