"""Formal voting power in weighted voting bodies: Banzhaf (1965) and Shapley-Shubik (1954) indices.

A weighted game gives each member an integer weight; a coalition wins when its total weight
reaches the quota. A member is *critical* (a swing) in a winning coalition if the coalition would
lose without it. Banzhaf counts swings over all coalitions; Shapley and Shubik count how often a
member is pivotal when members join in every possible order. Both are computed here by dynamic
programming over coalition weights (exact integer counts), so bodies with dozens of members are quick.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import factorial

import numpy as np

from alliances.models.common import check_number, check_numbers


@dataclass(frozen=True)
class VotingPower:
    """Raw swing counts and normalised indices for each member, in input order."""

    names: tuple[str, ...]
    weights: tuple[int, ...]
    quota: int
    swings: tuple[int, ...]
    banzhaf: tuple[float, ...]
    shapley_shubik: tuple[float, ...]


def _validate(weights, quota) -> tuple[list[int], int]:
    ws = check_numbers(weights, "weights", minimum=0, whole=True)
    total = sum(ws)
    quota = check_number(quota, "quota", whole=True)
    if not 0 < quota <= total:
        raise ValueError(f"the quota must be between 1 and the total weight {total}, got {quota}")
    return ws, quota


def _counts_without(weights: list[int], skip: int, total: int, by_size: bool) -> np.ndarray:
    """Number of coalitions of the other members with each total weight (and size, if asked)."""
    n = len(weights)
    shape = (n, total + 1) if by_size else (total + 1,)
    counts = np.zeros(shape, dtype=np.int64 if n < 62 else object)  # 2**61 coalitions fit int64
    if by_size:
        counts[0, 0] = 1
    else:
        counts[0] = 1
    for j, w in enumerate(weights):
        if j == skip:
            continue
        if by_size:
            shifted = np.zeros_like(counts)
            shifted[1:, w:] = counts[:-1, : total + 1 - w]
        else:
            shifted = np.zeros_like(counts)
            shifted[w:] = counts[: total + 1 - w]
        counts = counts + shifted
    return counts


def voting_power(weights, quota: int, names=None, shapley_shubik: bool = True) -> VotingPower:
    """Banzhaf swings and normalised index, and the Shapley-Shubik index, of a weighted game.

    ``shapley_shubik=False`` skips the slower Shapley-Shubik count (its values are then NaN).
    """
    ws, quota = _validate(weights, quota)
    n, total = len(ws), sum(ws)
    names = tuple(names) if names is not None else tuple(f"M{i + 1}" for i in range(n))
    if len(names) != n:
        raise ValueError("give one name per weight")
    swings, ss = [], []
    for i, w in enumerate(ws):
        # i is a swing for coalitions S of the others with quota - w <= weight(S) < quota
        lo, hi = max(quota - w, 0), quota - 1
        if w == 0 or lo > hi:
            swings.append(0)
            ss.append(Fraction(0))
            continue
        by_weight = _counts_without(ws, i, total, by_size=False)
        swings.append(int(sum(by_weight[lo : hi + 1])))
        if not shapley_shubik:
            ss.append(float("nan"))
            continue
        by_size = _counts_without(ws, i, total, by_size=True)
        pivotal = Fraction(0)
        for k in range(n):
            count = int(sum(by_size[k, lo : hi + 1]))
            if count:
                pivotal += Fraction(count * factorial(k) * factorial(n - k - 1), factorial(n))
        ss.append(pivotal)
    total_swings = sum(swings)
    banzhaf = tuple(s / total_swings if total_swings else 0.0 for s in swings)
    return VotingPower(names, tuple(ws), quota, tuple(swings), banzhaf, tuple(float(x) for x in ss))


def weight_shares(weights) -> tuple[float, ...]:
    """Each member's share of the total weight, to set beside its voting power."""
    ws = check_numbers(weights, "weights", minimum=0)
    total = sum(ws)
    if total <= 0:
        raise ValueError(f"the total weight must be positive, got weights {list(weights)!r}")
    return tuple(w / total for w in ws)


def power_to_act(weights, quota: int) -> float:
    """Coleman's (1971) power of a collectivity to act: the share of all coalitions that win.

    It measures how easily a body can decide at all. Under unanimity only the grand coalition wins,
    so the power to act is 1 / 2**n and halves with every member added.
    """
    ws, quota = _validate(weights, quota)
    counts = _counts_without(ws, -1, sum(ws), by_size=False)
    return float(Fraction(int(sum(counts[quota:])), 2 ** len(ws)))
