"""Chapter 3 views: bargaining with an ally's backing, and voting power in weighted bodies."""

from __future__ import annotations

import math

import ipywidgets as w
import numpy as np

from alliances.models.bargaining import nash_split
from alliances.models.voting import power_to_act, voting_power, weight_shares
from alliances.style import PALETTE
from alliances.widgets.base import ModelView, StaticFigure, retained


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _distinct_pcts(a: float, b: float) -> tuple[str, str]:
    """Two percentages with just enough decimals to tell them apart (a small rise is not "33% to 33%")."""
    for decimals in range(4):
        x, y = f"{100 * a:.{decimals}f}%", f"{100 * b:.{decimals}f}%"
        if x != y:
            break
    return x, y


def _distinct_num(a: float, b: float) -> tuple[str, str]:
    for decimals in range(1, 5):
        x, y = f"{a:.{decimals}f}", f"{b:.{decimals}f}"
        if x != y:
            break
    return x, y


def _bargaining_artists(fig):
    """The bargaining figure's artists, built once per view and moved by each update."""
    left, right = fig.subplots(1, 2, width_ratios=[1.25, 1])
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.84, wspace=0.28)
    (agreements,) = left.plot([0, 1], [1, 0], color=PALETTE["ink"], lw=1.5, label="Possible agreements")
    marks, arrows = [], []
    for label, marker, colour in (("A alone", "o", PALETTE["secondary"]), ("A with its ally", "s", PALETTE["primary"])):
        start = left.scatter([0], [0], marker=marker, s=60, color=colour, zorder=3, label=f"{label}: disagreement point")
        arrows.append(left.annotate("", xy=(0, 0), xytext=(0, 0),
                                    arrowprops={"arrowstyle": "->", "color": colour, "lw": 1.5}))
        end = left.scatter([0], [0], marker=marker, s=90, facecolor="white", edgecolor=colour, lw=2, zorder=4)
        marks.append((start, end))
    left.set(xlabel="A's payoff", ylabel="B's payoff", title="Payoff space")
    left.legend(loc="upper right", fontsize=8, framealpha=0.9)
    rows = ["A alone", "A with ally"]
    own = right.barh(rows, [1, 1], color=[PALETTE["secondary"], PALETTE["primary"]], hatch=["", "//"], edgecolor="white")
    rest = right.barh(rows, [1, 1], left=[1, 1], color=PALETTE["muted"], alpha=0.5)
    texts = [(right.text(0, y, "", ha="center", va="center", color="white", fontweight="bold"),
              right.text(0, y, "", ha="center", va="center")) for y in range(2)]
    right.set(title="Nash bargaining split")
    right.grid(False)
    return left, right, agreements, marks, arrows, (own.patches, rest.patches), texts


def draw_bargaining(fig, own, ally, reliability, stakes, cost, opponent=2.0) -> str:
    """Payoff space with both disagreement points and Nash solutions, and the two splits as bars."""
    alone = nash_split(stakes, own, opponent, cost_a=cost, cost_b=cost)
    backed = nash_split(stakes, own, opponent, ally=ally, reliability=reliability, cost_a=cost, cost_b=cost)
    left, right, agreements, marks, arrows, bars, texts = retained(fig, "bargaining", _bargaining_artists)
    agreements.set_data([0, stakes], [stakes, 0])
    for outcome, (start, end), arrow in zip((alone, backed), marks, arrows):
        d = (outcome.disagreement_a, outcome.disagreement_b)
        start.set_offsets([d])
        end.set_offsets([(outcome.share_a, outcome.share_b)])
        arrow.xy, arrow.xyann = (outcome.share_a, outcome.share_b), d
    left.set(xlim=(min(0, backed.disagreement_a, alone.disagreement_a) - 2, stakes * 1.05),
             ylim=(min(0, backed.disagreement_b, alone.disagreement_b) - 2, stakes * 1.05))
    shares = [alone.share_a, backed.share_a]
    for y, (share, bar_a, bar_b, (text_a, text_b)) in enumerate(zip(shares, bars[0], bars[1], texts)):
        bar_a.set_width(share)
        bar_b.set_x(share)
        bar_b.set_width(stakes - share)
        text_a.set(position=(share / 2, y), text=f"A: {share:.0f}")
        text_b.set(position=(share + (stakes - share) / 2, y), text=f"B: {stakes - share:.0f}")
    right.set(xlim=(0, stakes), xlabel=f"Division of a prize worth {stakes:.0f}")
    if backed.share_a > alone.share_a:
        before, after = _distinct_pcts(alone.share_a_fraction, backed.share_a_fraction)
        fig.suptitle(f"Backing raises A's share from {before} to {after}")
        p_before, p_after = _distinct_pcts(alone.p_win, backed.p_win)
        s_before, s_after = _distinct_num(alone.share_a, backed.share_a)
        effect = (f"A's chance rises to {p_after}, its disagreement point moves right, and its agreed share rises "
                  f"to {s_after}.")
    else:  # the ally never joins or adds no strength: p, and so the split, are unchanged
        why = "never joins" if reliability == 0 else "adds no strength"
        p_before, s_before = _pct(alone.p_win), f"{alone.share_a:.1f}"
        fig.suptitle(f"Backing does not change A's share ({_pct(alone.share_a_fraction)}): the ally {why}")
        effect = (f"A's chance stays at {_pct(backed.p_win)}, its disagreement point does not move, and its agreed "
                  f"share stays at {backed.share_a:.1f}, because the ally {why}.")
    return (
        f"Nash bargaining between A (strength {own:g}) and B (strength {opponent:g}) over a prize of {stakes:.0f}, "
        f"with a cost of {cost:.0f} to each side if talks fail. Alone, A's chance of prevailing is "
        f"{p_before} and it gets {s_before}. With an ally of strength {ally:g} that joins with "
        f"probability {reliability:.2f}, " + effect
    )


