"""Chapter 10 views: a consensus simulator and a crisis-escalation game with an ally."""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from alliances.models.crisis import (
    OUTCOMES,
    consensus_probability,
    escalation_game,
    expected_rounds,
    outcome_regions,
)
from alliances.style import PALETTE
from alliances.widgets.base import ModelView, clear_data, fixed_titles, retained, trend

MAX_MEMBERS = 40
SLIDER = dict(continuous_update=False)


def _consensus_axes(fig):
    """The two axes, kept between updates (their ticks are the costly part of a redraw)."""
    left, right = fig.subplots(1, 2)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.83, wspace=0.3)
    fixed_titles(left, right)
    return left, right


def _escalation_axes(fig):
    """The two axes, kept between updates (their ticks are the costly part of a redraw)."""
    left, right = fig.subplots(1, 2, width_ratios=[1.3, 1])
    fig.subplots_adjust(left=0.08, right=0.99, bottom=0.14, top=0.83, wspace=0.1)
    fixed_titles(left, right)
    return left, right


def draw_consensus(fig, n, p, q, rho, rounds) -> str:
    """Chance of consensus and expected rounds to agreement against the number of members."""
    sizes = np.arange(1, MAX_MEMBERS + 1)
    first = [consensus_probability(k, p, q, 0, rho) for k in sizes]
    later = [consensus_probability(k, p, q, rounds, rho) for k in sizes]
    waits = [expected_rounds(k, p, q, rho) for k in sizes]
    left, right = retained(fig, "consensus", _consensus_axes)
    clear_data(left, right)
    left.plot(sizes, first, color=PALETTE["secondary"], lw=2, ls="--", label="At the first meeting")
    left.plot(sizes, later, color=PALETTE["primary"], lw=2, label=f"After {rounds} round{'s' * (rounds != 1)}")
    left.scatter([n, n], [first[n - 1], later[n - 1]], color=[PALETTE["secondary"], PALETTE["primary"]],
                 zorder=3, s=40)
    left.axvline(n, color=PALETTE["muted"], lw=1)
    left.set(xlabel="Members", ylabel="Chance all agree", ylim=(-0.03, 1.03), xlim=(1, MAX_MEMBERS),
             title="Chance of consensus")
    left.legend(loc="upper right", fontsize=8)
    right.plot(sizes, waits, color=PALETTE["accent"], lw=2)
    right.scatter([n], [waits[n - 1]], color=PALETTE["accent"], zorder=3, s=40)
    right.axvline(n, color=PALETTE["muted"], lw=1)
    right.set(xlabel="Members", ylabel="Rounds", xlim=(1, MAX_MEMBERS), ylim=(0, max(waits) * 1.1 + 0.1),
              title="Expected rounds to agreement")
    now, then, wait = first[n - 1], later[n - 1], waits[n - 1]
    fig.suptitle(f"{n} members: {now:.0%} agree at once, {then:.0%} after {rounds} round{'s' * (rounds != 1)}")
    return (
        f"Consensus among {n} members who each support a response with probability {p:.2f}, with a {q:.2f} "
        f"chance per round of persuading each hold-out and a correlation of {rho:.2f} between members. "
        f"The chance that all agree at the first meeting is {now:.1%}; after {rounds} round"
        f"{'s' * (rounds != 1)} of consultation it is {then:.1%}. On average agreement takes {wait:.2f} rounds. "
        f"From 1 to {MAX_MEMBERS} members the first-meeting chance {trend(first[0], first[-1])} "
        f"and the expected wait {trend(waits[0], waits[-1], '{:.2f}')} rounds."
    )


def consensus_simulator() -> ModelView:
    """Sliders for the number of members, support, persuasion, correlation and rounds held."""
    return ModelView(
        draw_consensus,
        {
            "n": w.IntSlider(value=12, min=1, max=MAX_MEMBERS, description="Members", **SLIDER),
            "p": w.FloatSlider(value=0.9, min=0.5, max=1.0, step=0.01, description="Support at start", **SLIDER),
            "q": w.FloatSlider(value=0.3, min=0.05, max=1.0, step=0.05, description="Persuaded per round", **SLIDER),
            "rho": w.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.05, description="Correlation", **SLIDER),
            "rounds": w.IntSlider(value=3, min=0, max=10, description="Rounds held", **SLIDER),
        },
        title="Consensus simulator",
        figsize=(9.0, 4.0),
        layout=None,
    )


OUTCOME_STYLE = {
    "defender concedes": (PALETTE["secondary"], "\\\\"),
    "war": (PALETTE["warning"], "xx"),
    "status quo": (PALETTE["accent"], ""),
    "challenger backs down": (PALETTE["sky"], ".."),
}


