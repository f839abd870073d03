"""Chapter 7 model against values worked out by hand (fractions written out in the comments)."""

import pytest

from alliances.models.national_interest import autonomy_lost, best_portfolio, portfolios, security


def test_security_by_hand():
    assert security(1, 2, [1]) == pytest.approx(2 / 4)  # (1 + 1) / (1 + 1 + 2)
    assert security(1, 2, [2], reliability=0.5) == pytest.approx(2 / 4)  # expected backing 0.5 * 2 = 1
    assert security(1, 3) == pytest.approx(1 / 4)
    assert security(1, 0) == 1.0  # no threat left
    assert security(1, 2, [5], reliability=0) == pytest.approx(1 / 3)  # an ally that never comes adds nothing


def test_autonomy_lost_by_hand():
    assert autonomy_lost(1, []) == 0
    assert autonomy_lost(1, [1, 3]) == pytest.approx(1 / 2 + 3 / 4)
    assert autonomy_lost(3, [1]) == pytest.approx(1 / 4)  # a small partner costs the large state little


def test_best_portfolio_balancing_by_hand():
    # own 1, threat 3, partners A = 1 and B = 3, reliability 1.
    # none: S = 1/4, A = 0; {A}: S = 2/5, A = 1/2; {B}: S = 4/7, A = 3/4; {A, B}: S = 5/8, A = 5/4.
    candidates = {"A": 1.0, "B": 3.0}
    values = {p.partners: p.value for p in portfolios(1, 3, candidates, weight=0.2)}
    assert values == pytest.approx({(): 0.25, ("A",): 0.4 - 0.1, ("B",): 4 / 7 - 0.15, ("A", "B"): 0.625 - 0.25})
    assert best_portfolio(1, 3, candidates, weight=0.2).partners == ("B",)
    # weight 0.5: none 0.25, {A} 0.15, {B} 4/7 - 3/8 = 0.196, {A, B} 0 -> stay unaligned
    assert best_portfolio(1, 3, candidates, weight=0.5).partners == ()
    # weight 0: security alone counts, so take everyone
    assert best_portfolio(1, 3, candidates, weight=0).partners == ("A", "B")


def test_bandwagoning_by_hand():
    # the threat T (3) is a candidate: allying with it gives S = 1 at an autonomy cost of 3/4.
    candidates = {"A": 1.0, "T": 3.0}
    assert best_portfolio(1, 3, candidates, weight=0.2, threat_name="T").partners == ("T",)  # 1 - 0.15 = 0.85
    choice = best_portfolio(1, 3, candidates, weight=1.0, threat_name="T")
    # weight 1: {T} = 1 - 3/4 = 1/4 ties with staying alone (1/4); the tie goes to fewer commitments
    assert choice.partners == () and choice.value == pytest.approx(0.25)
    # restraint 0.5: {T} gives 0.5 + 0.5 * 1/4 = 0.625 security; with A as well, 0.5 + 0.5 * 2/5 = 0.7
    half = {p.partners: p.security for p in portfolios(1, 3, candidates, 0.2, threat_name="T", restraint=0.5)}
    assert half[("T",)] == pytest.approx(0.625) and half[("A", "T")] == pytest.approx(0.7)
    assert half[("A",)] == pytest.approx(0.4)  # balancing is untouched by the threat's restraint
    both = [p for p in portfolios(1, 3, candidates, 0.2, threat_name="T") if p.partners == ("A", "T")][0]
    assert both.bandwagon and both.security == 1.0 and both.autonomy_lost == pytest.approx(1 / 2 + 3 / 4)


def test_brute_force_agrees_with_a_direct_search():
    from itertools import product

    caps = {"a": 0.02, "b": 0.15, "c": 0.05, "d": 0.01}
    own, threat, w, r = 0.01, 0.2, 0.3, 0.7
    best, best_value = None, -1e9
    for mask in product([0, 1], repeat=4):
        chosen = [c for c, m in zip(caps.values(), mask) if m]
        backing = own + r * sum(chosen)
        value = backing / (backing + threat) - w * sum(c / (own + c) for c in chosen)
        if value > best_value + 1e-12:
            best, best_value = mask, value
    result = best_portfolio(own, threat, caps, w, r)
    assert result.value == pytest.approx(best_value)
    assert result.partners == tuple(n for n, m in zip(caps, best) if m)


@pytest.mark.parametrize("kwargs", [dict(own=0), dict(threat=-1), dict(weight=-0.1), dict(reliability=1.2),
                                    dict(candidates={"x": 0}), dict(candidates={"x": float("nan")}),
                                    dict(candidates=[1, 2]), dict(threat_name="nobody"),
                                    dict(candidates={str(i): 1.0 for i in range(13)}), dict(own=True),
                                    dict(threat_name="x", restraint=2)])
def test_impossible_inputs_are_rejected(kwargs):
    args = dict(own=1.0, threat=2.0, candidates={"x": 1.0}, weight=0.1, reliability=0.5) | kwargs
    with pytest.raises(ValueError):
        best_portfolio(**args)


def test_capabilities_in_year_by_hand():
    import pandas as pd

    from alliances.models.national_interest import capabilities_in_year

    table = pd.DataFrame({"ccode": [255, 260, 2, 2], "year": [1980, 1980, 1980, 1981], "cinc": [0.0, 0.03, 0.1, 0.2]})
    # united Germany (255) has no positive score in 1980, so the Federal Republic (260) is used
    assert capabilities_in_year(table, {"Germany": (255, 260), "US": (2,), "Nobody": (999,)}, 1980) == {"Germany": 0.03, "US": 0.1}
    with pytest.raises(ValueError):
        capabilities_in_year(table.drop(columns="cinc"), {"US": (2,)}, 1980)


def test_try_this_steps_are_true_of_the_widget():
    """Each step of chapter 7's "Try this" box, checked against what the alliance-choice view describes."""
    from alliances.data import load
    from alliances.style import new_figure
    from alliances.widgets.national_interest import draw_choice

    caps = load("cow_capabilities")[["ccode", "year", "cinc"]]
    west = ("United States", "United Kingdom", "France", "Germany")

    def best(year=2000, weight=0.1, reliability=0.75, restraint=0.25):
        text = draw_choice(new_figure(layout=None), "Poland", "Russia/USSR", year, weight, reliability, restraint, caps, west)
        return text.split("the best is ")[1]

    assert best().startswith("United States: it balances, with security 0.69")  # 1
    assert "Staying alone gives security 0.14" in best()
    assert best(restraint=0.9).startswith("Russia/USSR: it bandwagons")  # 2
    assert best(reliability=0.0).startswith("Russia/USSR: it bandwagons")  # 3
    assert best(weight=1.0).startswith("no ally: it stays unaligned")  # 4
    assert best(year=1990).startswith("United States, Russia/USSR: it hedges")  # 5
    assert best(year=1990, restraint=0.15).startswith("United States: it balances")  # the narrative's claim
    # The narrative: from 1900 on, China's CINC is above the United States' in every year from 1995 except 2002.
    both = caps[caps["ccode"].isin([2, 710]) & (caps["year"] >= 1900)].pivot(index="year", columns="ccode", values="cinc")
    ahead = set(both.index[both[710] > both[2]])
    assert ahead == set(range(1995, int(both.index.max()) + 1)) - {2002}