def bargaining_explorer() -> ModelView:
    """Sliders for A's strength, the ally's strength and reliability, the stakes and the cost of breakdown."""
    slider = dict(continuous_update=False, readout_format=".2f")
    return ModelView(
        draw_bargaining,
        {
            "own": w.FloatSlider(value=1.0, min=0.25, max=4.0, step=0.25, description="A's strength", **slider),
            "ally": w.FloatSlider(value=2.0, min=0.0, max=8.0, step=0.25, description="Ally's strength", **slider),
            "reliability": w.FloatSlider(value=0.75, min=0.0, max=1.0, step=0.05,
                                         description="Probability the ally delivers", **slider),
            "stakes": w.FloatSlider(value=100.0, min=20.0, max=200.0, step=10.0, description="Stakes", **slider),
            "cost": w.FloatSlider(value=10.0, min=0.0, max=40.0, step=2.0, description="Cost of breakdown (each)", **slider),
        },
        title="Bargaining with an ally behind you (B's strength is fixed at 2)",
        figsize=(9.0, 4.2),
        layout=None,
    )


def draw_voting_power(fig, names, weights, quota, index="Banzhaf", title="") -> str:
    """Grouped bars: each member's share of the votes beside its share of voting power."""
    power = voting_power(weights, quota, names, shapley_shubik=index != "Banzhaf")
    values = power.banzhaf if index == "Banzhaf" else power.shapley_shubik
    shares = weight_shares(weights)
    ax = fig.subplots()
    if fig.get_layout_engine() is None:
        fig.subplots_adjust(left=0.1, right=0.98, bottom=0.1 if len(names) <= 8 else 0.25, top=0.9)
    x = np.arange(len(names))
    ax.bar(x - 0.2, shares, width=0.4, color=PALETTE["muted"], label="Share of votes")
    ax.bar(x + 0.2, values, width=0.4, color=PALETTE["primary"], hatch="//", edgecolor="white",
           label=f"{index} power")
    for xi, v in zip(x, values):
        ax.text(xi + 0.2, v + 0.01, f"{v:.2f}", ha="center", fontsize=8)
    ax.set_xticks(x, names, rotation=90 if len(names) > 8 else 0)
    ax.set(ylabel="Share (0 to 1)", ylim=(0, 1.08))
    ax.legend(loc="upper right")
    total = sum(weights)
    dummies = [n for n, wt, v in zip(names, weights, values) if wt > 0 and v == 0]
    ax.set_title(title or f"Quota {quota} of {total} votes" + (f"; powerless: {', '.join(dummies)}" if dummies else ""))
    listed = "; ".join(f"{n}: {s:.2f} of the votes, power {v:.3f}" for n, s, v in zip(names, shares, values))
    return (f"{index} voting power with a quota of {quota} out of {total} votes. {listed}."
            + (f" Members with votes but no power: {', '.join(dummies)}." if dummies else ""))


def voting_power_calculator() -> ModelView:
    """Five members with adjustable weights, an adjustable quota and a choice of index."""
    names = ("A", "B", "C", "D", "E")
    defaults = (4, 3, 2, 1, 1)
    controls = {
        f"w{i}": w.IntSlider(value=v, min=0, max=12, description=f"Votes of {n}", continuous_update=False)
        for i, (n, v) in enumerate(zip(names, defaults))
    }
    controls["quota_pct"] = w.IntSlider(value=51, min=51, max=100, description="Quota (% of votes)",
                                        continuous_update=False)
    controls["index"] = w.Dropdown(options=["Banzhaf", "Shapley–Shubik"], value="Banzhaf", description="Index")

    def draw(fig, quota_pct, index, **weights):
        ws = [weights[f"w{i}"] for i in range(len(names))]
        total = sum(ws)
        if total == 0:
            raise ValueError("give at least one member some votes")
        quota = max(1, math.ceil(total * quota_pct / 100))
        return draw_voting_power(fig, names, ws, quota, index=index)

    return ModelView(draw, controls, title="Voting power calculator", figsize=(7.0, 4.0), layout=None)


