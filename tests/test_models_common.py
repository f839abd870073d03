"""The shared input check every model uses for years."""

import math
import re

import numpy as np
import pytest

from alliances.models.common import check_year


@pytest.mark.parametrize("value,expected", [(1960, 1960), (1960.0, 1960), (np.int64(2024), 2024), (np.float64(1815), 1815)])
def test_whole_years_pass(value, expected):
    assert check_year(value) == expected and type(check_year(value)) is int


@pytest.mark.parametrize("value", [True, 1960.5, "1960", None, math.inf, -math.inf, math.nan, 999, 10000, [1960]])
def test_anything_else_is_a_clear_value_error(value):
    with pytest.raises(ValueError, match="year"):
        check_year(value)


def test_the_message_names_the_argument():
    with pytest.raises(ValueError, match="^start must"):
        check_year("x", "start")


def test_in_force_during_treats_the_end_date_as_exclusive():
    import pandas as pd

    from alliances.models.common import in_force_during

    starts = pd.Series(pd.to_datetime(["1955-03-03", "1955-03-03", "1980-12-31", "1981-01-01", "1950-01-01"]))
    ends = pd.Series(pd.to_datetime(["1980-01-01", "1980-01-02", None, None, None]))
    # ends on 1 Jan 1980: no day of 1980; ends on 2 Jan: 1 Jan counts; starts 31 Dec: counts; starts 1981: no
    assert in_force_during(starts, ends, 1980).tolist() == [False, True, True, False, True]
    assert in_force_during(starts, ends, 1979, 1981).tolist() == [True, True, True, True, True]
    with pytest.raises(ValueError):
        in_force_during(starts, ends, 1981, 1980)


def test_every_chapter_counts_a_treaty_ending_on_new_years_day_the_same_way():
    import pandas as pd

    from alliances.models.explorer import active_in
    from alliances.models.network import members_in_year
    from alliances.models.similarity import active_ties

    alliances = pd.DataFrame({"alliance_id": ["x"], "name": ["X"], "signed": pd.to_datetime(["1955-03-03"]),
                              "ended": pd.to_datetime(["1980-01-01"]), "region": ["Asia-Pacific"],
                              "defence": [True], "offence": [False], "neutrality": [False],
                              "non_aggression": [False], "consultation": [False], "entente": [False]})
    members = pd.DataFrame({"alliance_id": ["x", "x"], "iso3": ["USA", "TWN"],
                            "joined": pd.to_datetime(["1955-03-03"] * 2), "left": pd.to_datetime(["1980-01-01"] * 2)})
    for year, expected in ((1979, True), (1980, False)):
        assert (len(active_in(alliances, year)) == 1) is expected
        assert (len(members_in_year(members, year)) == 2) is expected
        assert (len(active_ties(alliances, members, year)) == 2) is expected


def test_check_table_names_what_is_wrong():
    import pandas as pd

    from alliances.models.common import check_table

    check_table(pd.DataFrame({"a": [1], "b": [2]}), ("a", "b"), "members", "alliance_members")
    with pytest.raises(ValueError, match=r"members must be a pandas DataFrame like load\('alliance_members'\)"):
        check_table([{"a": 1}], ("a",), "members", "alliance_members")
    with pytest.raises(ValueError, match=r"missing the column\(s\) \['b'\]; it needs \['a', 'b'\]"):
        check_table(pd.DataFrame({"a": [1]}), ("a", "b"), "members", "alliance_members")


# --- one validation helper: bad input is a ValueError naming the argument and the value ----------

@pytest.mark.parametrize("value", [True, "2", None, math.nan, math.inf, -math.inf, [1.0], object()])
def test_check_number_rejects_non_numbers_naming_argument_and_value(value):
    from alliances.models.common import check_number

    with pytest.raises(ValueError) as info:
        check_number(value, "stakes")
    assert str(info.value).startswith("stakes must be a finite number, got ")
    assert repr(value)[:20] in str(info.value)


def test_check_number_bounds_and_whole_numbers():
    from alliances.models.common import check_number

    assert check_number(np.float64(0.25), "r", minimum=0, maximum=1) == 0.25
    assert check_number(np.int64(4), "q", whole=True) == 4 and type(check_number(4.0, "q", whole=True)) is int
    for kwargs, value, words in [(dict(minimum=0), -1, "r must not be negative, got -1"),
                                 (dict(maximum=1), 1.5, "r must be at most 1, got 1.5"),
                                 (dict(above=0), 0, "r must be greater than 0, got 0"),
                                 (dict(whole=True), 2.5, "r must be a whole number, got 2.5")]:
        with pytest.raises(ValueError, match=re.escape(words)):
            check_number(value, "r", **kwargs)


