"""Bargaining in the shadow of conflict: how an ally's backing moves a state's disagreement point.

Two states, A and B, divide a prize worth ``stakes``. If talks break down they fight (or enter a
costly stand-off): A prevails with probability ``p`` and each side pays its cost. Those expected
values are the *disagreement point* of Nash's (1950) bargaining problem. With transferable payoffs,
Nash's symmetric solution splits the surplus over the disagreement point equally:

    x_A = d_A + (stakes - d_A - d_B) / 2,  d_A = p * stakes - cost_a,  d_B = (1 - p) * stakes - cost_b

so ``x_A = p * stakes + (cost_b - cost_a) / 2``. An ally that joins with probability ``reliability``
adds its strength to A's side, raising ``p`` and so A's share, without a shot being fired.
"""

from __future__ import annotations

from dataclasses import dataclass

from alliances.models.common import check_number


def win_probability(own: float, opponent: float, ally: float = 0.0, reliability: float = 0.0) -> float:
    """Probability that A prevails if talks fail: a contest-success ratio, averaged over whether the ally joins.

    With the ally: (own + ally) / (own + ally + opponent); without: own / (own + opponent).
    """
    own = check_number(own, "own (strength)", above=0)
    opponent = check_number(opponent, "opponent (strength)", above=0)
    ally = check_number(ally, "ally (strength)", minimum=0)
    reliability = check_number(reliability, "reliability (a probability)", minimum=0, maximum=1)
    alone = own / (own + opponent)
    backed = (own + ally) / (own + ally + opponent)
    return reliability * backed + (1.0 - reliability) * alone


@dataclass(frozen=True)
class BargainingOutcome:
    """Disagreement point and Nash bargaining split for one setting."""

    p_win: float
    disagreement_a: float
    disagreement_b: float
    share_a: float
    share_b: float
    stakes: float

    @property
    def share_a_fraction(self) -> float:
        return self.share_a / self.stakes


def nash_split(
    stakes: float,
    own: float,
    opponent: float,
    ally: float = 0.0,
    reliability: float = 0.0,
    cost_a: float = 0.0,
    cost_b: float = 0.0,
) -> BargainingOutcome:
    """Nash's symmetric bargaining solution over a prize of ``stakes`` with war as the disagreement outcome.

    Costs are in the same units as the stakes. The split is the disagreement point plus half the
    surplus; it never leaves [0, stakes] because each side can always get at least its own
    disagreement value and costs are non-negative.
    """
    stakes = check_number(stakes, "stakes", above=0)
    cost_a, cost_b = check_number(cost_a, "cost_a", minimum=0), check_number(cost_b, "cost_b", minimum=0)
    p = win_probability(own, opponent, ally, reliability)
    d_a = p * stakes - cost_a
    d_b = (1.0 - p) * stakes - cost_b
    share_a = d_a + (stakes - d_a - d_b) / 2.0
    share_a = min(max(share_a, 0.0), stakes)
    return BargainingOutcome(p, d_a, d_b, share_a, stakes - share_a, stakes)
