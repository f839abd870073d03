"""Chapter 1 model (alliance explorer) against a small hand-made alliance list worked out by hand.

The toy list (dates loosely after real treaties; obligations as flags):

    id  signed      ended       region         obligations
    A   1949-04-04  -           Transatlantic  defence, consultation
    B   1955-05-14  1991-07-01  Europe         defence, consultation
    C   1939-08-23  1941-06-22  Europe         neutrality, non_aggression, consultation
    D   1960-01-19  -           Asia-Pacific   defence
    E   1904-04-08  1914-08-04  Europe         entente
    F   1950-01-01  1950-12-31  Middle East    offence
    G   (unknown)   -           Africa         defence          <- no signed date: never selected
"""

import math

import pandas as pd
import pytest

from alliances.models.explorer import (
    OBLIGATIONS,
    active_in,
    count_active,
    filter_alliances,
    has_obligation,
    lifespan_years,
    obligations_of,
    primary_obligation,
)

FLAGS = {
    "A": {"defence", "consultation"},
    "B": {"defence", "consultation"},
    "C": {"neutrality", "non_aggression", "consultation"},
    "D": {"defence"},
    "E": {"entente"},
    "F": {"offence"},
    "G": {"defence"},
}
ROWS = [
    ("A", "1949-04-04", None, "Transatlantic"),
    ("B", "1955-05-14", "1991-07-01", "Europe"),
    ("C", "1939-08-23", "1941-06-22", "Europe"),
    ("D", "1960-01-19", None, "Asia-Pacific"),
    ("E", "1904-04-08", "1914-08-04", "Europe"),
    ("F", "1950-01-01", "1950-12-31", "Middle East"),
    ("G", None, None, "Africa"),
]


@pytest.fixture
def toy():
    records = []
    for ident, signed, ended, region in ROWS:
        record = {"alliance_id": ident, "name": f"Alliance {ident}", "signed": signed, "ended": ended, "region": region}
        record.update({o: o in FLAGS[ident] for o in OBLIGATIONS})
        records.append(record)
    frame = pd.DataFrame(records)
    frame["signed"] = pd.to_datetime(frame["signed"])
    frame["ended"] = pd.to_datetime(frame["ended"])
    return frame


def ids(frame):
    return list(frame["alliance_id"])


# --- filtering -----------------------------------------------------------------------------------

def test_any_keeps_every_dated_alliance_in_order_of_signature(toy):
    assert ids(filter_alliances(toy)) == ["E", "C", "A", "F", "B", "D"]


def test_filter_by_one_obligation(toy):
    assert ids(filter_alliances(toy, "defence")) == ["A", "B", "D"]  # G is a defence pact but undated
    assert ids(filter_alliances(toy, "non_aggression")) == ["C"]
    assert ids(filter_alliances(toy, "consultation")) == ["C", "A", "B"]


def test_several_obligations_mean_any_of_them(toy):
    assert ids(filter_alliances(toy, ["offence", "entente"])) == ["E", "F"]
    assert ids(filter_alliances(toy, ("defence", "any"))) == ids(filter_alliances(toy))


def test_filter_by_region_and_obligation(toy):
    assert ids(filter_alliances(toy, region="Europe")) == ["E", "C", "B"]
    assert ids(filter_alliances(toy, "defence", region="Europe")) == ["B"]
    assert filter_alliances(toy, region="Africa").empty  # only the undated G is in Africa


def test_era_keeps_alliances_active_in_any_year_of_it(toy):
    # 1945-1950: A (from 1949) and F (1950); B starts 1955, C ended 1941
    assert ids(filter_alliances(toy, start=1945, end=1950)) == ["A", "F"]
    # an alliance ending in the era's first year still overlaps it
    assert ids(filter_alliances(toy, start=1991, end=1991)) == ["A", "B", "D"]
    assert ids(filter_alliances(toy, end=1914)) == ["E"]
    assert ids(filter_alliances(toy, start=1992)) == ["A", "D"]


def test_filter_that_matches_nothing_returns_an_empty_frame_with_the_columns(toy):
    empty = filter_alliances(toy, "offence", region="Europe")
    assert empty.empty
    assert list(empty.columns) == list(toy.columns)


def test_filter_does_not_change_its_input(toy):
    before = toy.copy()
    filter_alliances(toy, "defence", "Europe", 1950, 1960)
    pd.testing.assert_frame_equal(toy, before)


def test_missing_flag_counts_as_absent(toy):
    toy["offence"] = toy["offence"].astype(object)
    toy.loc[toy["alliance_id"] == "F", "offence"] = None
    assert list(has_obligation(toy, "offence")) == [False] * 7


# --- active in a year ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "year, expected",
    [
        (1903, []),
        (1904, ["E"]),
        (1914, ["E"]),            # E ended during 1914: still active that year
        (1915, []),
        (1941, ["C"]),
        (1942, []),
        (1950, ["A", "F"]),
        (1960, ["A", "B", "D"]),  # D signed in January 1960
        (1991, ["A", "B", "D"]),
        (1992, ["A", "D"]),
    ],
)
def test_active_in(toy, year, expected):
    assert ids(active_in(toy, year)) == expected


def test_count_active_matches_the_hand_counts(toy):
    counts = count_active(toy, [1904, 1942, 1950, 1960, 1992])
    assert list(counts.index) == [1904, 1942, 1950, 1960, 1992]
    assert list(counts) == [1, 0, 2, 3, 2]


# --- lifespans -----------------------------------------------------------------------------------

