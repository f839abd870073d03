"""Crisis management: reaching consensus among allies, and a crisis-escalation game with an ally.

Two small models for chapter 10.

**Consensus with consultation.** An alliance of ``n`` members decides by consensus. Before any
consultation each member supports a joint response with probability ``p``. In each round of
consultation a member that does not yet support is persuaded with probability ``q``, and support,
once given, is kept. Members' positions may be correlated through a common shock: with probability
``rho`` the whole alliance moves as one (all members share a single member's path), otherwise
members move independently. ``rho`` is then exactly the correlation between any two members'
initial positions. With ``a = 1 - p`` and ``r = 1 - q``, the chance that all support by round ``t``
and the expected number of rounds until they do have closed forms:

    P(T <= t) = rho * (1 - a r^t) + (1 - rho) * (1 - a r^t)^n
    E[T]      = rho * a / q + (1 - rho) * sum_{k=1..n} C(n, k) (-1)^(k+1) a^k / (1 - r^k)

**Escalation with an ally.** A challenger (C) may demand a prize worth ``stakes`` from a defender
(D). D concedes or stands firm; if D stands firm, C backs down (paying an audience cost) or goes
to war. In a war D's ally joins with probability ``commitment``; C's chance of winning is the
contest ratio of chapter 3 (:func:`alliances.models.bargaining.win_probability`), averaged over
whether the ally comes. The game is solved by backward induction; a player changes course only
when that is strictly better (ties go to the less escalatory move).
"""

from __future__ import annotations

from dataclasses import dataclass

from alliances.models.bargaining import win_probability
from alliances.models.common import check_number, check_table, check_year


def consensus_probability(n: int, p: float, q: float = 0.0, rounds: int = 0, rho: float = 0.0) -> float:
    """Chance that all ``n`` members support the response after ``rounds`` rounds of consultation.

    Parameters
    ----------
    n : int
        Number of members (at least 1).
    p : float
        Probability (0 to 1) that a member supports before any consultation.
    q : float
        Probability (0 to 1) that a round of consultation persuades a member that does not yet support.
    rounds : int
        Rounds of consultation held (0 = the first meeting).
    rho : float
        Correlation (0 to 1) between members' positions: the chance that all move as one.

    Returns
    -------
    float
        ``rho * s + (1 - rho) * s**n`` with ``s = 1 - (1 - p)(1 - q)**rounds`` the chance that one
        member supports by then.
    """
    n = check_number(n, "the number of members", minimum=1, whole=True)
    p, q = check_number(p, "p", minimum=0, maximum=1), check_number(q, "q", minimum=0, maximum=1)
    rho = check_number(rho, "rho", minimum=0, maximum=1)
    rounds = check_number(rounds, "rounds", minimum=0, whole=True)
    single = 1.0 - (1.0 - p) * (1.0 - q) ** rounds
    return rho * single + (1.0 - rho) * single**n


MIN_PERSUASION = 1e-4
"""Smallest persuasion probability :func:`expected_rounds` accepts."""


def expected_rounds(n: int, p: float, q: float, rho: float = 0.0) -> float:
    """Expected rounds of consultation until every member supports (0 if all support at once).

    Parameters as in :func:`consensus_probability`; ``q`` must be at least ``MIN_PERSUASION``
    (with no persuasion consensus may never come, and the sum would take too long to converge). Sums ``P(T > t)`` over rounds for ``n`` independent members (numerically stable where the
    alternating inclusion-exclusion sum is not), mixed with one member's waiting time ``(1 - p) / q``
    with weight ``rho``.

    Returns
    -------
    float
        The expected number of rounds ``E[T]``.
    """
    n = check_number(n, "the number of members", minimum=1, whole=True)
    p, rho = check_number(p, "p", minimum=0, maximum=1), check_number(rho, "rho", minimum=0, maximum=1)
    q = check_number(q, "q", minimum=MIN_PERSUASION, maximum=1)
    a, r = 1.0 - p, 1.0 - q
    if a == 0.0:
        return 0.0
    independent, t = 0.0, 0
    while True:  # E[T] = sum over t >= 0 of P(T > t); the tail shrinks geometrically (ratio r)
        tail = 1.0 - (1.0 - a * r**t) ** n
        independent += tail
        t += 1
        if tail < 1e-14:
            break
    return rho * a / q + (1.0 - rho) * independent


# --- Escalation game -------------------------------------------------------------------------

OUTCOMES = ("status quo", "defender concedes", "challenger backs down", "war")


