"""Chapter 9 model: decade summaries against a small dyad table worked out by hand, and the chapter's claims."""

import pandas as pd
import pytest

from alliances.models.evolution import decade_table, in_force_by_decade


def toy_dyads():
    # Directed rows (both orders). Pair (2, 20): defence 1818-1821; pair (2, 200): non-aggression 1819 and 1821.
    rows = []
    for year in range(1818, 1822):
        rows.append((2, 20, year, 1, 0, 0, 0, 1))
    for year in (1819, 1821):
        rows.append((2, 200, year, 0, 0, 0, 1, 0))
    rows += [(b, a, y, *rest) for a, b, y, *rest in rows]
    return pd.DataFrame(rows, columns=["ccode1", "ccode2", "year", "defence", "offence", "neutrality",
                                       "non_aggression", "consultation"])


def test_in_force_by_decade_by_hand():
    per_year = pd.DataFrame({"defence": [1, 3, 2, 4]}, index=pd.Index([1818, 1819, 1820, 1821], name="year"))
    table = in_force_by_decade(per_year)
    assert table["defence"].to_dict() == {1810: 2.0, 1820: 3.0}  # (1 + 3) / 2 and (2 + 4) / 2
    with pytest.raises(ValueError):
        in_force_by_decade(pd.DataFrame())


def test_decade_table_by_hand():
    tables = decade_table(toy_dyads())
    # defence: one spell, formed 1818 -> 1810s; non-aggression: spells starting 1819 and 1821 (a gap in 1820)
    assert tables["formed"].loc[1810, "defence"] == 1 and tables["formed"].loc[1820, "defence"] == 0
    assert tables["formed"]["non_aggression"].to_dict() == {1810: 1, 1820: 1}
    # in force: defence pairs 1, 1 in 1818-19 and 1, 1 in 1820-21; non-aggression 0, 1 and 0, 1
    assert tables["in force"]["defence"].to_dict() == {1810: 1.0, 1820: 1.0}
    assert tables["in force"]["non_aggression"].to_dict() == {1810: 0.5, 1820: 0.5}
    assert tables["in force"]["any_pledge"].to_dict() == {1810: 1.5, 1820: 1.5}


def test_chapter_claims_and_try_this():
    """The chapter's statements about ATOP by decade and each "Try this" step."""
    from alliances.data import load
    from alliances.style import new_figure
    from alliances.widgets.evolution import draw_evolution

    tables = decade_table(load("atop_dyad_years"))
    formed, in_force = tables["formed"], tables["in force"]
    assert formed["defence"].idxmax() == 1940 and formed["defence"].max() == 1022  # 1
    assert formed["defence"].loc[2000] == 648 and formed["defence"].loc[2000] == formed["defence"].drop(1940).max()
    assert in_force["defence"].idxmax() == 2010  # 2
    assert formed["offence"].loc[1940] == 919 and formed["offence"].loc[1960:].sum() == 3  # 3
    assert in_force["non_aggression"].loc[2010] > 2 * in_force["defence"].loc[2010]  # 4
    milestones = load("milestones").sort_values("date").reset_index(drop=True)
    text = draw_evolution(new_figure(layout=None), "defence", "formed", "new domain", tables, milestones)
    assert "2016: Cyberspace" in text and "2019: Space" in text  # 5


def test_cow_region_by_hand():
    from alliances.models.evolution import cow_region

    # The block edges as Our World in Data gives them: 2-165, 200-399, 402-626, 630-698, 700-999.
    assert [cow_region(c) for c in (2, 165, 200, 399, 402, 626, 630, 698, 700, 999)] == [
        "Americas", "Americas", "Europe", "Europe", "Africa", "Africa", "Middle East", "Middle East",
        "Asia and Oceania", "Asia and Oceania"]
    assert cow_region(710) == "Asia and Oceania" and cow_region(365) == "Europe" and cow_region(640) == "Middle East"
    for bad in (170, 627, 1000, True, "2", 2.5):
        with pytest.raises(ValueError):
            cow_region(bad)


