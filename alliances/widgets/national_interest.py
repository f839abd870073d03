"""Chapter 7 view: a state chooses allies among the great powers, trading security against autonomy."""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from alliances.models.national_interest import best_portfolio, capabilities_in_year, portfolios
from alliances.style import PALETTE
from alliances.widgets.base import ModelView, clear_data, fixed_titles, retained

# COW country codes; Germany is united Germany (255) or, 1955-1990, the Federal Republic (260).
CANDIDATES = {"United States": (2,), "United Kingdom": (200,), "France": (220,), "Germany": (255, 260),
              "Russia/USSR": (365,), "China": (710,), "Japan": (740,)}
CHOOSERS = {"Poland": (290,), "Turkey": (640,), "South Korea": (732,), "Australia": (900,),
            "Norway": (385,), "Philippines": (840,)}
FIRST_YEAR, LAST_YEAR = 1955, 2016


def _choice_axes(fig):
    """The two axes, kept between updates (their ticks are the costly part of a redraw)."""
    left, right = fig.subplots(1, 2, width_ratios=[1.3, 1])
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.86, wspace=0.45)
    right.tick_params(axis="y", labelsize=8)
    right.grid(False)
    fixed_titles(left, right)
    return left, right


def draw_choice(fig, state, threat, year, weight, reliability, restraint, capabilities,
                considered=tuple(CANDIDATES)) -> str:
    """Left: every portfolio's security against autonomy lost, the best marked; right: candidates' CINC."""
    own = capabilities_in_year(capabilities, {state: CHOOSERS[state]}, year)
    if state not in own:
        raise ValueError(f"no COW capability score for {state} in {year}")
    wanted = {n: CANDIDATES[n] for n in CANDIDATES if n in considered or n == threat}
    caps = capabilities_in_year(capabilities, wanted, year)
    if threat not in caps:
        raise ValueError(f"no COW capability score for {threat} in {year}")
    options = portfolios(own[state], caps[threat], caps, weight, reliability, threat, restraint)
    best = best_portfolio(own[state], caps[threat], caps, weight, reliability, threat, restraint)
    left, right = retained(fig, "choice", _choice_axes)
    clear_data(left, right)
    a = np.array([p.autonomy_lost for p in options])
    s = np.array([p.security for p in options])
    wagon = np.array([p.bandwagon for p in options])
    left.scatter(a[~wagon], s[~wagon], s=14, color=PALETTE["muted"], label="balancing portfolios")
    left.scatter(a[wagon], s[wagon], s=14, marker="x", color=PALETTE["secondary"], label=f"with {threat} (bandwagoning)")
    xs = np.linspace(0, max(a.max(), 0.1), 50)
    left.plot(xs, best.value + weight * xs, color=PALETTE["primary"], lw=1, ls="--", label="equally good (indifference)")
    left.scatter([best.autonomy_lost], [best.security], s=90, facecolor="white", edgecolor=PALETTE["warning"],
                 lw=2, zorder=3, label="best portfolio")
    left.set(xlabel="Autonomy lost (sum of partners' shares)", ylabel="Security (share of strength)",
             ylim=(0, 1.05), title="Every set of allies")
    left.legend(loc="lower right", fontsize=7)
    names = [state] + list(caps)
    values = [own[state]] + [caps[n] for n in caps]
    colours = [PALETTE["ink"]] + [PALETTE["warning"] if n in best.partners else
                                  (PALETTE["secondary"] if n == threat else PALETTE["sky"]) for n in caps]
    hatches = [""] + ["//" if n in best.partners else "" for n in caps]
    right.barh(range(len(names)), values[::-1], color=colours[::-1], hatch=hatches[::-1], edgecolor="white")
    right.set_yticks(range(len(names)), names[::-1])
    right.set(xlabel=f"COW CINC score, {year}", title="Capabilities (chosen: hatched)")
    chosen = ", ".join(best.partners) if best.partners else "no ally"
    fig.suptitle(f"{state} facing {threat}, {year}: best choice is {chosen}", fontsize=11)
    if best.bandwagon:
        kind = "hedges, allying with the threat and others" if len(best.partners) > 1 else "bandwagons with the threat"
    else:
        kind = "balances" if best.partners else "stays unaligned"
    return (
        f"{state} (CINC {own[state]:.4f}) faces {threat} (CINC {caps[threat]:.4f}) in {year}, with allies honouring "
        f"commitments with probability {reliability:.2f}, {threat} keeping a bandwagoning deal with probability "
        f"{restraint:.2f}, and autonomy weighted {weight:.2f} against security. "
        f"Of {len(options)} possible sets of allies among {len(caps)} great powers considered ({', '.join(caps)}), the best is {chosen}: it "
        f"{kind}, with security {best.security:.2f} and autonomy lost {best.autonomy_lost:.2f}. "
        f"Staying alone gives security {options[0].security:.2f}."
    )


def alliance_choice() -> ModelView:
    """Menus for the choosing state and its threat; sliders for the year, autonomy weight and reliability."""
    from alliances.data import load

    capabilities = load("cow_capabilities")[["ccode", "year", "cinc"]]

    def draw(fig, state, threat, partners, year, weight, reliability, restraint):
        return draw_choice(fig, state, threat, year, weight, reliability, restraint, capabilities, partners)

    slider = dict(continuous_update=False, readout_format=".2f")
    return ModelView(
        draw,
        {
            "state": w.Dropdown(options=list(CHOOSERS), value="Poland", description="State"),
            "threat": w.Dropdown(options=list(CANDIDATES), value="Russia/USSR", description="Threat"),
            "partners": w.SelectMultiple(options=list(CANDIDATES), value=("United States", "United Kingdom", "France", "Germany"),
                                         description="Partners considered", rows=4),
            "year": w.IntSlider(value=2000, min=FIRST_YEAR, max=LAST_YEAR, description="Year", continuous_update=False),
            "weight": w.FloatSlider(value=0.1, min=0.0, max=1.0, step=0.05, description="Autonomy weight", **slider),
            "reliability": w.FloatSlider(value=0.75, min=0.0, max=1.0, step=0.05, description="Allies' reliability", **slider),
            "restraint": w.FloatSlider(value=0.25, min=0.0, max=1.0, step=0.05, description="Threat's restraint", **slider),
        },
        title="Choosing allies: security gained against autonomy lost (COW capabilities)",
        figsize=(9.5, 4.4),
        layout=None,
    )


WIDGETS = (alliance_choice,)