@dataclass(frozen=True)
class EscalationOutcome:
    """Backward-induction solution of the escalation game.

    ``challenger_win`` is C's chance of winning a war; ``fights``, ``resists`` and ``challenges``
    are the players' equilibrium choices at each node (C's last move, D's move, C's first move);
    ``outcome`` is one of :data:`OUTCOMES`; ``payoffs`` is (C's, D's) payoff on the equilibrium path.
    """

    challenger_win: float
    fights: bool
    resists: bool
    challenges: bool
    outcome: str
    payoffs: tuple[float, float]


@dataclass(frozen=True)
class CrisisSetting:
    """Everything in the escalation game but D's ally's commitment, checked once.

    challenger, defender, ally : military strengths (positive; the ally's may be 0), in any common unit.
    stakes : value of the disputed prize (positive).
    cost_challenger, cost_defender : each side's cost of a war, in units of the stakes (non-negative).
    audience_cost : what C loses by backing down after a challenge (non-negative).
    """

    challenger: float = 2.0
    defender: float = 1.0
    ally: float = 3.0
    stakes: float = 1.0
    cost_challenger: float = 0.5
    cost_defender: float = 0.4
    audience_cost: float = 0.1

    def __post_init__(self) -> None:
        checked = {
            "challenger": check_number(self.challenger, "challenger strength", above=0),
            "defender": check_number(self.defender, "defender strength", above=0),
            "ally": check_number(self.ally, "ally strength", minimum=0),
            "stakes": check_number(self.stakes, "stakes", above=0),
            "cost_challenger": check_number(self.cost_challenger, "cost_challenger", minimum=0),
            "cost_defender": check_number(self.cost_defender, "cost_defender", minimum=0),
            "audience_cost": check_number(self.audience_cost, "audience_cost", minimum=0),
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    def challenger_win(self, commitment: float) -> float:
        """C's chance of winning a war when D's ally joins with probability ``commitment``."""
        return 1.0 - win_probability(self.defender, self.challenger, self.ally, commitment)


def escalation_game(commitment: float, **setting) -> EscalationOutcome:
    """Solve the three-move crisis game by backward induction.

    ``commitment`` is the probability (0 to 1) that D's ally joins a war; the other keyword
    parameters are those of :class:`CrisisSetting` (its defaults apply).

    Payoffs: status quo (0, 0); D concedes (stakes, -stakes); C backs down (-audience_cost, 0);
    war (w * stakes - cost_challenger, -w * stakes - cost_defender), with w C's chance of winning.
    """
    commitment = check_number(commitment, "commitment", minimum=0, maximum=1)
    s = CrisisSetting(**setting)
    w = s.challenger_win(commitment)
    war = (w * s.stakes - s.cost_challenger, -w * s.stakes - s.cost_defender)
    back_down, concede = (-s.audience_cost, 0.0), (s.stakes, -s.stakes)
    fights = war[0] > back_down[0]
    after_resist = war if fights else back_down
    resists = after_resist[1] > concede[1]
    after_challenge = after_resist if resists else concede
    challenges = after_challenge[0] > 0.0
    if not challenges:
        return EscalationOutcome(w, fights, resists, False, "status quo", (0.0, 0.0))
    outcome = "defender concedes" if not resists else ("war" if fights else "challenger backs down")
    return EscalationOutcome(w, fights, resists, True, outcome, after_challenge)


def commitment_thresholds(**setting) -> dict[str, float | None]:
    """The commitments at which each player's choice in :func:`escalation_game` switches.

    Takes the keyword parameters of :class:`CrisisSetting`. C's chance of winning falls linearly in
    the commitment, from ``w0`` (no ally) to ``w1`` (ally certain), so each condition holds on one
    side of one commitment level. Returns a dict with ``"defender resists"`` (D stands firm against a
    war above it), ``"challenger fights"`` (C would fight only below it) and ``"challenger starts a
    war"`` (war beats the status quo for C only below it); ``None`` where the switch does not happen
    inside [0, 1].
    """
    s = CrisisSetting(**setting)
    w0, w1 = s.challenger_win(0.0), s.challenger_win(1.0)

    def crossing(level: float) -> float | None:
        if w0 == w1:
            return None
        commitment = (w0 - level) / (w0 - w1)
        return commitment if 0.0 <= commitment <= 1.0 else None

    return {
        "defender resists": crossing(1.0 - s.cost_defender / s.stakes),
        "challenger fights": crossing((s.cost_challenger - s.audience_cost) / s.stakes),
        "challenger starts a war": crossing(s.cost_challenger / s.stakes),
    }


def outcome_regions(**params) -> list[tuple[str, float, float]]:
    """The equilibrium outcome of :func:`escalation_game` over commitments 0 to 1, as exact intervals.

    Takes the keyword parameters of :class:`CrisisSetting`. Outcomes can change only at
    those thresholds, so the game is solved once inside each interval between them. Returns
    ``(outcome, from, to)`` triples in order, adjacent intervals with the same outcome merged.
    """
    cuts = sorted({0.0, 1.0} | {c for c in commitment_thresholds(**params).values() if c is not None})
    regions: list[tuple[str, float, float]] = []
    for lo, hi in zip(cuts, cuts[1:]):
        outcome = escalation_game((lo + hi) / 2, **params).outcome
        if regions and regions[-1][0] == outcome:
            regions[-1] = (outcome, regions[-1][1], hi)
        else:
            regions.append((outcome, lo, hi))
    return regions


# --- Disputes and defence pledges (COW MID 5.0 with ATOP 5.1) ----------------------------------

def escalation_by_pledge(dyads, pledges, *, force_level: int = 4, split_year: int | None = None):
    """How far disputes escalated, by whether the targeted state had a defence pledge that year.

    Parameters
    ----------
    dyads : pandas.DataFrame
        Directed dispute dyad-years like ``load("mid_dyad_years")``: ``ccode1``, ``ccode2``,
        ``year``, ``onset`` (1 in the dispute's first year), ``side_a1`` (1 if ``ccode1`` is on side
        A, the side that took the first militarized action), ``hostility_level1``,
        ``hostility_level2`` (each state's highest hostility level in the dispute: 1 none ... 4 use
        of force, 5 war).
    pledges : pandas.DataFrame
        Directed ATOP dyad-years like ``load("atop_dyad_years")``: ``ccode1``, ``ccode2``, ``year``,
        ``defence`` (0/1).
    force_level : int
        Hostility level counted as escalation (default 4, use of force).
    split_year : int, optional
        If given, report disputes that began before it and from it on separately.

    Returns
    -------
    pandas.DataFrame
        One row per group (``target_pledge`` and, with ``split_year``, ``period``) with
        ``disputes`` (dyads at onset), ``escalated`` and ``wars`` (counts) and their shares
        ``share_escalated`` and ``share_war``. Each dyad is counted once, from side A towards side
        B; the target "has a pledge" if it had a defence pledge that year with any state other than
        the one confronting it.
    """
    levels = ["hostility_level1", "hostility_level2"]
    check_table(dyads, ["ccode1", "ccode2", "year", "onset", "side_a1", *levels], "dyads", "mid_dyad_years")
    check_table(pledges, ["ccode1", "ccode2", "year", "defence"], "pledges", "atop_dyad_years")
    level = check_number(force_level, "force_level", minimum=1, maximum=5, whole=True)
    onset = dyads[(dyads["onset"] == 1) & (dyads["side_a1"] == 1)]
    onset = onset[["ccode1", "ccode2", "year", *levels]].copy()
    defence = pledges[pledges["defence"] == 1][["ccode1", "ccode2", "year"]]
    counts = defence.groupby(["ccode1", "year"]).size().rename("pledges").reset_index()
    target = onset.merge(counts.rename(columns={"ccode1": "ccode2"}), on=["ccode2", "year"], how="left")
    with_challenger = target.merge(defence.assign(mutual=1).rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"}),
                                   on=["ccode1", "ccode2", "year"], how="left")
    others = with_challenger["pledges"].fillna(0) - with_challenger["mutual"].fillna(0)
    hostility = with_challenger[levels].max(axis=1)
    table = with_challenger.assign(target_pledge=others > 0, escalated=hostility >= level, wars=hostility == 5)
    keys = ["target_pledge"]
    if split_year is not None:
        cut = check_year(split_year, "split_year")
        table["period"] = (table["year"] >= cut).map({False: f"before {cut}", True: f"{cut} on"})
        keys = ["period", "target_pledge"]
    out = table.groupby(keys).agg(disputes=("escalated", "size"), escalated=("escalated", "sum"),
                                  wars=("wars", "sum")).reset_index()
    out["share_escalated"] = out["escalated"] / out["disputes"]
    out["share_war"] = out["wars"] / out["disputes"]
    return out
