"""Similarity of alliance portfolios: how alike two states' alliance commitments are in a year.

A state's *alliance portfolio* in year ``y`` is a vector over every state in the data that year:
entry ``j`` is the strongest tie the state has with ``j`` through any alliance in force, coded on
an ordinal scale (the Correlates of War alliance types, strongest first):

    3  defence pact (a promise to defend; an offence pact also counts as a military commitment)
    2  neutrality or non-aggression pact
    1  entente or consultation pact only
    0  no alliance tie

A state's tie with itself is 3 by convention (every state "defends itself"), as in Bueno de
Mesquita (1975) and Signorino & Ritter (1999). Two portfolios are then compared with

* Signorino and Ritter's S:  ``S = 1 - 2 * sum_i w_i |x_i - y_i| / (d_max * sum_i w_i)``, in [-1, 1];
* Cohen's kappa (and Scott's pi): agreement corrected for the agreement expected by chance from
  each state's own mix of tie levels (Häge 2011): ``kappa = (p_o - p_e) / (1 - p_e)``.

A membership counts in year ``y`` by the course's one rule,
:func:`alliances.models.common.in_force_during`: in force on at least one day of the year, from
``joined`` up to, but not including, ``left``, and only while its treaty is in force (from
``signed`` up to, not including, ``ended``). Only treaties that are alliances by the course's
definition count (:func:`alliances.models.common.is_alliance`; AUKUS does not). The same rule
as the chapter 2 network model. The functions are pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from alliances.models.common import (alliances_in_force, check_names, check_number, check_numbers, check_table,
                                     check_year, flag, in_force_during)

LEVELS = {0: "no tie", 1: "entente or consultation", 2: "neutrality or non-aggression", 3: "defence pact"}
D_MAX = 3
OBLIGATIONS = ("defence", "offence", "neutrality", "non_aggression", "consultation", "entente")
MEASURES = ("s", "kappa", "pi")


# --- coding the ties ---------------------------------------------------------------------------

def tie_level(defence=False, offence=False, neutrality=False, non_aggression=False,
              consultation=False, entente=False) -> int:
    """The ordinal level (0-3) of one alliance: its strongest obligation decides.

    Defence (or offence) -> 3; otherwise neutrality or non-aggression -> 2; otherwise entente or
    consultation -> 1; an alliance with none of these obligations -> 0.
    """
    if flag(defence) or flag(offence):
        return 3
    if flag(neutrality) or flag(non_aggression):
        return 2
    if flag(consultation) or flag(entente):
        return 1
    return 0


def alliance_levels(alliances: pd.DataFrame) -> pd.Series:
    """Tie level of every alliance (Series indexed by ``alliance_id``), from its obligation columns."""
    check_table(alliances, ("alliance_id", *OBLIGATIONS), "alliances", "alliances")
    levels = [tie_level(**{k: getattr(row, k) for k in OBLIGATIONS}) for row in alliances.itertuples()]
    return pd.Series(levels, index=alliances["alliance_id"].to_numpy(), name="level", dtype=int)




def active_ties(alliances: pd.DataFrame, members: pd.DataFrame, year: int) -> pd.DataFrame:
    """Memberships in force during ``year`` with their alliance's tie level.

    Returns a frame with columns ``alliance_id``, ``iso3`` and ``level`` (one row per membership).
    """
    year = check_year(year)
    check_table(members, ("alliance_id", "iso3", "joined", "left"), "members", "alliance_members")
    levels = alliance_levels(alliances)
    if levels.index.duplicated().any():
        raise ValueError("alliance_id must be unique in alliances")
    active = in_force_during(members["joined"], members["left"], year) & members["iso3"].notna()
    active &= members["alliance_id"].isin(alliances_in_force(alliances, year))
    frame = members.loc[active, ["alliance_id", "iso3"]].copy()
    frame = frame[frame["alliance_id"].isin(levels.index)]
    frame["level"] = frame["alliance_id"].map(levels).astype(int)
    return frame.reset_index(drop=True)


def portfolios(alliances: pd.DataFrame, members: pd.DataFrame, year: int,
               states: Iterable[str] | None = None) -> pd.DataFrame:
    """Every state's alliance portfolio in ``year``: a square frame, rows and columns = ISO3 codes.

    Row ``i`` is state ``i``'s portfolio: entry ``(i, j)`` is the strongest tie level (0-3) between
    ``i`` and ``j`` through any alliance both belong to in that year; the diagonal is 3 by
    convention. The states are those with a membership in force that year plus any in ``states``
    (a state with no alliance then has 3 on the diagonal and 0 elsewhere). Sorted by code.
    """
    ties = active_ties(alliances, members, year)
    states = [] if states is None else check_names(states, "states")
    universe = sorted(set(ties["iso3"]) | set(states))
    if not universe:
        raise ValueError(f"no state has an alliance in force in {int(year)} and no states were given")
    index = {s: k for k, s in enumerate(universe)}
    matrix = np.zeros((len(universe), len(universe)), dtype=int)
    for _, group in ties.groupby("alliance_id"):
        level = int(group["level"].iloc[0])
        rows = [index[s] for s in set(group["iso3"])]
        block = np.ix_(rows, rows)
        matrix[block] = np.maximum(matrix[block], level)
    np.fill_diagonal(matrix, D_MAX)
    return pd.DataFrame(matrix, index=pd.Index(universe, name="state"), columns=pd.Index(universe, name="partner"))


# --- similarity measures -----------------------------------------------------------------------

def _aligned(x, y, weights=None):
    """Series compared by label, not position: ``y`` (and ``weights``) reordered to ``x``'s labels."""
    series = [v for v in (x, y, weights) if isinstance(v, pd.Series)]
    if len(series) < 2 or not (isinstance(x, pd.Series) and isinstance(y, pd.Series)):
        return x, y, weights
    for name, other in (("y", y), ("weights", weights)):
        if isinstance(other, pd.Series):
            if other.index.has_duplicates or x.index.has_duplicates:
                raise ValueError("portfolios given as Series must have unique labels (one entry per state)")
            if set(other.index) != set(x.index):
                extra = sorted(map(str, set(other.index) ^ set(x.index)))[:5]
                raise ValueError(f"x and {name} are labelled by different states (e.g. {extra}); "
                                 "compare portfolios of the same year")
    y = y.reindex(x.index)
    if isinstance(weights, pd.Series):
        weights = weights.reindex(x.index)
    return x, y, weights


