"""Chapter 9 view: allied pairs formed and in force by decade and obligation (ATOP), with NATO's milestones."""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from alliances.models.atop import OBLIGATIONS
from alliances.models.evolution import MEASURES, decade_table
from alliances.style import CYCLE, PALETTE
from alliances.widgets.base import ModelView, clear_data, fixed_titles, retained

LABELS = {"defence": "Defence", "offence": "Offence", "neutrality": "Neutrality", "non_aggression": "Non-aggression",
          "consultation": "Consultation"}
ALL_KINDS = "all kinds"


def _evolution_axes(fig):
    """The two axes, kept between updates (their ticks are the costly part of a redraw)."""
    top, bottom = fig.add_axes((0.14, 0.45, 0.84, 0.45)), fig.add_axes((0.14, 0.1, 0.84, 0.2))
    fixed_titles(top, bottom)
    return top, bottom


def draw_evolution(fig, obligation, measure, kind, tables, milestones) -> str:
    """Top: the chosen measure by decade for one obligation; bottom: milestones since 1945, one kind marked."""
    top, bottom = retained(fig, "evolution", _evolution_axes)
    clear_data(top, bottom)
    series = tables[measure][obligation]
    decades = series.index.to_numpy()
    top.bar(decades + 5, series.to_numpy(), width=8, color=PALETTE["primary"], edgecolor="white")
    peak = int(series.idxmax())
    unit = "pairs formed in the decade" if measure == "formed" else "pairs in force (average per year)"
    top.set_ylim(0, float(series.max()) * 1.15 or 1.0)
    top.set(xlim=(1810, 2020), ylabel=unit.split(" (")[0].capitalize(),
            title=f"{LABELS[obligation]} pledges: allied {unit}, ATOP 1815-2018")
    top.annotate(f"peak {series.max():,.0f} in the {peak}s", (peak + 5, series.max()), textcoords="offset points",
                 xytext=(0, 3), ha="right" if peak >= 1980 else "center", fontsize=8)  # stays inside near 2020
    kinds = sorted(milestones["kind"].astype(str).unique())
    years = milestones["date"].dt.year + (milestones["date"].dt.day_of_year - 1) / 365.0
    y = np.array([kinds.index(k) for k in milestones["kind"].astype(str)])
    chosen = (milestones["kind"].astype(str) == kind).to_numpy() if kind != ALL_KINDS else np.ones(len(milestones), bool)
    bottom.scatter(years[~chosen], y[~chosen], s=12, color=PALETTE["muted"])
    bottom.scatter(years[chosen], y[chosen], s=30, color=CYCLE[3], zorder=3)
    if kind != ALL_KINDS:
        for n, (x, yy) in enumerate(zip(years[chosen], y[chosen])):
            bottom.annotate(str(int(x)), (x, yy), textcoords="offset points", xytext=(0, 5 + 7 * (n % 2)),
                            ha="center", fontsize=7)
    bottom.set(xlim=(1945, 2026), yticks=range(len(kinds)), ylim=(-0.8, len(kinds) - 0.2), xlabel="Year")
    bottom.set_yticklabels(kinds, fontsize=6)
    bottom.set_title(f"Milestones in the course data ({'all kinds' if kind == ALL_KINDS else kind} marked)", fontsize=9)
    in_2010s = float(series.loc[2010])
    listed = milestones.loc[chosen].sort_values("date")
    named = "; ".join(f"{d.year}: {t}" for d, t in zip(listed["date"], listed["title"]))
    return (
        f"{LABELS[obligation]} pledges in ATOP, {unit}, by decade from the 1810s to the 2010s: the peak is "
        f"{series.max():,.0f} in the {peak}s and the 2010s (to 2018) show {in_2010s:,.0f}. "
        f"Milestones marked ({kind}): {named}."
    )


def evolution_explorer() -> ModelView:
    """Menus for the obligation, the measure (formed or in force) and the kind of milestone marked."""
    from alliances.data import load

    tables = decade_table(load("atop_dyad_years"))
    milestones = load("milestones").sort_values("date").reset_index(drop=True)
    kinds = [ALL_KINDS] + sorted(milestones["kind"].astype(str).unique())

    def draw(fig, obligation, measure, kind):
        return draw_evolution(fig, obligation, measure, kind, tables, milestones)

    return ModelView(
        draw,
        {
            "obligation": w.Dropdown(options=[(LABELS[o], o) for o in OBLIGATIONS], value="defence", description="Obligation"),
            "measure": w.Dropdown(options=list(MEASURES), value="formed", description="Pairs"),
            "kind": w.Dropdown(options=kinds, value="strategic concept", description="Milestones"),
        },
        title="Alliance commitments by decade (ATOP) and NATO's milestones",
        figsize=(9.0, 5.2),
        layout=None,
    )


WIDGETS = (evolution_explorer,)
