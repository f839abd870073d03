"""Chapter 5 view: an extended-deterrence calculator (does the challenger attack the protégé?)."""

from __future__ import annotations

import math

import ipywidgets as w
import numpy as np

from alliances.models.deterrence import RELIABILITY_ESTIMATES, analyse
from alliances.style import PALETTE
from alliances.widgets.base import ModelView, clear_data, retained

LEEDS_RELIABILITY = RELIABILITY_ESTIMATES["llm2000"].value  # Leeds, Long & Mitchell (2000): 74.5%, 1816-1944
REFERENCE_LABELS = {
    "llm2000": "1816-1944: 74.5% (Leeds et al.)",
    "bf2018_pre1945": "1816-1944: 66% (Berkemeier-Fuhrmann)",
    "bf2018_post1945": "1945-2003: 22% (Berkemeier-Fuhrmann)",
    "bf2018_all": "1816-2003: 50% (Berkemeier-Fuhrmann)",
    "bf2018_defence": "Defence pacts 1816-2003: 41%",
}
CHALLENGER = 1.0  # the challenger's strength is the unit in which the other strengths are measured


def _threshold_text(r_star: float) -> str:
    if r_star == 0.0:
        return "the protégé deters the challenger on its own (threshold r* = 0)"
    if math.isinf(r_star):
        return "no reliability deters: even an ally certain to fight leaves the attack profitable"
    return f"deterrence holds once reliability reaches r* = {r_star:.2f}"


def _slope_text(e0: float, e1: float) -> str:
    if math.isclose(e0, e1, abs_tol=1e-9):
        return f"is the same ({e0:.1f}) whatever the reliability, because the ally adds neither strength nor cost"
    return f"falls in a straight line from {e0:.1f} at r = 0 to {e1:.1f} at r = 1"


def _pct(share: float) -> str:
    return f"{share * 100:.1f}".rstrip("0").rstrip(".") + "%"


def _num(x: float) -> str:
    return f"{x:.1f}".replace("-0.0", "0.0")


def _deterrence_axes(fig):
    """The axes, kept between updates (its ticks are the costly part of a redraw)."""
    ax = fig.subplots()
    fig.subplots_adjust(left=0.1, right=0.98, top=0.92, bottom=0.26)  # fixed margins: no layout pass per redraw
    return ax


