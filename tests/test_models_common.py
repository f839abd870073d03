"""The shared input check every model uses for years."""

import math

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
