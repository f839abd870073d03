"""Chapter 13's three-lens widget: its "Try this" claims, checked against the models and worked by hand."""

import pytest

from alliances.models.crisis import escalation_game
from alliances.models.deterrence import analyse
from alliances.models.security_dilemma import best_commitment, entrapment_risk
from alliances.widgets.capstone import DETERRENCE, three_lenses


def test_deterrence_settings_by_hand():
    # p0 = 1/2, E0 = 10/2 - 3 = 2; p1 = 1/4, E1 = 10/4 - 3 - 1 = -1.5; r* = 2 / 3.5
    model = analyse(**DETERRENCE)
    assert (model.gain_alone, model.gain_with_ally) == pytest.approx((2.0, -1.5))
    assert model.threshold == pytest.approx(4 / 7)


def test_try_this_steps():
    model = analyse(**DETERRENCE)
    assert model.gain(0.3) > 0 and escalation_game(0.3).outcome == "war"                    # step 1
    assert entrapment_risk(0.3, 0.4, 2) == pytest.approx(0.036)
    assert model.gain(0.6) < 0 and escalation_game(0.6).outcome == "status quo"             # step 2
    assert entrapment_risk(0.6, 0.4, 2) == pytest.approx(4 * 0.036)
    low = best_commitment(0.2, 0.6, 0.4, 2).commitment                                     # step 3: 0.12 / 0.44
    assert low == pytest.approx(0.12 / 0.44) and round(low, 2) == 0.27 and low < model.threshold


def test_widget_summary_states_the_outcomes():
    view = three_lenses()
    assert "not deterred" in view.summary and "ends in: war" in view.summary
    view.update(commitment=0.6)
    assert "so it is deterred" in view.summary and "status quo" in view.summary