def _vectors(x, y) -> tuple[np.ndarray, np.ndarray]:
    for name, v in (("x", x), ("y", y)):
        if isinstance(v, (str, bytes)) or v is None:
            raise ValueError(f"{name} must be a portfolio (a list or Series of tie levels), got {v!r}")
    try:
        a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"portfolios must hold numbers, got {str(x)[:40]!r} and {str(y)[:40]!r}") from None
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError("portfolios must be one-dimensional vectors")
    if a.size == 0:
        raise ValueError("portfolios must not be empty")
    if a.size != b.size:
        raise ValueError(f"portfolios must have the same length, got {a.size} and {b.size}")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("portfolios must hold finite numbers (no NaN)")
    return a, b


def s_score(x: Sequence[float], y: Sequence[float], d_max: float = D_MAX,
            weights: Sequence[float] | None = None) -> float:
    """Signorino and Ritter's S: 1 - 2 * sum(w_i |x_i - y_i|) / (d_max * sum(w_i)), from -1 to 1.

    S = 1 when the portfolios are identical and -1 when every entry is as far apart as the scale
    allows (``d_max``). Weights (for example capabilities) make some partners count more. When
    ``x`` and ``y`` are Series (rows of :func:`portfolios`) they are matched by state label, not by
    position, so the same portfolio in another order scores 1.
    """
    x, y, weights = _aligned(x, y, weights)
    a, b = _vectors(x, y)
    d_max = check_number(d_max, "d_max", above=0)
    w = np.ones_like(a) if weights is None else np.asarray(check_numbers(weights, "weights", minimum=0), dtype=float)
    if w.shape != a.shape:
        raise ValueError(f"weights must have one entry per state ({a.size}), got {w.size}")
    if w.sum() <= 0:
        raise ValueError("at least one weight must be positive")
    distance = np.abs(a - b)
    if (distance > d_max + 1e-12).any():
        raise ValueError(f"some entries differ by more than d_max={d_max:g}; use the range of the scale as d_max")
    return float(1.0 - 2.0 * (w * distance).sum() / (w.sum() * d_max))


