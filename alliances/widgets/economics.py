"""Chapter 8 view: the N-ally public-good model beside the allies' defence burden against their size."""

from __future__ import annotations

import ipywidgets as w
import numpy as np
from matplotlib.ticker import NullFormatter

from alliances.models.economics import burden_and_size, nash_contributions, rank_correlation
from alliances.style import PALETTE
from alliances.widgets.base import ModelView, clear_data, fixed_titles, retained

FIRST_YEAR, LAST_YEAR = 2014, 2022  # NATO's shares start in 2014; the COW capability data end in 2022


def model_incomes(allies: int, inequality: float) -> list[float]:
    """Incomes spaced evenly on a log scale from 1 (smallest) to ``inequality`` (largest), largest first."""
    if allies == 1:
        return [float(inequality)]
    return [float(v) for v in np.geomspace(inequality, 1.0, allies)]


def _burden_axes(fig):
    """The two axes, kept between updates (their ticks are the costly part of a redraw)."""
    left, right = fig.subplots(1, 2)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.84, wspace=0.32)
    right.set(xscale="log", xlabel="Energy use (COW, thousand coal-ton eq.)", ylabel="Defence spending (% of GDP, NATO)")
    right.xaxis.set_minor_formatter(NullFormatter())
    fixed_titles(left, right)
    return left, right


def draw_burden(fig, allies, inequality, taste, year, tables) -> str:
    """Left: Nash contributions and burdens against the optimum; right: NATO burdens against COW energy use."""
    left, right = retained(fig, "burden", _burden_axes)
    clear_data(left, right)
    eq = nash_contributions(model_incomes(allies, inequality), taste)
    x = np.arange(1, allies + 1)
    left.bar(x, [100 * b for b in eq.burdens], color=PALETTE["primary"], label="Nash: share of income given")
    left.axhline(100 * taste, color=PALETTE["warning"], ls="--", lw=1.5, label="optimum: every ally gives this share")
    left.set(xlabel="Ally (1 = richest)", ylabel="Defence burden (% of income)", ylim=(0, 100 * max(taste, max(eq.burdens)) * 1.3),
             title=f"Model: {eq.contributors} of {allies} allies pay")
    left.legend(loc="upper right", fontsize=7)
    table = tables[year]
    rho = rank_correlation(table["size"], table["burden_pct"])
    right.scatter(table["size"], table["burden_pct"], color=PALETTE["secondary"], edgecolor=PALETTE["ink"], zorder=3)
    for iso3, size, burden in zip(table["iso3"].tolist(), table["size"].tolist(), table["burden_pct"].tolist()):
        right.annotate(iso3, (size, burden), textcoords="offset points", xytext=(3, 2), fontsize=6)
    right.set(title=f"{year}: Spearman rho = {rho:.2f}, n = {len(table)}")
    gap_pct = 100 * eq.gap / eq.optimal_total
    fig.suptitle(f"Free riding: the Nash total is {100 - gap_pct:.0f}% of the optimum", fontsize=11)
    if allies == 1:
        who = f"one ally with income {inequality:g}"
    elif inequality == 1:
        who = f"{allies} allies with equal incomes of 1"
    else:
        who = f"{allies} allies whose incomes run from 1 to {inequality:g}"
    paying = ("the ally contributes" if allies == 1 else
              f"{eq.contributors} of the {allies} allies contribute, the largest")
    return (
        f"Public-good model with {who} and a taste for defence of "
        f"{taste:.2f}: in the Nash equilibrium {paying}, giving "
        f"{100 * eq.burdens[0]:.1f}% of its income, and the alliance provides {100 - gap_pct:.0f}% of the jointly optimal "
        f"defence (a free-riding gap of {gap_pct:.0f}%). In the data for {year}, the rank correlation between the "
        f"{len(table)} allies' energy use (a stand-in for economic size) and their defence spending as a share of GDP "
        f"is {rho:.2f}."
    )


def burden_explorer() -> ModelView:
    """Sliders for the number of allies, income inequality, taste for defence, and the data year."""
    from alliances.data import load

    expenditure, capabilities, codes = load("nato_defence_expenditure"), load("cow_capabilities"), load("state_codes")
    tables = {y: burden_and_size(expenditure, capabilities, codes, y) for y in range(FIRST_YEAR, LAST_YEAR + 1)}

    def draw(fig, allies, inequality, taste, year):
        return draw_burden(fig, allies, inequality, taste, year, tables)

    return ModelView(
        draw,
        {
            "allies": w.IntSlider(value=5, min=1, max=12, description="Allies", continuous_update=False),
            "inequality": w.FloatSlider(value=4.0, min=1.0, max=20.0, step=0.5, description="Richest / poorest",
                                        continuous_update=False),
            "taste": w.FloatSlider(value=0.1, min=0.02, max=0.5, step=0.02, description="Taste for defence",
                                   continuous_update=False),
            "year": w.IntSlider(value=2014, min=FIRST_YEAR, max=LAST_YEAR, description="Data year", continuous_update=False),
        },
        title="Burden sharing: the public-good model and NATO's data",
        figsize=(10.0, 4.4),
        layout=None,
    )


WIDGETS = (burden_explorer,)
