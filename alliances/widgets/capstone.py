"""Chapter 13 view: one commitment seen through three models (deterrence, escalation, the security dilemma)."""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from alliances.models.crisis import escalation_game, outcome_regions
from alliances.models.deterrence import analyse
from alliances.models.security_dilemma import best_commitment, entrapment_risk
from alliances.style import PALETTE
from alliances.widgets.base import ModelView, clear_data, fixed_titles, retained

SLIDER = dict(continuous_update=False)
DETERRENCE = dict(challenger=1.0, protege=1.0, ally=2.0, stakes=10.0, cost=3.0, extra_cost=1.0)


def _lens_axes(fig):
    """The three axes, kept between updates (their ticks are the costly part of a redraw)."""
    first, second, third = fig.subplots(1, 3)
    fig.subplots_adjust(left=0.07, right=0.99, bottom=0.16, top=0.8, wspace=0.38)
    second.set(yticks=[])
    second.grid(False)
    fixed_titles(first, second, third)
    return first, second, third


def draw_three_lenses(fig, commitment, weight, entrapment) -> str:
    """Chapter 5's expected gain from attack, chapter 10's escalation outcome and chapter 11's risks, against commitment."""
    grid = np.linspace(0.0, 1.0, 101)
    deter = analyse(**DETERRENCE)
    gains = deter.gain_alone + grid * (deter.gain_with_ally - deter.gain_alone)
    gain_now = deter.gain(commitment)
    escalation = escalation_game(commitment)
    regions = outcome_regions()
    best = best_commitment(weight, 0.6, entrapment, 2.0)
    risk_now = entrapment_risk(commitment, entrapment, 2.0)
    first, second, third = retained(fig, "lenses", _lens_axes)
    clear_data(first, second, third)
    first.plot(grid, gains, color=PALETTE["primary"], lw=2)
    first.axhline(0, color=PALETTE["ink"], lw=1)
    first.axvline(commitment, color=PALETTE["muted"], lw=1)
    first.scatter([commitment], [gain_now], color=PALETTE["primary"], zorder=3)
    first.set(xlabel="Commitment", ylabel="Challenger's gain", title="Ch. 5: deterrence")
    colours = {"defender concedes": PALETTE["secondary"], "war": PALETTE["warning"],
               "status quo": PALETTE["accent"], "challenger backs down": PALETTE["sky"]}
    for name, lo, hi in regions:
        second.barh(0, hi - lo, left=lo, color=colours[name], alpha=0.6, height=0.5,
                    hatch="xx" if name == "war" else "", edgecolor="white")
        second.text((lo + hi) / 2, 0, name.replace("defender ", "D ").replace(" ", "\n"), ha="center", va="center",
                    fontsize=7)
    second.axvline(commitment, color=PALETTE["ink"], lw=2)
    second.set(xlim=(0, 1), ylim=(-0.5, 0.5), xlabel="Commitment", title="Ch. 10: escalation game")
    third.plot(grid, 0.6 * (1 - grid) ** 2, color=PALETTE["primary"], lw=2, label="Abandonment")
    third.plot(grid, entrapment * grid**2, color=PALETTE["warning"], lw=2, ls="--", label="Entrapment")
    third.axvline(commitment, color=PALETTE["muted"], lw=1)
    third.axvline(best.commitment, color=PALETTE["accent"], lw=1.5, ls=":")
    third.set(xlabel="Commitment", ylabel="Risk", ylim=(0, 1), title="Ch. 11: security dilemma")
    third.legend(loc="upper center", fontsize=7)
    verdict = "deterred" if gain_now <= 0 else "not deterred"
    fig.suptitle(f"Commitment {commitment:.2f}: challenger {verdict}; crisis game: {escalation.outcome}")
    return (
        f"Three models read at a commitment of {commitment:.2f}. Chapter 5's deterrence model (challenger, protégé "
        f"and ally strengths 1, 1 and 2, stakes 10, war cost 3, extra cost 1) gives the challenger an expected gain "
        f"from attacking of {gain_now:.2f}, so it is {verdict}; the threshold reliability is {deter.threshold:.2f}. "
        f"Chapter 10's escalation game at its defaults ends in: {escalation.outcome}. Chapter 11's security dilemma "
        f"puts the entrapment risk at {risk_now:.3f}; with a weight of {weight:.2f} on abandonment the least risky "
        f"commitment is {best.commitment:.2f}."
    )


def three_lenses() -> ModelView:
    """Sliders for the commitment, the weight a government puts on abandonment, and the entrapment risk."""
    return ModelView(
        draw_three_lenses,
        {
            "commitment": w.FloatSlider(value=0.3, min=0.0, max=1.0, step=0.05, description="Commitment", **SLIDER),
            "weight": w.FloatSlider(value=0.5, min=0.05, max=0.95, step=0.05, description="Weight on abandonment",
                                    **SLIDER),
            "entrapment": w.FloatSlider(value=0.4, min=0.05, max=1.0, step=0.05, description="Entrapment risk at 1",
                                        **SLIDER),
        },
        title="One commitment, three lenses",
        figsize=(10.0, 3.8),
        layout=None,
    )


WIDGETS = (three_lenses,)