def _agreement(x, y, pooled: bool) -> float:
    x, y, _ = _aligned(x, y)
    a, b = _vectors(x, y)
    categories = np.union1d(a, b)
    observed = float(np.mean(a == b))
    pa = np.array([np.mean(a == c) for c in categories])
    pb = np.array([np.mean(b == c) for c in categories])
    expected = float(np.sum(((pa + pb) / 2) ** 2)) if pooled else float(pa @ pb)
    if expected >= 1.0 - 1e-12:
        raise ValueError("chance-corrected agreement is undefined when both portfolios use one single, "
                         "identical category (agreement expected by chance is already 1)")
    return (observed - expected) / (1.0 - expected)


def cohen_kappa(x: Sequence[float], y: Sequence[float]) -> float:
    """Cohen's kappa: (p_o - p_e) / (1 - p_e) over the tie categories, 1 = perfect, 0 = chance.

    ``p_o`` is the share of partners on which the two portfolios agree exactly; ``p_e`` the share
    expected if each state drew its ties at random from its *own* mix of levels,
    ``p_e = sum_k p_x(k) p_y(k)``. Common absent ties, frequent when states have few alliances,
    count for little because they are expected by chance (Häge 2011).
    """
    return _agreement(x, y, pooled=False)


def scott_pi(x: Sequence[float], y: Sequence[float]) -> float:
    """Scott's pi: like kappa, but chance agreement uses the *pooled* mix of both states' levels."""
    return _agreement(x, y, pooled=True)


def _measure(measure) -> Callable[[np.ndarray, np.ndarray], float]:
    if callable(measure):
        return measure
    table = {"s": s_score, "kappa": cohen_kappa, "pi": scott_pi}
    key = str(measure).lower()
    if key not in table:
        raise ValueError(f"measure must be one of {list(MEASURES)} or a function, not {measure!r}")
    return table[key]


def similarity_matrix(portfolios: pd.DataFrame, states: Sequence[str], measure="s") -> pd.DataFrame:
    """Pairwise similarity of the chosen states' portfolios (rows of ``portfolios``).

    ``measure`` is ``"s"``, ``"kappa"``, ``"pi"`` or a function ``f(x, y) -> float``. Each
    portfolio is compared over all columns (all states of that year). A pair whose chance-corrected
    value is undefined gets NaN. The result is symmetric with the measure of self-similarity on the
    diagonal.
    """
    if not isinstance(portfolios, pd.DataFrame):
        raise ValueError("portfolios must be a DataFrame as returned by portfolios()")
    states = check_names(states, "states")
    if not states:
        raise ValueError("choose at least one state")
    if len(set(states)) != len(states):
        raise ValueError("states must not repeat")
    unknown = [s for s in states if s not in portfolios.index]
    if unknown:
        raise ValueError(f"no portfolio for {unknown}: these states are not in the portfolio table")
    f = _measure(measure)
    values = portfolios.loc[states].to_numpy(dtype=float)
    n = len(states)
    out = np.full((n, n), np.nan)
    for i in range(n):
        for j in range(i, n):
            try:
                out[i, j] = out[j, i] = f(values[i], values[j])
            except ValueError:
                if f is s_score:
                    raise
    return pd.DataFrame(out, index=pd.Index(states), columns=pd.Index(states))
