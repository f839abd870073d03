"""Chapter 5 calculator: the reader's choice of reference reliability (era) is drawn and described truly."""

import pytest
from matplotlib.figure import Figure

from alliances.models.deterrence import RELIABILITY_ESTIMATES
from alliances.widgets.deterrence import REFERENCE_LABELS, deterrence_calculator, draw_deterrence

# Defaults c = d = 1, a = 2, V = 100, k = 20, e = 10: E0 = 50 - 20 = 30, E1 = 25 - 30 = -5,
# so E(r) = 30 - 35 r by hand.
DEFAULTS = dict(reliability=0.5, ally=2.0, protege=1.0, stakes=100.0, cost=20.0, extra_cost=10.0)


@pytest.mark.parametrize("key, share, gain, verdict", [
    ("llm2000", "74.5%", 30 - 35 * 0.745, "attacks"),        # 3.925 > 0
    ("bf2018_pre1945", "66%", 30 - 35 * 0.66, "attacks"),    # 6.9
    ("bf2018_post1945", "22%", 30 - 35 * 0.22, "attacks"),   # 22.3
    ("bf2018_all", "50%", 30 - 35 * 0.50, "attacks"),        # 12.5
    ("bf2018_defence", "41%", 30 - 35 * 0.41, "attacks"),    # 15.65
])
def test_reference_line_and_description(key, share, gain, verdict):
    fig = Figure()
    text = draw_deterrence(fig, reference=key, **DEFAULTS)
    ax = fig.axes[0]
    dotted = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert len(dotted) == 1
    assert dotted[0].get_xdata()[0] == pytest.approx(RELIABILITY_ESTIMATES[key].value)
    assert f"reference reliability of {share}" in text
    assert f"expected gain is {gain:.1f}, so at that reliability the challenger {verdict}" in text
    assert RELIABILITY_ESTIMATES[key].period in text


def test_reference_deterred_when_ally_strong():
    """a = 6: E1 = 100/8 - 30 = -17.5, E(r) = 30 - 47.5 r; at 0.745 that is -5.39: deterred."""
    text = draw_deterrence(Figure(), **{**DEFAULTS, "ally": 6.0}, reference="llm2000")
    assert "expected gain is -5.4, so at that reliability the challenger is deterred" in text


def test_every_estimate_has_a_control_option():
    view = deterrence_calculator()
    options = {value for _, value in view.controls["reference"].options}
    assert options == set(RELIABILITY_ESTIMATES) == set(REFERENCE_LABELS)
