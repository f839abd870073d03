"""alliances.models.disputes on tiny hand-made frames (expected values worked out by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from alliances.models import disputes


@pytest.fixture
def states():
    # A (2) all along; B (20) from 1 July 1901; C (200) until 31 Dec 1900, back 1902-01-01.
    return pd.DataFrame({
        "ccode": [2, 20, 200, 200],
        "start": pd.to_datetime(["1816-01-01", "1901-07-01", "1816-01-01", "1902-01-01"]),
        "end": pd.to_datetime(["2016-12-31", "2016-12-31", "1900-12-31", "2016-12-31"]),
    })


def test_pair_years_by_hand(states):
    pairs = disputes.pair_years(states, 1900, 1902)
    got = sorted(map(tuple, pairs[["ccode1", "ccode2", "year"]].values.tolist()))
    # 1900: A,C. 1901: A,B (C out all year: its spell ended 31 Dec 1900). 1902: A,B A,C B,C.
    assert got == [(2, 20, 1901), (2, 20, 1902), (2, 200, 1900), (2, 200, 1902), (20, 200, 1902)]


@pytest.fixture
def frames():
    pairs = pd.DataFrame({"ccode1": [2, 2, 2, 20, 2], "ccode2": [20, 200, 200, 200, 20],
                          "year": [1901, 1900, 1902, 1902, 1902]})
    atop = pd.DataFrame({"ccode1": [2, 200, 20, 200], "ccode2": [200, 2, 200, 20],
                         "year": [1902, 1902, 1902, 1902], "defence": [1, 1, 0, 0]})
    mids = pd.DataFrame({"ccode1": [200, 20, 20, 2], "ccode2": [2, 2, 2, 20],
                         "year": [1902, 1901, 1902, 1902], "onset": [1, 1, 0, 0]})
    return pairs, atop, mids


def test_joins(frames):
    pairs, atop, mids = frames
    joined = disputes.join_onsets(disputes.join_pledges(pairs, atop), mids)
    flags = {(r.ccode1, r.ccode2, r.year): (r.shared_defence, r.onset) for r in joined.itertuples()}
    assert flags == {(2, 20, 1901): (False, True), (2, 200, 1900): (False, False),
                     (2, 200, 1902): (True, True), (20, 200, 1902): (False, False),
                     (2, 20, 1902): (False, False)}


def test_onset_rates_by_hand(frames):
    pairs, atop, mids = frames
    table = disputes.onset_rates(pairs, atop, mids, 1900, 1902)
    # allied: 1 pair-year (2-200 1902) with 1 onset; not allied: 4 pair-years, 1 onset (2-20 1901)
    assert table.loc[True, "pair_years"] == 1 and table.loc[True, "onsets"] == 1
    assert table.loc[False, "pair_years"] == 4 and table.loc[False, "onsets"] == 1
    assert table.loc[True, "rate"] == 1.0 and table.loc[False, "rate"] == 0.25
    one_year = disputes.onset_rates(pairs, atop, mids, 1901, 1901)
    assert one_year.loc[True, "pair_years"] == 0 and pd.isna(one_year.loc[True, "rate"])


def test_two_disputes_in_one_pair_year_count_once(frames):
    pairs, atop, mids = frames
    twice = pd.concat([mids, mids.iloc[[0]].assign(ccode1=2, ccode2=200)], ignore_index=True)
    assert disputes.onset_rates(pairs, atop, twice, 1900, 1902).loc[True, "onsets"] == 1


def test_bad_period(frames):
    pairs, atop, mids = frames
    with pytest.raises(ValueError, match="backwards"):
        disputes.onset_rates(pairs, atop, mids, 1902, 1900)
    with pytest.raises(ValueError):
        disputes.pair_years("states")
