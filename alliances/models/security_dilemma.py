"""Snyder's alliance security dilemma as a small optimisation: how firmly to commit to an ally.

Chapter 2 introduces Snyder's (1984) dilemma: a firmer commitment lowers the risk of being
abandoned by one's ally (the ally, reassured, stays loyal) but raises the risk of being entrapped
in the ally's quarrels (the ally, emboldened, takes risks). Here commitment ``c`` runs from 0 (none)
to 1 (unconditional), and the two risks are convex power curves:

    abandonment(c) = A * (1 - c)^s        entrapment(c) = E * c^s

with ``A`` the risk of abandonment with no commitment, ``E`` the risk of entrapment with full
commitment and ``s > 1`` their curvature. A state that weighs abandonment by ``w`` and entrapment by
``1 - w`` minimises ``w * abandonment + (1 - w) * entrapment``; setting the derivative to zero gives

    c* = 1 / (1 + ((1 - w) E / (w A)) ^ (1 / (s - 1)))

The model says nothing about where the curves come from; it makes the trade-off explicit.
"""

from __future__ import annotations

from dataclasses import dataclass

from alliances.models.common import check_number


def abandonment_risk(commitment: float, base: float = 0.6, curvature: float = 2.0) -> float:
    """Risk (0 to 1) that the ally abandons a state that commits ``commitment`` (0 to 1): ``base * (1 - c)**s``."""
    c = check_number(commitment, "commitment", minimum=0, maximum=1)
    return check_number(base, "base", minimum=0, maximum=1) * (1.0 - c) ** check_number(curvature, "curvature", above=1, maximum=10)


def entrapment_risk(commitment: float, base: float = 0.4, curvature: float = 2.0) -> float:
    """Risk (0 to 1) of being dragged into the ally's conflict at commitment ``c``: ``base * c**s``."""
    c = check_number(commitment, "commitment", minimum=0, maximum=1)
    return check_number(base, "base", minimum=0, maximum=1) * c ** check_number(curvature, "curvature", above=1, maximum=10)


def weighted_risk(commitment: float, weight: float, abandonment: float = 0.6, entrapment: float = 0.4,
                  curvature: float = 2.0) -> float:
    """``weight * abandonment_risk + (1 - weight) * entrapment_risk`` at one commitment.

    Parameters
    ----------
    commitment : float
        Firmness of commitment, 0 (none) to 1 (unconditional).
    weight : float
        Weight (0 to 1) the state puts on abandonment; the rest goes on entrapment.
    abandonment, entrapment : float
        The two risks at their worst (no commitment; full commitment), each 0 to 1.
    curvature : float
        Exponent ``s`` of both curves, greater than 1 (convex risks).
    """
    w = check_number(weight, "weight", minimum=0, maximum=1)
    return (w * abandonment_risk(commitment, abandonment, curvature)
            + (1.0 - w) * entrapment_risk(commitment, entrapment, curvature))


@dataclass(frozen=True)
class Optimum:
    """The commitment that minimises the weighted risk, and the two risks and their weighted sum there."""

    commitment: float
    abandonment: float
    entrapment: float
    weighted: float


def best_commitment(weight: float, abandonment: float = 0.6, entrapment: float = 0.4,
                    curvature: float = 2.0) -> Optimum:
    """The commitment that minimises the weighted risk (parameters as in :func:`weighted_risk`).

    Interior closed form ``1 / (1 + ((1 - w) E / (w A)) ** (1 / (s - 1)))``; the ends 0 and 1 when
    one of the weighted risks is zero (``w A = 0``: commit nothing; ``(1 - w) E = 0``: commit fully;
    both zero: every commitment is optimal and 0 is returned).
    """
    w = check_number(weight, "weight", minimum=0, maximum=1)
    a = check_number(abandonment, "abandonment", minimum=0, maximum=1)
    e = check_number(entrapment, "entrapment", minimum=0, maximum=1)
    s = check_number(curvature, "curvature", above=1, maximum=10)
    fear, risk = w * a, (1.0 - w) * e
    if fear == 0.0:
        c = 0.0
    elif risk == 0.0:
        c = 1.0
    else:
        c = 1.0 / (1.0 + (risk / fear) ** (1.0 / (s - 1.0)))
    return Optimum(c, abandonment_risk(c, a, s), entrapment_risk(c, e, s), weighted_risk(c, w, a, e, s))