def _tree(ax, result) -> None:
    """The game tree with the equilibrium choices drawn bold."""
    nodes = {"C1": (0.1, 0.8), "D": (0.45, 0.55), "C2": (0.8, 0.3)}
    leaves = {"status quo": (0.1, 0.2), "defender concedes": (0.45, 0.05),
              "challenger backs down": (0.8, -0.15), "war": (1.1, 0.05)}
    edges = [
        ("C1", "status quo", "no demand", not result.challenges),
        ("C1", "D", "demand", result.challenges),
        ("D", "defender concedes", "concede", not result.resists),
        ("D", "C2", "stand firm", result.resists),
        ("C2", "challenger backs down", "back down", not result.fights),
        ("C2", "war", "fight", result.fights),
    ]
    points = nodes | leaves
    for start, end, label, chosen in edges:
        (x0, y0), (x1, y1) = points[start], points[end]
        ax.plot([x0, x1], [y0, y1], color=PALETTE["ink"] if chosen else PALETTE["muted"],
                lw=3 if chosen else 1, ls="-" if chosen else ":")
        ax.text((x0 + x1) / 2, (y0 + y1) / 2, label, fontsize=8, ha="center", va="center",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    for name, (x, y) in nodes.items():
        ax.scatter(x, y, s=260, color="white", edgecolor=PALETTE["ink"], zorder=3)
        ax.text(x, y, name[0], ha="center", va="center", fontsize=9, fontweight="bold", zorder=4)
    for name, (x, y) in leaves.items():
        colour, hatch = OUTCOME_STYLE[name]
        ax.text(x, y - 0.09, name.replace("challenger ", "C ").replace("defender ", "D "), ha="center", va="top",
                fontsize=8, fontweight="bold" if name == result.outcome else "normal",
                bbox={"facecolor": colour, "alpha": 0.35 if name == result.outcome else 0.1, "edgecolor": "none"})
    ax.set(xlim=(-0.1, 1.3), ylim=(-0.4, 0.95), title="Equilibrium path (bold)")
    ax.axis("off")


def draw_escalation(fig, commitment, ally, cost_challenger, cost_defender, audience_cost,
                    challenger=2.0, defender=1.0, stakes=1.0) -> str:
    """C's chance of winning against the ally's commitment, the outcome regions, and the game tree."""
    params = dict(challenger=challenger, defender=defender, ally=ally, stakes=stakes,
                  cost_challenger=cost_challenger, cost_defender=cost_defender, audience_cost=audience_cost)
    result = escalation_game(commitment, **params)
    regions = outcome_regions(**params)
    left, right = retained(fig, "escalation", _escalation_axes)
    clear_data(left, right)
    for outcome, lo, hi in regions:
        colour, hatch = OUTCOME_STYLE[outcome]
        left.axvspan(lo, hi, color=colour, alpha=0.2, hatch=hatch, lw=0)
        if hi - lo >= 0.08:
            left.text((lo + hi) / 2, 0.03, outcome.replace("challenger ", "C ").replace("defender ", "D "),
                      ha="center", va="bottom", fontsize=8, rotation=0 if hi - lo > 0.3 else 90,
                      bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1})
    grid = np.array([0.0, 1.0])
    left.plot(grid, [escalation_game(c, **params).challenger_win for c in grid], color=PALETTE["ink"], lw=2, label="C's chance of winning")
    levels = (
        (1 - cost_defender / stakes, "D stands firm below", PALETTE["primary"], "--"),
        ((cost_challenger - audience_cost) / stakes, "C fights above", PALETTE["highlight"], "-."),
        (cost_challenger / stakes, "C prefers war to no demand above", PALETTE["warning"], ":"),
    )
    for level, label, colour, style in levels:
        if 0 <= level <= 1:
            left.axhline(level, color=colour, ls=style, lw=1.5, label=label)
    left.axvline(commitment, color=PALETTE["ink"], lw=1)
    left.set(xlabel="Ally's commitment (chance it joins a war)", ylabel="Probability", xlim=(0, 1), ylim=(0, 1),
             title="Outcome by commitment")
    left.legend(loc="upper right", fontsize=7, framealpha=0.9)
    _tree(right, result)
    fig.suptitle(f"Commitment {commitment:.2f}: {result.outcome}")
    spans = "; ".join(f"{name} from {lo:.2f} to {hi:.2f}" for name, lo, hi in regions)
    return (
        f"A crisis game solved by backward induction. The challenger (strength {challenger:g}) may demand a prize "
        f"from the defender (strength {defender:g}), whose ally (strength {ally:g}) joins a war with probability "
        f"{commitment:.2f}. The challenger's chance of winning a war is {result.challenger_win:.2f}. At this "
        f"commitment the equilibrium outcome is: {result.outcome}. Across commitments from 0 to 1 the outcome is: "
        f"{spans}."
    )


def escalation_explorer() -> ModelView:
    """Sliders for the ally's commitment and strength, both sides' war costs and the cost of backing down."""
    return ModelView(
        draw_escalation,
        {
            "commitment": w.FloatSlider(value=0.3, min=0.0, max=1.0, step=0.05, description="Commitment", **SLIDER),
            "ally": w.FloatSlider(value=3.0, min=0.0, max=6.0, step=0.5, description="Ally's strength", **SLIDER),
            "cost_challenger": w.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, description="C's war cost",
                                             **SLIDER),
            "cost_defender": w.FloatSlider(value=0.4, min=0.0, max=1.0, step=0.05, description="D's war cost",
                                           **SLIDER),
            "audience_cost": w.FloatSlider(value=0.1, min=0.0, max=0.5, step=0.05, description="C's cost of backing down",
                                           **SLIDER),
        },
        title="Crisis escalation with an ally (C's strength 2, D's strength 1, prize 1)",
        figsize=(9.5, 4.3),
        layout=None,
    )


assert set(OUTCOME_STYLE) == set(OUTCOMES)
WIDGETS = (consensus_simulator, escalation_explorer)
