"""Chapter 12 view: a scenario explorer of allies' defence spending paths towards a target share of GDP."""

from __future__ import annotations

import functools

import ipywidgets as w

from alliances.models.scenarios import share_path, spending_scenario
from alliances.style import PALETTE
from alliances.widgets.base import ModelView, fixed_titles, retained

SLIDER = dict(continuous_update=False)


def _scenario_artists(fig, n):
    """Axes, one path and one bar per ally, the target line and its label: built once for n allies and
    then updated in place (making ticks and artists was most of a redraw)."""
    left, right = fig.subplots(1, 2, width_ratios=[1.3, 1])
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.12, top=0.86, wspace=0.45)
    right.grid(False)
    paths = [left.plot([], [], lw=1.3)[0] for _ in range(n)]
    goal = left.axhline(0, color=PALETTE["ink"], lw=1.5)
    label = left.text(0, 0, "", va="bottom", fontsize=8)
    left.set(xlabel="Year", ylabel="Defence spending, % of GDP", title="Scenario paths (not forecasts)")
    bars = right.barh(range(n), [0] * n, left=0, color=PALETTE["primary"], height=0.7).patches
    right.yaxis.set_inverted(True)
    right.set_xlabel("Year target first reached")
    fixed_titles(left, right)
    return left, right, paths, goal, label, bars


def draw_spending_scenario(fig, target, defence_growth, gdp_growth, last_year, expenditure) -> str:
    """Each ally's projected share of GDP to ``last_year``, and the year it would reach the target."""
    table = spending_scenario(expenditure, target, defence_growth, gdp_growth, last_year)
    n = len(table)
    left, right, paths, goal, label, bars = retained(fig, ("scenario", n), functools.partial(_scenario_artists, n=n))
    for line, row, reached in zip(paths, table.itertuples(index=False), table["reached"].notna()):
        path = share_path(row.share_gdp_pct, max(last_year - row.year, 0), defence_growth, gdp_growth)
        line.set_data(range(row.year, row.year + len(path)), path)
        line.set_color(PALETTE["primary"] if reached else PALETTE["warning"])
        line.set_linestyle("-" if reached else "--")
    goal.set_ydata([target, target])
    left.relim()
    left.autoscale_view()
    label.set_position((left.get_xlim()[0], target))
    label.set_text(f" target {target:.1f}%")
    done = table[table["reached"].notna()]
    missing = table[table["reached"].isna()]
    labels = list(done["state"]) + list(missing["state"])
    years = [int(y) for y in done["reached"]]
    first = min(int(table["year"].min()), min(years, default=last_year))
    for k, bar in enumerate(bars):  # reached (in order), then the hatched ones that are not
        on = k < len(years)
        bar.set_x(first - 0.3)
        bar.set_width(years[k] - first + 0.6 if on else last_year - first + 0.6)
        bar.set_alpha(None if on else 0.35)
        bar.set_facecolor(PALETTE["primary"] if on else PALETTE["warning"])
        bar.set_hatch(None if on else "//")
    right.relim()
    right.autoscale_view()
    right.set_yticks(range(len(labels)), labels, fontsize=7)
    right.set(xlim=(first - 0.5, last_year + 0.5), title=f"Hatched: not by {last_year}")
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