def draw_security_council(fig) -> str:
    """UN Security Council (Charter Art. 27(3)): nine votes including all five permanent members."""
    weights, quota = [7] * 5 + [1] * 10, 39  # any 9 votes with all P5 reach 39; no 9 without one P5 do
    power = voting_power(weights, quota)
    ax = fig.subplots()
    groups = ["Five permanent members", "Ten elected members"]
    banzhaf = [sum(power.banzhaf[:5]), sum(power.banzhaf[5:])]
    shapley = [sum(power.shapley_shubik[:5]), sum(power.shapley_shubik[5:])]
    votes = [5 / 15, 10 / 15]
    x = np.arange(2)
    for offset, values, label, colour, hatch in (
        (-0.27, votes, "Share of seats", PALETTE["muted"], ""),
        (0.0, banzhaf, "Banzhaf power", PALETTE["primary"], "//"),
        (0.27, shapley, "Shapley–Shubik power", PALETTE["secondary"], ".."),
    ):
        ax.bar(x + offset, values, width=0.27, label=label, color=colour, hatch=hatch, edgecolor="white")
        for xi, v in zip(x, values):
            ax.text(xi + offset, v + 0.015, f"{v:.1%}", ha="center", fontsize=8)
    ax.set_xticks(x, groups)
    ax.set(ylabel="Share held by the group", ylim=(0, 1.1), title="UN Security Council: seats versus voting power")
    ax.legend(loc="upper right")
    return (
        f"The five permanent members hold a third of the Security Council's seats but {banzhaf[0]:.1%} of Banzhaf "
        f"voting power and {shapley[0]:.1%} of Shapley–Shubik power; the ten elected members together hold "
        f"{banzhaf[1]:.1%} and {shapley[1]:.1%}."
    )


def security_council_power() -> StaticFigure:
    return StaticFigure(draw_security_council, title="Formal voting power in the UN Security Council")


def draw_nato_consensus(fig, members_by_year) -> str:
    """NATO's size by year, and what the consensus rule makes of it: equal power, harder to act."""
    years = list(members_by_year.index)
    sizes = [int(n) for n in members_by_year.values]
    each = [voting_power([1] * n, n, shapley_shubik=False).banzhaf[0] for n in sizes]
    act = [power_to_act([1] * n, n) for n in sizes]
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[1, 1])
    top.step(years, sizes, where="post", color=PALETTE["primary"], lw=2)
    for year, size, previous in zip(years[1:], sizes[1:], sizes[:-1]):
        if size != previous:
            top.annotate(str(size), (year, size), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    top.set(ylabel="Allies", title="NATO's members, and each ally's formal power under consensus")
    ax_power = top.twinx()
    ax_power.step(years, each, where="post", color=PALETTE["secondary"], ls="--", lw=1.5)
    ax_power.set_ylabel("Each ally's Banzhaf power\n(dashed line)")
    ax_power.grid(False)
    bottom.step(years, act, where="post", color=PALETTE["warning"], lw=2)
    bottom.set(yscale="log", ylabel="Share of coalitions\nthat can decide", xlabel="Year")
    first, last = years[0], years[-1]
    return (
        f"NATO grew from {sizes[0]} allies in {first} to {sizes[-1]} in {last}. Under consensus every ally can "
        f"block, so each holds an equal share of formal voting power, which fell from 1/{sizes[0]} to "
        f"1/{sizes[-1]}. Coleman's power of the alliance to act, the share of all possible coalitions that could "
        f"take a decision, fell from 1 in {2 ** sizes[0]:,} to 1 in {2 ** sizes[-1]:,}."
    )


def nato_consensus_power() -> StaticFigure:
    """The consensus figure from ``alliance_members``: NATO's size on 31 December of each year."""
    from alliances.data import load
    from alliances.models.network import members_in_year

    members = load("alliance_members")
    nato = members[members["alliance_id"] == "nato"]
    first = int(nato["joined"].dt.year.min())
    last = max(int(nato["joined"].dt.year.max()), first)
    years = range(first, last + 1)
    sizes = {year: int((members_in_year(nato, year)["alliance_id"] == "nato").sum()) for year in years}
    import pandas as pd

    return StaticFigure(draw_nato_consensus, title="NATO: enlargement and the consensus rule", figsize=(8.0, 5.0),
                        members_by_year=pd.Series(sizes))


WIDGETS = (bargaining_explorer, voting_power_calculator)
FIGURES = (security_council_power, nato_consensus_power,)  # static figures: checked for clipped text too
