"""Chapter 7: choosing allies as a trade of security gained against autonomy lost (after Morrow 1991).

A state with capability ``own`` faces a threatening state with capability ``threat``. It may ally with
any subset ``P`` of candidate partners, each with capability ``c_i`` (e.g. COW CINC scores), and each
partner honours its commitment with probability ``r``. The model has two terms:

* **security**: the chance of holding off the threat, as a share of strength (the contest ratio of
  chapter 3) with each partner counted at its expected contribution::

      S(P) = (own + r * sum_{i in P} c_i) / (own + r * sum_{i in P} c_i + threat)

  If the state *bandwagons*, allying with the threatening state itself, the threat is appeased
  with probability ``restraint`` (the threat keeps its side of the deal) and otherwise remains::

      S_bandwagon(P) = restraint + (1 - restraint) * S(P without the threat)

  Walt (1987) argues that bandwagoning is rarer than balancing because it rests on the restraint of
  the very state that threatens; ``restraint`` makes that trust explicit.
* **autonomy lost**: each partner takes a say in the state's policy in proportion to its share of
  the pair's capability, ``c_i / (own + c_i)``, so a far stronger partner costs far more autonomy::

      A(P) = sum_{i in P} c_i / (own + c_i)

The state picks the subset that maximises ``S(P) - weight * A(P)``; ``weight`` is how much it values
autonomy against security. The model is deliberately small: additive autonomy costs and one common
reliability are simplifications, stated in chapter 7.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations

MAX_CANDIDATES = 12


def _capability(name: str, value, allow_zero: bool = False) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    value = float(value) if ok else math.nan
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be a {'non-negative' if allow_zero else 'positive'} number, got {value!r}")
    return value


def _probability(name: str, value) -> float:
    value = _capability(name, value, allow_zero=True)
    if value > 1:
        raise ValueError(f"{name} is a probability between 0 and 1, got {value}")
    return value


def security(own: float, threat: float, partners=(), reliability: float = 1.0) -> float:
    """Share of strength on the state's side: (own + r * sum(partners)) / (that + threat).

    Parameters
    ----------
    own : float > 0, the state's capability (e.g. CINC).
    threat : float >= 0, the threatening state's capability (0 when there is no threat left).
    partners : iterable of float > 0, the allies' capabilities.
    reliability : float in [0, 1], probability that each ally honours its commitment.

    Returns
    -------
    float in (0, 1].
    """
    own = _capability("own", own)
    threat = _capability("threat", threat, allow_zero=True)
    r = _probability("reliability", reliability)
    backing = own + r * sum(_capability("a partner's capability", c) for c in partners)
    return backing / (backing + threat)


def autonomy_lost(own: float, partners=()) -> float:
    """Sum over partners of the partner's share of the pair's capability, c / (own + c).

    Parameters
    ----------
    own : float > 0, the state's capability.
    partners : iterable of float > 0, the allies' capabilities.

    Returns
    -------
    float >= 0 (each partner adds between 0 and 1).
    """
    own = _capability("own", own)
    return sum(c / (own + c) for c in (_capability("a partner's capability", c) for c in partners))


@dataclass(frozen=True)
class Portfolio:
    """One set of allies and what it buys."""

    partners: tuple[str, ...]
    security: float
    autonomy_lost: float
    value: float
    bandwagon: bool


def portfolios(own: float, threat: float, candidates: Mapping[str, float], weight: float,
               reliability: float = 1.0, threat_name: str | None = None,
               restraint: float = 1.0) -> list[Portfolio]:
    """Every subset of ``candidates`` (including none) with its security, autonomy lost and value.

    Parameters
    ----------
    own : float > 0, the state's capability.
    threat : float >= 0, the threatening state's capability.
    candidates : mapping of name -> capability (float > 0), at most ``MAX_CANDIDATES`` of them.
    weight : float >= 0, value of a unit of autonomy relative to a unit of security.
    reliability : float in [0, 1], probability that each ally honours its commitment.
    threat_name : optional name in ``candidates`` of the threatening state; a portfolio that includes
        it *bandwagons*, and the threat's autonomy cost is paid like any partner's.
    restraint : float in [0, 1], probability that the threat honours a bandwagoning deal (1: the
        threat is certainly appeased and security is 1).

    Returns
    -------
    list of Portfolio, in order of subset size and then candidate order.
    """
    if not isinstance(candidates, Mapping):
        raise ValueError("candidates must be a mapping of partner name to capability")
    if len(candidates) > MAX_CANDIDATES:
        raise ValueError(f"at most {MAX_CANDIDATES} candidates (2^n portfolios are compared), got {len(candidates)}")
    if threat_name is not None and threat_name not in candidates:
        raise ValueError(f"threat_name {threat_name!r} is not among the candidates")
    weight = _capability("weight", weight, allow_zero=True)
    restraint = _probability("restraint", restraint)
    caps = {name: _capability(f"capability of {name}", c) for name, c in candidates.items()}
    names = list(caps)
    result = []
    for size in range(len(names) + 1):
        for chosen in combinations(names, size):
            bandwagon = threat_name in chosen
            values = [caps[n] for n in chosen if n != threat_name]
            s = security(own, threat, values, reliability)
            if bandwagon:
                s = restraint + (1.0 - restraint) * s
            a = autonomy_lost(own, [caps[n] for n in chosen])
            result.append(Portfolio(chosen, s, a, s - weight * a, bandwagon))
    return result


def best_portfolio(own: float, threat: float, candidates: Mapping[str, float], weight: float,
                   reliability: float = 1.0, threat_name: str | None = None, restraint: float = 1.0) -> Portfolio:
    """The portfolio with the highest value ``security - weight * autonomy_lost`` (see :func:`portfolios`).

    Ties go to the smaller portfolio (fewer commitments), then to the earlier candidates.
    """
    options = portfolios(own, threat, candidates, weight, reliability, threat_name, restraint)
    return max(options, key=lambda p: (round(p.value, 12), -len(p.partners)))


def capabilities_in_year(capabilities, states: Mapping[str, tuple[int, ...]], year: int) -> dict[str, float]:
    """CINC score of each named state in ``year``, from a table like ``load("cow_capabilities")``.

    Parameters
    ----------
    capabilities : DataFrame with ``ccode``, ``year`` and ``cinc`` columns.
    states : mapping of display name -> COW codes to try in order (e.g. ``{"Germany": (255, 260)}``:
        united Germany, else the Federal Republic).
    year : int, a calendar year.

    Returns
    -------
    dict of name -> CINC for the states with a positive score that year (others are left out).
    """
    from alliances.models.common import check_table, check_year

    check_table(capabilities, ("ccode", "year", "cinc"), "capabilities", "cow_capabilities")
    year = check_year(year)
    rows = capabilities[capabilities["year"] == year].set_index("ccode")["cinc"]
    found = {}
    for name, codes in states.items():
        for code in codes:
            if code in rows.index and float(rows[code]) > 0:
                found[name] = float(rows[code])
                break
    return found
