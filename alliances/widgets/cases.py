"""Chapter 6 view: a year slider over the blocs, the UN missions and each case's events."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import ipywidgets as w
import pandas as pd

from alliances.models.cases import bloc_members, bloc_sizes, case_events, missions_active, missions_by_year
from alliances.style import CYCLE, PALETTE
from alliances.widgets.base import ModelView, clear_data, retained

FIRST_YEAR, LAST_YEAR = 1945, 2025

CASES = {
    "NATO": ("nato",),
    "Warsaw Pact": ("warsaw_pact",),
    "Asia-Pacific treaties": ("seato", "anzus", "us_japan", "us_rok", "us_philippines", "us_taiwan",
                              "sino_soviet_1950", "sino_nk_1961"),
    "UN peacekeeping": (),
}
SHORT = {
    "nato": "NATO", "warsaw_pact": "Warsaw Pact", "seato": "SEATO", "anzus": "ANZUS", "us_japan": "US-Japan",
    "us_rok": "US-South Korea", "us_philippines": "US-Philippines", "us_taiwan": "US-ROC (Taiwan)",
    "sino_nk_1961": "China-North Korea", "sino_soviet_1950": "Sino-Soviet",
}


@dataclass(frozen=True)
class CaseData:
    """The tables the view draws from, loaded and counted once."""

    members: pd.DataFrame
    missions: pd.DataFrame
    events: pd.DataFrame
    sizes: pd.DataFrame
    mission_counts: pd.Series


def case_data() -> CaseData:
    from alliances.data import load

    members = load("alliance_members")
    missions = load("un_peacekeeping_missions")
    events = case_events(load("milestones"), load("nato_consultations"), load("crises"),
                         load("intra_alliance_disputes"))
    years = range(FIRST_YEAR, LAST_YEAR + 1)
    ids = [a for ids in CASES.values() for a in ids]
    return CaseData(members, missions, events, bloc_sizes(members, ids, years), missions_by_year(missions, years))


US_BILATERAL = ("us_japan", "us_rok", "us_philippines", "us_taiwan")


def _plotted(case: str, sizes: pd.DataFrame) -> dict[str, pd.Series]:
    """The lines drawn for a case: each bloc's size; for Asia, the two pacts and a count of US bilateral treaties."""
    if case == "Asia-Pacific treaties":
        return {"SEATO members": sizes["seato"], "ANZUS members": sizes["anzus"],
                "US bilateral treaties in force": (sizes[list(US_BILATERAL)] > 0).sum(axis=1),
                "Sino-Soviet treaty in force": (sizes["sino_soviet_1950"] > 0).astype(int),
                "China-North Korea treaty in force": (sizes["sino_nk_1961"] > 0).astype(int)}
    return {f"{SHORT[a]} members": sizes[a] for a in CASES[case]}


def _wrap(text: str, width: int = 58) -> str:
    return textwrap.fill(text, width=width, subsequent_indent="  ")


def _case_axes(fig):
    """The two axes, kept between updates (their ticks are the costly part of a redraw)."""
    top = fig.add_axes((0.07, 0.45, 0.42, 0.45))
    top.tick_params(labelbottom=False)
    return top, fig.add_axes((0.07, 0.1, 0.42, 0.25))


def draw_cases(fig, year: int, case: str, data: CaseData) -> str:
    """Left: bloc sizes and UN missions by year, the case's events marked; right: who and what in ``year``."""
    ids = CASES[case]
    top, bottom = retained(fig, "cases", _case_axes)
    clear_data(top, bottom)
    for artist in [*fig.legends, *fig.texts]:
        artist.remove()
    years = data.sizes.index
    series = _plotted(case, data.sizes)
    for alliance_id in data.sizes.columns:
        if alliance_id not in ids:
            top.step(years, data.sizes[alliance_id], where="post", lw=0.8, color=PALETTE["muted"], alpha=0.5)
    for i, (label, values) in enumerate(series.items()):
        top.step(years, values, where="post", lw=2, color=CYCLE[i % len(CYCLE)], label=label)
    top.plot([], [], color=PALETTE["muted"], lw=0.8, label="other blocs' members (grey)")
    top.set(ylabel="Members" if case != "Asia-Pacific treaties" else "Members / treaties",
            title=f"{case} by year" if ids else "Alliances (grey) and UN missions by year")
    handles, labels = top.get_legend_handles_labels()
    handles.append(top.scatter([], [], marker="v", color=PALETTE["warning"]))
    labels.append("event of this case")
    fig.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.54, 0.08), fontsize=8, frameon=False)
    bottom.step(years, data.mission_counts, where="post", lw=2 if not ids else 1.2, color=PALETTE["accent"])
    bottom.set(ylabel="UN missions\n(course data)", xlabel="Year", xlim=(FIRST_YEAR, LAST_YEAR))
    top.set_xlim(FIRST_YEAR, LAST_YEAR)
    shown = data.events[data.events["alliance_id"].isin(ids)] if ids else data.events.iloc[0:0]
    marks = shown[shown["year"].between(FIRST_YEAR, LAST_YEAR)]
    ymax = max(1, int(data.sizes.to_numpy().max()) if not series else max(int(v.max()) for v in series.values()))
    top.set_ylim(0, ymax * 1.25)
    top.scatter(marks["year"], [ymax * 1.15] * len(marks), marker="v", s=28, color=PALETTE["warning"], zorder=3)
    for axis in (top, bottom):
        axis.axvline(year, color=PALETTE["ink"], lw=1, ls="--")

    lines, described = [f"In {year}:"], []
    for alliance_id in ids:
        names = bloc_members(data.members, alliance_id, year)
        if names:
            lines.append(_wrap(f"{SHORT[alliance_id]} ({len(names)}): {', '.join(names)}"))
        described.append(f"{SHORT[alliance_id]} {len(names)}")
    active = missions_active(data.missions, year)
    acronyms = list(active["acronym"])
    lines.append(_wrap(f"UN missions active ({len(acronyms)} of {len(data.missions)} in the course data): "
                       + (", ".join(acronyms) if acronyms else "none")))
    happened = shown[shown["year"] == year]["label"].tolist()
    lines.append(_wrap("Events this year: " + ("; ".join(happened) if happened else "none marked")))
    fig.text(0.54, 0.94, "\n".join(lines), va="top", ha="left", fontsize=8)

    sizes = ("; members in " + str(year) + ": " + ", ".join(described)) if ids else ""
    return (
        f"Case: {case}{sizes}. {len(acronyms)} of the {len(data.missions)} UN peacekeeping missions in the "
        f"course data were active in {year}"
        + (f" ({', '.join(acronyms)})" if acronyms else "")
        + f". {len(marks)} events of this case are marked on the timeline"
        + (f"; in {year}: {'; '.join(happened)}." if happened else "; none in this year.")
    )


def case_timeline() -> ModelView:
    """Year slider and case menu over the blocs, the UN missions and the events of each case."""
    data = case_data()

    def draw(fig, year, case):
        return draw_cases(fig, year, case, data)

    return ModelView(
        draw,
        {
            "year": w.IntSlider(value=1968, min=FIRST_YEAR, max=LAST_YEAR, description="Year", continuous_update=False),
            "case": w.Dropdown(options=list(CASES), value="Warsaw Pact", description="Case"),
        },
        title="Blocs, UN missions and events, year by year",
        figsize=(10.0, 5.0),
        layout=None,
    )


WIDGETS = (case_timeline,)
