"""Chapter 12 view: a scenario explorer of allies' defence spending paths towards a target share of GDP."""

from __future__ import annotations

import ipywidgets as w

from alliances.models.scenarios import share_path, spending_scenario
from alliances.style import PALETTE
from alliances.widgets.base import ModelView, clear_data, retained

SLIDER = dict(continuous_update=False)


def _scenario_axes(fig):
    """The two axes, kept between updates (their ticks are the costly part of a redraw)."""
    left, right = fig.subplots(1, 2, width_ratios=[1.3, 1])
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.12, top=0.86, wspace=0.45)
    right.grid(False)
    return left, right


def draw_spending_scenario(fig, target, defence_growth, gdp_growth, last_year, expenditure) -> str:
    """Each ally's projected share of GDP to ``last_year``, and the year it would reach the target."""
    table = spending_scenario(expenditure, target, defence_growth, gdp_growth, last_year)
    left, right = retained(fig, "scenario", _scenario_axes)
    clear_data(left, right)
    for row, reached in zip(table.itertuples(index=False), table["reached"].notna()):
        path = share_path(row.share_gdp_pct, max(last_year - row.year, 0), defence_growth, gdp_growth)
        left.plot(range(row.year, row.year + len(path)), path, lw=1.3,
                  color=PALETTE["primary"] if reached else PALETTE["warning"], ls="-" if reached else "--")
    left.axhline(target, color=PALETTE["ink"], lw=1.5)
    left.text(left.get_xlim()[0], target, f" target {target:.1f}%", va="bottom", fontsize=8)
    left.set(xlabel="Year", ylabel="Defence spending, % of GDP", title="Scenario paths (not forecasts)")
    done = table[table["reached"].notna()]
    missing = table[table["reached"].isna()]
    labels = list(done["state"]) + list(missing["state"])
    years = [int(y) for y in done["reached"]]
    first = min(int(table["year"].min()), min(years, default=last_year))
    right.barh(range(len(years)), [y - first + 0.6 for y in years], left=first - 0.3, color=PALETTE["primary"], height=0.7)
    right.barh(range(len(years), len(labels)), [last_year - first + 0.6] * len(missing), left=first - 0.3,
               color=PALETTE["warning"], alpha=0.35, hatch="//", height=0.7)
    right.set_yticks(range(len(labels)), labels, fontsize=7)
    right.yaxis.set_inverted(True)
    right.set(xlim=(first - 0.5, last_year + 0.5), xlabel="Year target first reached",
              title=f"Hatched: not by {last_year}")
    fig.suptitle(f"Scenario: {len(done)} of {len(table)} allies at {target:.1f}% of GDP by {last_year}")
    listed = "; ".join(f"{s} {int(y)}" for s, y in zip(done["state"], done["reached"]))
    return (
        f"A scenario, not a forecast. Starting from each ally's latest NATO figure and assuming defence spending "
        f"grows {defence_growth:.1f}% a year and GDP {gdp_growth:.1f}% a year in real terms, {len(done)} of "
        f"{len(table)} allies with figures reach {target:.1f}% of GDP by {last_year}"
        + (f" (year first reached: {listed})" if listed else "")
        + (f"; not by {last_year}: {', '.join(missing['state'])}." if len(missing) else ".")
    )


def spending_scenario_explorer() -> ModelView:
    """Sliders for the target, the two growth rates and the end of the scenario, over NATO's latest figures."""
    from alliances.data import load

    expenditure = load("nato_defence_expenditure")

    def draw(fig, **values):
        return draw_spending_scenario(fig, expenditure=expenditure, **values)

    return ModelView(
        draw,
        {
            "target": w.FloatSlider(value=3.5, min=2.0, max=5.0, step=0.5, description="Target (% of GDP)", **SLIDER),
            "defence_growth": w.FloatSlider(value=5.0, min=0.0, max=12.0, step=0.5, description="Defence growth (%/yr)",
                                            **SLIDER),
            "gdp_growth": w.FloatSlider(value=1.5, min=0.0, max=4.0, step=0.5, description="GDP growth (%/yr)", **SLIDER),
            "last_year": w.IntSlider(value=2035, min=2030, max=2050, step=1, description="Scenario ends", **SLIDER),
        },
        title="Spending scenario explorer (a scenario, not a forecast)",
        figsize=(9.5, 5.4),
        layout=None,
    )


WIDGETS = (spending_scenario_explorer,)
