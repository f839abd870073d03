"""One figure style for the whole course: a colour-blind-safe palette and readable sizes.

The palette is Okabe and Ito's eight colours (Okabe & Ito 2008), which stay distinct under the
common forms of colour-vision deficiency. Use ``PALETTE`` by role name rather than hex codes.

Course figures are plain ``matplotlib.figure.Figure`` objects drawn with the Agg canvas: importing
the course never selects a backend or touches pyplot, so a student's own ``plt.show()`` still works.
"""

from __future__ import annotations

import contextlib

import matplotlib
from matplotlib import rc_context
from matplotlib.figure import Figure

OKABE_ITO = (
    "#000000",  # black
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
)

PALETTE = {
    "primary": "#0072B2",
    "secondary": "#E69F00",
    "accent": "#009E73",
    "warning": "#D55E00",
    "muted": "#999999",
    "highlight": "#CC79A7",
    "sky": "#56B4E9",
    "ink": "#000000",
}

# Colours for the cycle: black and yellow are left out (black reads as text, yellow is faint on white).
CYCLE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7")

RC = {
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "savefig.bbox": "tight",
}


@contextlib.contextmanager
def context():
    """Apply the course style for figures created and drawn inside the block."""
    with rc_context(RC):
        yield


def new_figure(figsize: tuple[float, float] = (7.0, 4.0), layout: str | None = "constrained") -> Figure:
    """A matplotlib Figure in the course style, not registered with pyplot (no global state).

    ``layout=None`` skips constrained layout (about a third of a redraw) for live figures whose
    ``draw`` sets its own margins with ``fig.subplots_adjust``.
    """
    with context():
        return Figure(figsize=figsize, layout=layout)
