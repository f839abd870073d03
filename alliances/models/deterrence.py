"""Extended deterrence: does a challenger attack a protégé whose ally may or may not come to help?

A teaching model in the spirit of expected-utility accounts of extended deterrence. A challenger of
strength ``c`` weighs attacking a protégé of strength ``d``. If the protégé fights alone, the
challenger wins with the contest-success probability

    p0 = c / (c + d).

The protégé has an ally of strength ``a`` that joins the war with probability ``r`` (its
*reliability*). If it joins, the challenger wins with

    p1 = c / (c + d + a).

Winning is worth the stakes ``V`` to the challenger. War costs it ``k``, plus an extra cost ``e``
when the ally fights too (a bigger war is a costlier one). The status quo is worth 0. The
challenger's expected gain from attacking is therefore

    E(r) = (1 - r) * (p0 * V - k) + r * (p1 * V - k - e) = E0 + r * (E1 - E0),

where ``E0 = p0 V - k`` (the ally stays out) and ``E1 = p1 V - k - e`` (the ally joins). The
challenger attacks if and only if ``E(r) > 0``; on a tie it keeps the status quo. Because
``p1 <= p0`` and ``e >= 0``, ``E1 <= E0``: a more reliable ally never makes an attack more
attractive, and the deterrence threshold is

    r* = 0                   if E0 <= 0   (deterred even without the ally),
    r* = E0 / (E0 - E1)      if E0 > 0 >= E1,
    r* = inf                 if E1 > 0    (no reliability in [0, 1] deters).

Deterrence holds exactly when ``r >= r*``. The functions are pure: no I/O, no state, no plotting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from alliances.models.common import check_number

NEVER_DETERRED = math.inf
"""What :func:`reliability_threshold` returns when even a certain ally (r = 1) does not deter."""


def _check(name: str, value: float, *, positive: bool = False) -> float:
    return check_number(value, name, above=0) if positive else check_number(value, name, minimum=0)


def _check_reliability(reliability: float) -> float:
    return check_number(reliability, "reliability (a probability)", minimum=0, maximum=1)


def win_probability(challenger: float, protege: float, ally: float = 0.0) -> float:
    """Probability that the challenger wins a war against the protégé (plus the ally, if it fights).

    Contest-success (ratio) form: ``c / (c + d + a)``; use ``ally=0`` for the protégé alone.
    """
    c = _check("challenger (strength)", challenger, positive=True)
    d = _check("protege (strength)", protege)
    a = _check("ally (strength)", ally)
    return c / (c + d + a)


@dataclass(frozen=True)
class Deterrence:
    """Everything the challenger weighs, for one setting of the model."""

    p_alone: float  # p0: challenger's chance of winning if the ally stays out
    p_with_ally: float  # p1: challenger's chance of winning if the ally joins
    gain_alone: float  # E0 = p0 V - k
    gain_with_ally: float  # E1 = p1 V - k - e
    threshold: float  # r*: 0, a value in (0, 1], or inf (never deterred)

    def gain(self, reliability: float) -> float:
        """E(r) = E0 + r (E1 - E0) for this setting."""
        r = _check_reliability(reliability)
        return (1.0 - r) * self.gain_alone + r * self.gain_with_ally

    def attacks(self, reliability: float) -> bool:
        """True when attacking beats the status quo (E(r) > 0)."""
        return self.gain(reliability) > 0.0


def analyse(challenger: float, protege: float, ally: float, stakes: float, cost: float,
            extra_cost: float = 0.0) -> Deterrence:
    """The two war outcomes and the threshold r* for one setting (see the module docstring)."""
    p0 = win_probability(challenger, protege)
    p1 = win_probability(challenger, protege, ally)
    v = _check("stakes", stakes, positive=True)
    k = _check("cost (of war)", cost)
    e = _check("extra_cost (if the ally joins)", extra_cost)
    e0 = p0 * v - k
    e1 = p1 * v - k - e
    if e0 <= 0.0:
        threshold = 0.0
    elif e1 > 0.0:
        threshold = NEVER_DETERRED
    else:
        threshold = e0 / (e0 - e1)  # e0 > 0 >= e1, so the denominator is positive and r* is in (0, 1]
    return Deterrence(p0, p1, e0, e1, threshold)


def expected_gain(reliability: float, challenger: float, protege: float, ally: float, stakes: float,
                  cost: float, extra_cost: float = 0.0) -> float:
    """The challenger's expected gain from attacking, relative to the status quo (worth 0).

    ``E = (1 - r)(p0 V - k) + r (p1 V - k - e)`` with ``p0 = c/(c+d)`` and ``p1 = c/(c+d+a)``.
    """
    return analyse(challenger, protege, ally, stakes, cost, extra_cost).gain(reliability)


def attacks(reliability: float, challenger: float, protege: float, ally: float, stakes: float,
            cost: float, extra_cost: float = 0.0) -> bool:
    """True if the challenger attacks: its expected gain is strictly positive (ties keep the peace)."""
    return expected_gain(reliability, challenger, protege, ally, stakes, cost, extra_cost) > 0.0


def reliability_threshold(challenger: float, protege: float, ally: float, stakes: float, cost: float,
                          extra_cost: float = 0.0) -> float:
    """The reliability r* at and above which the challenger is deterred.

    Returns 0.0 when the protégé deters on its own (``p0 V - k <= 0``), ``E0 / (E0 - E1)`` when an
    ally of high enough reliability deters, and ``math.inf`` (:data:`NEVER_DETERRED`) when even an
    ally certain to fight does not (``p1 V - k - e > 0``).
    """
    return analyse(challenger, protege, ally, stakes, cost, extra_cost).threshold
