"""Chapter 11 view: Snyder's alliance security dilemma, abandonment against entrapment."""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from alliances.models.security_dilemma import best_commitment, weighted_risk
from alliances.style import PALETTE
from alliances.widgets.base import ModelView, clear_data, fixed_titles, retained

SLIDER = dict(continuous_update=False)


def _dilemma_axes(fig):
    """The two axes, kept between updates (their ticks are the costly part of a redraw)."""
    left, right = fig.subplots(1, 2, width_ratios=[1.5, 1])
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.83, wspace=0.28)
    fixed_titles(left, right)
    return left, right


def draw_security_dilemma(fig, commitment, weight, abandonment, entrapment, curvature) -> str:
    """Both risks and their weighted sum against commitment, with the optimum; the optimum against the weight."""
    c = np.linspace(0.0, 1.0, 201)
    a_curve = abandonment * (1 - c) ** curvature
    e_curve = entrapment * c**curvature
    total = weight * a_curve + (1 - weight) * e_curve
    best = best_commitment(weight, abandonment, entrapment, curvature)
    here = weighted_risk(commitment, weight, abandonment, entrapment, curvature)
    left, right = retained(fig, "dilemma", _dilemma_axes)
    clear_data(left, right)
    left.plot(c, a_curve, color=PALETTE["primary"], lw=2, label="Abandonment risk")
    left.plot(c, e_curve, color=PALETTE["warning"], lw=2, ls="--", label="Entrapment risk")
    left.plot(c, total, color=PALETTE["ink"], lw=2.5, ls="-.", label=f"Weighted sum (w = {weight:.2f})")
    left.axvline(best.commitment, color=PALETTE["accent"], lw=1.5, ls=":")
    left.scatter([best.commitment], [best.weighted], color=PALETTE["accent"], s=60, zorder=3, label="Lowest weighted risk")
    left.scatter([commitment], [here], color=PALETTE["ink"], marker="s", s=50, zorder=3, label="Your commitment")
    left.set(xlabel="Commitment (0 none, 1 unconditional)", ylabel="Risk", xlim=(0, 1), ylim=(0, 1.02),
             title="Abandonment versus entrapment")
    left.legend(loc="upper center", fontsize=8, framealpha=0.9)
    weights = np.linspace(0.01, 0.99, 99)
    optima = [best_commitment(x, abandonment, entrapment, curvature).commitment for x in weights]
    right.plot(weights, optima, color=PALETTE["accent"], lw=2)
    right.scatter([weight], [best.commitment], color=PALETTE["accent"], s=50, zorder=3)
    right.set(xlabel="Weight on abandonment", ylabel="Best commitment", xlim=(0, 1), ylim=(-0.02, 1.02),
              title="Fear of abandonment\nrequires firmer commitment")
    fig.suptitle(f"Best commitment {best.commitment:.2f}; yours ({commitment:.2f}) carries weighted risk {here:.3f}")
    return (
        f"Snyder's alliance security dilemma. Abandonment risk falls from {abandonment:.2f} with no commitment to 0 "
        f"with full commitment; entrapment risk rises from 0 to {entrapment:.2f}; both curves have curvature "
        f"{curvature:.1f}. With a weight of {weight:.2f} on abandonment, the weighted risk is lowest, at "
        f"{best.weighted:.3f}, for a commitment of {best.commitment:.2f} (abandonment risk {best.abandonment:.3f}, "
        f"entrapment risk {best.entrapment:.3f}). The chosen commitment of {commitment:.2f} carries a weighted risk "
        f"of {here:.3f}. The right panel shows the best commitment rising from {optima[0]:.2f} to {optima[-1]:.2f} "
        f"as the weight on abandonment rises from 0.01 to 0.99."
    )


def security_dilemma_explorer() -> ModelView:
    """Sliders for the commitment, the weight on abandonment, the two risks at their worst and the curvature."""
    return ModelView(
        draw_security_dilemma,
        {
            "commitment": w.FloatSlider(value=0.3, min=0.0, max=1.0, step=0.05, description="Your commitment", **SLIDER),
            "weight": w.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, description="Weight on abandonment",
                                    **SLIDER),
            "abandonment": w.FloatSlider(value=0.6, min=0.05, max=1.0, step=0.05, description="Abandonment risk at 0",
                                         **SLIDER),
            "entrapment": w.FloatSlider(value=0.4, min=0.05, max=1.0, step=0.05, description="Entrapment risk at 1",
                                        **SLIDER),
            "curvature": w.FloatSlider(value=2.0, min=1.5, max=4.0, step=0.5, description="Curvature", **SLIDER),
        },
        title="The alliance security dilemma",
        figsize=(9.5, 4.3),
        layout=None,
    )


WIDGETS = (security_dilemma_explorer,)
