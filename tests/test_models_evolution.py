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