def test_nash_split_rejects_infinite_stakes():
    from alliances.models.bargaining import nash_split

    with pytest.raises(ValueError, match="stakes must be a finite number, got inf"):
        nash_split(math.inf, own=1, opponent=1)
    with pytest.raises(ValueError, match="reliability"):
        nash_split(100, own=1, opponent=1, ally=1, reliability=math.nan)


def test_weight_shares_rejects_negative_weights():
    from alliances.models.voting import voting_power, weight_shares

    with pytest.raises(ValueError, match=r"weights \(item 1\) must not be negative, got -5"):
        weight_shares([-5, 10])
    assert weight_shares([1, 3]) == (0.25, 0.75)
    with pytest.raises(ValueError, match="weights must be a list of numbers"):
        weight_shares("13")
    with pytest.raises(ValueError, match="quota must be a whole number"):
        voting_power([1, 2], 2.5)


def test_s_score_matches_series_by_label():
    import pandas as pd

    from alliances.models.similarity import cohen_kappa, s_score

    x = pd.Series({"USA": 3, "FRA": 1, "CHN": 0, "RUS": 0})
    shuffled = x[["RUS", "CHN", "USA", "FRA"]]
    assert s_score(x, shuffled) == 1.0
    # by position, [3, 1, 0, 0] against [0, 0, 3, 1] differ by 3 + 1 + 3 + 1 = 8: S = 1 - 2*8/(4*3) = -1/3
    assert s_score(x.to_numpy(), shuffled.to_numpy()) == pytest.approx(1 - 2 * 8 / 12)
    assert cohen_kappa(x, shuffled) == 1.0
    with pytest.raises(ValueError, match="different states"):
        s_score(x, pd.Series({"USA": 3, "FRA": 1, "CHN": 0, "GBR": 0}))


def test_portfolios_reject_a_single_string_of_states():
    import pandas as pd

    from alliances.models.similarity import portfolios

    alliances = pd.DataFrame({"alliance_id": ["x"], "defence": [True], "offence": [False], "neutrality": [False],
                              "non_aggression": [False], "consultation": [False], "entente": [False]})
    members = pd.DataFrame({"alliance_id": ["x", "x"], "iso3": ["FRA", "GBR"],
                            "joined": pd.to_datetime(["1950-01-01"] * 2), "left": pd.to_datetime([None, None])})
    with pytest.raises(ValueError, match="states must be a list of names such as \\['USA'\\]"):
        portfolios(alliances, members, 1960, states="USA")
    table = portfolios(alliances, members, 1960, states=["USA"])
    assert list(table.index) == ["FRA", "GBR", "USA"] and table.loc["USA"].tolist() == [0, 0, 3]


def test_lifespan_as_of_accepts_a_year_or_a_date():
    import datetime

    import pandas as pd

    from alliances.models.explorer import lifespan_years

    alliances = pd.DataFrame({"alliance_id": ["a"], "signed": ["2000-01-01"], "ended": [None]})
    days = (datetime.date(2025, 1, 1) - datetime.date(2000, 1, 1)).days  # 9132
    assert lifespan_years(alliances, as_of=2025).iloc[0] == pytest.approx(days / 365.25)
    assert lifespan_years(alliances, as_of="2025-01-01").iloc[0] == pytest.approx(days / 365.25)
    for bad in (True, "not a date", 2025.5, None):
        with pytest.raises(ValueError, match="as_of"):
            lifespan_years(alliances, as_of=bad)


def test_load_with_a_list_is_a_clear_error():
    from alliances.data import load

    with pytest.raises(ValueError, match=r"one dataset as a string, got \['alliances'\].*load\('alliances'\)"):
        load(["alliances"])


# --- one rule for what counts as an alliance, one for "in force" --------------------------------