def test_lifespans_counted_in_days_by_hand(toy):
    spans = lifespan_years(toy, "1960-05-14")
    by_id = dict(zip(toy["alliance_id"], spans))
    # C: 1939-08-23 -> 1940-08-23 is 366 days (29 Feb 1940); then to 1941-06-22 is
    # 31+30+31+30+31+31+28+31+30+30 = 303 days
    assert by_id["C"] == pytest.approx((366 + 303) / 365.25)
    # F: the whole of 1950, a common year, less one day
    assert by_id["F"] == pytest.approx(364 / 365.25)
    # B is still in force on 1960-05-14: five years with two leap days (1956, 1960)
    assert by_id["B"] == pytest.approx((5 * 365 + 2) / 365.25)
    # D: 19 January to 14 May 1960 = 12 + 29 + 31 + 30 + 14 days
    assert by_id["D"] == pytest.approx((12 + 29 + 31 + 30 + 14) / 365.25)
    assert math.isnan(by_id["G"])


def test_open_alliance_is_measured_to_as_of(toy):
    # A, 1949-04-04 to 1999-04-04: 50 years with 12 leap days (1952, 1956, ..., 1996)
    spans = lifespan_years(toy[toy["alliance_id"] == "A"], pd.Timestamp("1999-04-04"))
    assert spans.iloc[0] == pytest.approx((50 * 365 + 12) / 365.25)
    assert spans.iloc[0] < 50  # a few hours short of 50 average years


def test_ended_alliances_do_not_depend_on_as_of(toy):
    ended = toy[toy["ended"].notna()]
    early, late = lifespan_years(ended, "1992-01-01"), lifespan_years(ended, "2100-01-01")
    pd.testing.assert_series_equal(early, late)
    # mean lifespan of the four ended alliances, each counted in days by hand:
    # E 1904-04-08 -> 1914-08-04: 10 years with leap days 1908 and 1912 = 3652, plus 8 Apr -> 4 Aug = 118
    days = {"B": 13197, "C": 669, "E": 3652 + 118, "F": 364}
    assert late.mean() == pytest.approx(sum(days.values()) / 4 / 365.25)


def test_lifespan_b_in_days_by_hand():
    # B: 1955-05-14 -> 1991-05-14 is 36 years with 9 leap days (1956..1988), then 48 more days to 1 July
    frame = pd.DataFrame({"alliance_id": ["B"], "signed": ["1955-05-14"], "ended": ["1991-07-01"]})
    assert lifespan_years(frame, "2000-01-01").iloc[0] * 365.25 == pytest.approx(36 * 365 + 9 + 48)
    assert 36 * 365 + 9 + 48 == 13197


# --- obligations --------------------------------------------------------------------------------

def test_obligations_and_primary_obligation(toy):
    listed = dict(zip(toy["alliance_id"], obligations_of(toy)))
    assert listed["C"] == ("neutrality", "non_aggression", "consultation")
    assert listed["E"] == ("entente",)
    primary = dict(zip(toy["alliance_id"], primary_obligation(toy)))
    assert primary == {"A": "defence", "B": "defence", "C": "neutrality", "D": "defence",
                       "E": "entente", "F": "offence", "G": "defence"}
    none = toy.iloc[:1].copy()
    none[list(OBLIGATIONS)] = False
    assert list(primary_obligation(none)) == ["none"]


# --- impossible inputs ---------------------------------------------------------------------------

def test_era_backwards_raises(toy):
    with pytest.raises(ValueError, match="forwards"):
        filter_alliances(toy, start=1990, end=1950)


def test_unknown_obligation_raises(toy):
    with pytest.raises(ValueError, match="unknown obligation"):
        filter_alliances(toy, "alliance")
    with pytest.raises(ValueError, match="unknown obligation"):
        filter_alliances(toy, ["defence", "friendship"])


@pytest.mark.parametrize("year", [1960.5, True, "1960", None, 60])
def test_bad_year_raises(toy, year):
    with pytest.raises(ValueError, match="year"):
        active_in(toy, year)


def test_bad_frames_raise(toy):
    with pytest.raises(ValueError, match="DataFrame"):
        filter_alliances([{"alliance_id": "A"}])
    with pytest.raises(ValueError, match="missing the column"):
        filter_alliances(toy.drop(columns=["entente"]))
    backwards = toy.copy()
    backwards.loc[0, "ended"] = pd.Timestamp("1900-01-01")
    with pytest.raises(ValueError, match="ends before it is signed"):
        active_in(backwards, 1950)


def test_as_of_before_signature_raises(toy):
    with pytest.raises(ValueError, match="before alliance 'D'"):
        lifespan_years(toy, "1960-01-01")
    with pytest.raises(ValueError, match="as_of"):
        lifespan_years(toy, "not a date")
    with pytest.raises(ValueError, match="as_of"):
        lifespan_years(toy, None)


def test_typed_columns_as_the_data_package_loads_them(toy):
    # the loader gives region as a categorical with every allowed region, flags as nullable booleans
    regions = ["Europe", "Americas", "Asia-Pacific", "Middle East", "Eurasia", "Africa", "Transatlantic", "Global"]
    toy["region"] = pd.Categorical(toy["region"], categories=regions)
    toy["entente"] = toy["entente"].astype("boolean")
    toy.loc[toy["alliance_id"] == "A", "entente"] = pd.NA
    assert ids(filter_alliances(toy, region="Global")) == []          # an allowed region with no alliance
    assert ids(filter_alliances(toy, region="Europe")) == ["E", "C", "B"]
    assert ids(filter_alliances(toy, "entente")) == ["E"]              # NA counts as absent