def test_pairs_formed_by_region_by_hand():
    from alliances.models.evolution import pairs_formed_by_region

    rows = []
    rows += [(2, 200, y, 1) for y in (1950, 1951)]            # across regions: one spell, 1950s
    rows += [(200, 210, y, 1) for y in (1951, 1952, 1955)]    # Europe: two spells (gap in 1953-54), 1950s
    rows += [(475, 481, 2001, 1), (475, 481, 2002, 0)]        # Africa: one spell, 2000s; a 0 row is not a pledge
    rows += [(b, a, y, f) for a, b, y, f in rows]
    dyads = pd.DataFrame(rows, columns=["ccode1", "ccode2", "year", "defence"])
    table = pairs_formed_by_region(dyads, "defence")
    assert list(table.columns) == ["Americas", "Europe", "Africa", "Middle East", "Asia and Oceania", "across regions"]
    assert list(table.index) == [1950, 1960, 1970, 1980, 1990, 2000]
    assert table.loc[1950].to_dict() == {"Americas": 0, "Europe": 2, "Africa": 0, "Middle East": 0,
                                         "Asia and Oceania": 0, "across regions": 1}
    assert table.loc[2000, "Africa"] == 1 and table.drop(index=[1950, 2000]).to_numpy().sum() == 0
    with pytest.raises(ValueError):
        pairs_formed_by_region(dyads, "defense")


def test_chapter_claims_by_region_and_decade():
    """Chapter 9's statements about ATOP, recomputed with plain sets of pairs (not the course's functions)."""
    from alliances.data import load
    from alliances.models.evolution import pairs_formed_by_region

    dyads = load("atop_dyad_years")

    def block(code):
        return next(n for n, lo, hi in [("Americas", 2, 165), ("Europe", 200, 399), ("Africa", 402, 626),
                                        ("Middle East", 630, 698), ("Asia", 700, 999)] if lo <= code <= hi)

    def formed_by_place(obligation):
        held = dyads[dyads[obligation] == 1]  # a pledge in either direction links the pair
        by_year = {y: {(min(a, b), max(a, b)) for a, b in zip(g["ccode1"], g["ccode2"])}
                   for y, g in held.groupby("year")}
        counts, before = {}, set()
        for year in range(1815, 2019):
            now = by_year.get(year, set())
            for a, b in now - before:
                place = block(a) if block(a) == block(b) else "across"
                counts[(year // 10 * 10, place)] = counts.get((year // 10 * 10, place), 0) + 1
            before = now
        return counts

    defence, non_aggression = formed_by_place("defence"), formed_by_place("non_aggression")
    decade_total = lambda counts, d: sum(v for (dd, _), v in counts.items() if dd == d)  # noqa: E731
    # 1990s: most new defence pairs European or American; most new non-aggression pairs European.
    assert defence[(1990, "Europe")] + defence[(1990, "Americas")] > decade_total(defence, 1990) / 2
    assert non_aggression[(1990, "Europe")] > decade_total(non_aggression, 1990) / 2
    # 2000s: the defence wave split between Europe and Africa, about equally; non-aggression mostly African.
    assert defence[(2000, "Europe")] + defence[(2000, "Africa")] > 0.9 * decade_total(defence, 2000)
    assert abs(defence[(2000, "Europe")] - defence[(2000, "Africa")]) < 0.1 * decade_total(defence, 2000)
    assert non_aggression[(2000, "Africa")] > decade_total(non_aggression, 2000) / 2
    # The course's function agrees with this count.
    table = pairs_formed_by_region(dyads, "non_aggression")
    assert table.loc[2000, "Africa"] == non_aggression[(2000, "Africa")]
    assert table.loc[1990, "Europe"] == non_aggression[(1990, "Europe")]
    # The stock: under a hundred defence pairs in force a year before the 1940s, then higher in every decade.
    in_force = decade_table(dyads)["in force"]["defence"]
    assert in_force.loc[:1930].max() < 100
    assert all(in_force.loc[d + 10] > in_force.loc[d] for d in range(1940, 2010, 10))
    assert 1650 <= in_force.loc[2010] <= 1750  # "about 1,700"