def test_aukus_is_not_an_alliance_in_any_model():
    from alliances.data import load
    from alliances.models.common import is_alliance
    from alliances.models.explorer import active_in
    from alliances.models.network import alliance_graph
    from alliances.models.similarity import active_ties, portfolios

    alliances, members = load("alliances"), load("alliance_members")
    verdict = dict(zip(alliances["alliance_id"], is_alliance(alliances)))
    assert not verdict["aukus"]
    assert verdict["nato"] and verdict["anzus"] and verdict["cento"]
    # the raw membership graph has AUKUS on the Australia-UK edge; the models drop it
    raw = alliance_graph(members, 2025)
    assert "aukus" in raw["AUS"]["GBR"]["alliances"]
    filtered = alliance_graph(members, 2025, alliances=alliances)
    assert "aukus" not in filtered["AUS"]["GBR"]["alliances"] if filtered.has_edge("AUS", "GBR") else True
    assert "aukus" not in set(active_ties(alliances, members, 2025)["alliance_id"])
    assert "aukus" not in set(active_in(alliances, 2025)["alliance_id"])
    # deleting AUKUS from the data changes no model's answer: it never counted
    without = members[members["alliance_id"] != "aukus"]
    without_alliances = alliances[alliances["alliance_id"] != "aukus"]
    assert sorted(filtered.edges) == sorted(alliance_graph(without, 2025, alliances=without_alliances).edges)
    assert portfolios(alliances, members, 2025).equals(portfolios(without_alliances, without, 2025))


def test_us_taiwan_treaty_is_in_force_from_1955_to_1979_everywhere():
    """In force from 3 March 1955 (signed 2 December 1954) to 1 January 1980, end date exclusive:
    every model says 1955-1979, none says 1954 or 1980."""
    from alliances.data import load
    from alliances.models.explorer import active_in
    from alliances.models.network import alliance_graph, alliance_members, members_in_year
    from alliances.models.similarity import active_ties, portfolios

    alliances, members = load("alliances"), load("alliance_members")
    for year, expected in ((1954, False), (1955, True), (1979, True), (1980, False)):
        assert ("us_taiwan" in set(active_in(alliances, year)["alliance_id"])) is expected
        for given in (None, alliances):
            assert ("us_taiwan" in set(members_in_year(members, year, given)["alliance_id"])) is expected
            assert (alliance_members(members, "us_taiwan", year, given) == {"USA", "TWN"}) is expected
            graph = alliance_graph(members, year, given)
            assert (graph.has_edge("USA", "TWN") and "us_taiwan" in graph["USA"]["TWN"]["alliances"]) is expected
        assert ("us_taiwan" in set(active_ties(alliances, members, year)["alliance_id"])) is expected
        table = portfolios(alliances, members, year, states=["TWN", "USA"])
        assert bool(table.loc["USA", "TWN"] == 3) is expected


def test_a_single_year_where_a_list_is_needed_is_a_clear_error():
    from alliances.data import load
    from alliances.models.explorer import count_active
    from alliances.models.network import network_by_year

    alliances, members = load("alliances"), load("alliance_members")
    with pytest.raises(ValueError, match=r"years must be a list or range of years such as \[1960, 1970\], got 1960"):
        count_active(alliances, 1960)
    with pytest.raises(ValueError, match="years must be a list or range of years"):
        network_by_year(members, "1960")
    with pytest.raises(ValueError, match=r"years \(item 2\) must be a whole number"):
        count_active(alliances, [1960, 1960.5])
    assert count_active(alliances, range(1960, 1962)).index.tolist() == [1960, 1961]


def test_one_period_check_for_every_model():
    import pandas as pd

    from alliances.models.atop import member_pair_years, pledged_pairs_by_year
    from alliances.models.common import check_period, in_force_during

    assert check_period(1950, 1950) == (1950, 1950)
    with pytest.raises(ValueError, match="the period runs backwards: first_year 1990 is after last_year 1980"):
        check_period(1990, 1980)
    dates = pd.Series(pd.to_datetime(["1950-01-01"]))
    with pytest.raises(ValueError, match="runs backwards"):
        in_force_during(dates, dates, 1990, 1980)
    members = pd.DataFrame({"alliance_id": ["x"], "cow_code": [2], "joined": dates, "left": [pd.NaT]})
    with pytest.raises(ValueError, match="runs backwards"):
        member_pair_years(members, 1990, 1980)
    dyads = pd.DataFrame({"ccode1": [2], "ccode2": [20], "year": [1950], "defence": [1]})
    with pytest.raises(ValueError, match=r"obligations must be a list of names such as \['defence'\]"):
        pledged_pairs_by_year(dyads, obligations="defence")


def test_one_reading_of_obligation_flags():
    """A missing flag is not a pledge anywhere (bool(NaN) would be True)."""
    from alliances.models.common import flag
    from alliances.models.timeline import _obligations

    assert [flag(v) for v in (math.nan, None, False, 0, "false", "", True, 1, "true", "Yes")] == \
        [False, False, False, False, False, False, True, True, True, True]
    row = {"defence": math.nan, "offence": None, "neutrality": False, "non_aggression": "true", "consultation": True}
    assert _obligations(row) == "non-aggression, consultation"