def draw_deterrence(fig, reliability, ally, protege, stakes, cost, extra_cost, challenger=CHALLENGER,
                    reference="llm2000") -> str:
    """Expected gain of attacking as a function of the ally's reliability, with the threshold and regions.

    ``reference`` picks the published reliability figure (a key of ``RELIABILITY_ESTIMATES``) marked
    by the dotted line, so the reader chooses the era the calculator is read against.
    """
    estimate = RELIABILITY_ESTIMATES[reference]
    model = analyse(challenger, protege, ally, stakes, cost, extra_cost)
    r_star = model.threshold
    gain_now = model.gain(reliability)
    attack_now = gain_now > 0
    ax = retained(fig, "deterrence", _deterrence_axes)
    clear_data(ax)
    r = np.linspace(0.0, 1.0, 201)
    gains = (1 - r) * model.gain_alone + r * model.gain_with_ally

    lo, hi = min(0.0, gains.min()), max(0.0, gains.max())
    span = hi - lo if hi > lo else 20.0
    ylim = (lo - 0.3 * span, hi + 0.3 * span)  # room for the region labels above and below the line
    boundary = min(max(r_star, 0.0), 1.0)  # where the "attacks" region ends on this axis
    # E(r) never rises with r, so the line is high on the left and low on the right: the attack label
    # goes at the bottom of its region and the deterred label at the top of its own, clear of the line.
    if boundary > 0:
        ax.axvspan(0, boundary, color=PALETTE["warning"], alpha=0.12, hatch="//", lw=0)
        narrow = boundary < 0.3
        ax.text(boundary / 2, ylim[0] + 0.04 * (ylim[1] - ylim[0]),
                "ATTACKS" if narrow else "ATTACKS\n(expected gain > 0)", ha="center", va="bottom",
                fontsize=9, color=PALETTE["ink"], fontweight="bold", rotation=90 if boundary < 0.12 else 0)
    if boundary < 1:
        ax.axvspan(boundary, 1, color=PALETTE["accent"], alpha=0.12, lw=0)
        narrow = 1 - boundary < 0.3
        ax.text((boundary + 1) / 2, ylim[1] - 0.04 * (ylim[1] - ylim[0]),
                "DETERRED" if narrow else "DETERRED\n(expected gain ≤ 0)", ha="center", va="top",
                fontsize=9, color=PALETTE["ink"], fontweight="bold", rotation=90 if 1 - boundary < 0.12 else 0)

    ax.axhline(0, color=PALETTE["ink"], lw=1, ls="-")
    ax.text(0.005, 0, "status quo = 0", va="bottom", ha="left", fontsize=8, color=PALETTE["ink"])
    ax.plot(r, gains, color=PALETTE["primary"], lw=2.5, label="Challenger's expected gain from attacking, E(r)")
    ax.axvline(estimate.value, color=PALETTE["muted"], ls=":", lw=1.5,
               label=f"{_pct(estimate.value)} honoured, {estimate.period} ({estimate.source})")
    if 0 < r_star <= 1:
        ax.axvline(r_star, color=PALETTE["ink"], ls="--", lw=1.5, label=f"Threshold r* = {r_star:.2f}")
        ax.annotate(f"r* = {r_star:.2f}", xy=(r_star, ylim[1]), xytext=(-4, -6), textcoords="offset points",
                    ha="right", va="top", fontsize=9, fontweight="bold")
    marker = "X" if attack_now else "o"
    ax.scatter([reliability], [gain_now], s=110, marker=marker, color=PALETTE["secondary"], edgecolor=PALETTE["ink"],
               zorder=5, label=f"Current reliability r = {reliability:.2f}: E = {_num(gain_now)}")
    ax.set(xlim=(0, 1), ylim=ylim, xlabel="Reliability r: probability that the ally fights",
           ylabel="Expected gain of attacking")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=8, frameon=False)
    verdict = "ATTACKS" if attack_now else "is DETERRED"
    ax.set_title(f"At r = {reliability:.2f} the challenger {verdict} (E = {_num(gain_now)})")

    return (
        f"Line chart of the challenger's expected gain from attacking against the ally's reliability r from 0 to 1. "
        f"Strengths: challenger {challenger:g}, protégé {protege:g}, ally {ally:g}; stakes {stakes:g}, cost of war "
        f"{cost:g}, extra cost {extra_cost:g} if the ally fights. The challenger wins with probability "
        f"{model.p_alone:.2f} against the protégé alone and {model.p_with_ally:.2f} if the ally joins, so the "
        f"expected gain {_slope_text(model.gain_alone, model.gain_with_ally)}; {_threshold_text(r_star)}. At the current reliability of {reliability:.2f} the expected gain "
        f"is {_num(gain_now)}, so the challenger {'attacks' if attack_now else 'is deterred'}. A dotted line marks "
        f"the reference reliability of {_pct(estimate.value)} ({estimate.scope}, wars of {estimate.period}, "
        f"reported by {estimate.source}), where the expected gain is {_num(model.gain(estimate.value))}, so at that reliability "
        f"the challenger {'attacks' if model.attacks(estimate.value) else 'is deterred'}."
    )


def deterrence_calculator() -> ModelView:
    """Sliders for reliability, the ally's and protégé's strength, the stakes and the costs of war."""
    slider = dict(continuous_update=False)
    return ModelView(
        draw_deterrence,
        {
            "reliability": w.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, readout_format=".2f",
                                         description="Reliability r (chance the ally fights)", **slider),
            "ally": w.FloatSlider(value=2.0, min=0.0, max=6.0, step=0.25, readout_format=".2f",
                                  description="Ally's strength a", **slider),
            "protege": w.FloatSlider(value=1.0, min=0.25, max=4.0, step=0.25, readout_format=".2f",
                                     description="Protégé's strength d", **slider),
            "stakes": w.FloatSlider(value=100.0, min=10.0, max=200.0, step=10.0, readout_format=".0f",
                                    description="Stakes V", **slider),
            "cost": w.FloatSlider(value=20.0, min=0.0, max=60.0, step=2.0, readout_format=".0f",
                                  description="Cost of war k", **slider),
            "extra_cost": w.FloatSlider(value=10.0, min=0.0, max=40.0, step=2.0, readout_format=".0f",
                                        description="Extra cost e if the ally fights", **slider),
            "reference": w.Dropdown(options=[(label, key) for key, label in REFERENCE_LABELS.items()],
                                    value="llm2000", description="Reference r"),
        },
        title="Extended-deterrence calculator (the challenger's strength is fixed at 1)",
        figsize=(8.0, 4.6),
        layout=None,
    )


WIDGETS = (deterrence_calculator,)
