"""Chapter 1 view: an alliance explorer (filter by obligation, region and era; timeline of lifespans)."""

from __future__ import annotations

import functools

import ipywidgets as w
import pandas as pd

from alliances.models.explorer import (
    ALL_REGIONS,
    ANY,
    OBLIGATION_LABELS,
    OBLIGATIONS,
    active_in,
    count_active,
    filter_alliances,
    lifespan_years,
    obligations_of,
    primary_obligation,
)
from alliances.style import PALETTE
from alliances.widgets.base import ModelView, StaticFigure

# The strongest obligation of each treaty sets its bar's colour AND hatch, so print and colour-blind
# readers can tell them apart; the letters after each label list every obligation the treaty has.
STYLE = {
    "defence": (PALETTE["primary"], ""),
    "offence": (PALETTE["warning"], "xx"),
    "neutrality": (PALETTE["secondary"], "//"),
    "non_aggression": (PALETTE["accent"], "\\\\"),
    "consultation": (PALETTE["sky"], ".."),
    "entente": (PALETTE["highlight"], "oo"),
    "none": (PALETTE["muted"], "--"),
}
LETTERS = {"defence": "D", "offence": "O", "neutrality": "N", "non_aggression": "NA", "consultation": "C",
           "entente": "E"}
KEY = "Letters after each name: D defence, O offence, N neutrality, NA non-aggression, C consultation, E entente."


def _decimal_year(dates: pd.Series) -> pd.Series:
    return dates.dt.year + (dates.dt.day_of_year - 1) / 365.25


def _label(row) -> str:
    short = getattr(row, "short_name", None)
    name = short if isinstance(short, str) and short.strip() else row.name
    return str(name)


def _list(names: list[str], limit: int = 8) -> str:
    if not names:
        return "none"
    shown = names[:limit]
    text = ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1]
    return text + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _describe_filter(obligation: str, region: str, start: int, end: int) -> str:
    what = "alliances of any obligation type" if obligation == ANY else \
        f"alliances with {'an' if obligation == 'offence' else 'a'} {OBLIGATION_LABELS[obligation]} obligation"
    where = "in all regions" if region == ALL_REGIONS else f"in the region {region}"
    return f"{what} {where} in force at some time between {start} and {end}"


def label_width(alliances: pd.DataFrame) -> float:
    """Width in inches of the longest bar label any filter can show (at the largest label size),
    measured once so that every redraw can use fixed margins instead of a layout pass."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    renderer, font = RendererAgg(1, 1, 72), FontProperties(size=10)
    labels = [f"{_label(row)} [{' '.join(LETTERS[o] for o in obs) or '-'}]"
              for row, obs in zip(alliances.itertuples(), obligations_of(alliances))]
    widest = max((renderer.get_text_width_height_descent(t, font, ismath=False)[0] for t in labels), default=0.0)
    return widest / 72


LEGEND_IN = 2.1  # the obligation legend right of the bars, at its widest ("no obligation coded")


def draw_timeline(fig, obligation, region, era, year, *, alliances, as_of, labels_in=None) -> str:
    """Horizontal bars from signature to end (or to ``as_of``), a line at ``year``, the count in the title."""
    start, end = (int(v) for v in era)
    chosen = filter_alliances(alliances, obligation, region, start, end).reset_index(drop=True)
    as_of = pd.Timestamp(as_of)
    ax = fig.subplots()
    what = _describe_filter(obligation, region, start, end)
    n = len(chosen)
    fig.set_size_inches(9.0, min(max(2.2 + 0.24 * n, 4.0), 16.0))
    if fig.get_layout_engine() is None:  # fixed margins in inches, from the widest label in the data
        width, height = fig.get_size_inches()
        left = (labels_in if labels_in is not None else label_width(alliances)) + 0.2
        fig.subplots_adjust(left=left / width, right=1 - LEGEND_IN / width, top=1 - 0.45 / height,
                            bottom=1.05 / height)
    lo, hi = min(start, year) - 1, max(end, year) + 2
    if n == 0:
        ax.set_axis_off()
        ax.text(0.5, 0.5, f"No alliance in the data matches these filters:\n{what}.\n"
                          "Widen the years, choose another region or pick 'any obligation'.",
                ha="center", va="center", wrap=True)
        ax.set_title(f"No alliances to show; 0 active in {year}")
        return f"Timeline of alliance lifespans: no alliance in the data matches the filters ({what}), so there is nothing to draw."

    active = active_in(chosen, year)
    active_ids = set(active["alliance_id"])
    primary = primary_obligation(chosen)
    listed = obligations_of(chosen)
    spans = lifespan_years(chosen, as_of)
    left = _decimal_year(chosen["signed"])
    stop = chosen["ended"].where(chosen["ended"].notna(), as_of)
    right = _decimal_year(stop)
    y = range(n)
    rows = list(chosen.itertuples())
    is_active = [row.alliance_id in active_ids for row in rows]
    ax.barh(list(y), [max(r0 - l0, 0.15) for l0, r0 in zip(left, right)], left=list(left), height=0.7,
            color=[STYLE[p][0] for p in primary], hatch=[STYLE[p][1] for p in primary],
            edgecolor=[PALETTE["ink"] if a else "white" for a in is_active],
            linewidth=[1.0 if a else 0.5 for a in is_active], alpha=0.9)
    dots = [pos for pos, a in zip(y, is_active) if a]
    if dots:
        ax.plot([year + 0.5] * len(dots), dots, "o", color=PALETTE["ink"], markersize=5, zorder=5)
    still = [(r0, pos) for pos, row, r0 in zip(y, rows, right) if pd.isna(row.ended)]
    if still:
        ax.plot(*zip(*still), ">", color=PALETTE["ink"], markersize=5, zorder=3)
    labels = [f"{_label(row)} [{' '.join(LETTERS[o] for o in obs) or '-'}]" for row, obs in zip(rows, listed)]
    size = 10 if n <= 20 else 9 if n <= 35 else 8 if n <= 50 else 7
    ax.set_yticks(list(y), labels, fontsize=size)
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_xlim(lo, hi)
    ax.grid(axis="y", visible=False)
    ax.axvline(year + 0.5, color=PALETTE["ink"], linestyle="--", linewidth=1.4, zorder=4)
    ax.set_xlabel("Year (bars run from signature to end)")
    fig.supxlabel(f"Dot on the dashed line: active in {year}. Triangle: still in force.\n" + KEY, fontsize=8.5)
    ax.set_title(f"{len(active)} of {n} alliances shown were active in {year} (dashed line)")
    handles = []
    from matplotlib.patches import Patch

    for key in [*OBLIGATIONS, "none"]:
        if (primary == key).any():
            colour, hatch = STYLE[key]
            handles.append(Patch(facecolor=colour, hatch=hatch, edgecolor="white",
                                 label=OBLIGATION_LABELS.get(key, "no obligation coded")))
    ax.legend(handles=handles, title="Strongest obligation", loc="upper left", bbox_to_anchor=(1.01, 1.0),
              fontsize=8.5, title_fontsize=9, frameon=False)

    longest = spans.idxmax()
    open_now = int(chosen["ended"].isna().sum())
    active_names = [_label(r) for r in active.itertuples()]
    return (
        f"Timeline of alliance lifespans: {n} {what}, one horizontal bar per alliance from the year it was "
        f"signed to the year it ended, or to {as_of.year} with a triangle if it is still in force ({open_now} are). "
        f"Bar colour and hatching show the treaty's strongest obligation, and letters after each name list all "
        f"its obligations. The dashed line marks {year}: {len(active)} of these alliances were active then "
        f"({_list(active_names)}), each marked by a dot on the line and a dark outline. The longest-lived is "
        f"{_label(next(chosen.loc[[longest]].itertuples()))} at {spans[longest]:.0f} years"
        f"{' so far' if pd.isna(chosen.loc[longest, 'ended']) else ''}."
    )


def _regions(alliances: pd.DataFrame) -> list[str]:
    return [ALL_REGIONS] + sorted(r for r in alliances["region"].dropna().unique())


def _year_span(alliances: pd.DataFrame, as_of: pd.Timestamp) -> tuple[int, int]:
    signed = pd.to_datetime(alliances["signed"]).dropna()
    return int(signed.dt.year.min()), int(as_of.year)


def alliance_explorer(alliances: pd.DataFrame | None = None, as_of=None, year: int = 1960,
                      era: tuple[int, int] | None = None) -> ModelView:
    """The alliance explorer: Obligation, Region, Years shown (era) and Year (count active)."""
    if alliances is None:
        from alliances.data import load

        alliances = load("alliances")
    as_of = pd.Timestamp.today().normalize() if as_of is None else pd.Timestamp(as_of)
    first, last = _year_span(alliances, as_of)
    era = (first, last) if era is None else (max(era[0], first), min(era[1], last))
    draw = functools.partial(draw_timeline, alliances=alliances, as_of=as_of, labels_in=label_width(alliances))
    options = [("any obligation", ANY)] + [(OBLIGATION_LABELS[o], o) for o in OBLIGATIONS]
    return ModelView(
        draw,
        {
            "obligation": w.Dropdown(options=options, value=ANY, description="Obligation"),
            "region": w.Dropdown(options=_regions(alliances), value=ALL_REGIONS, description="Region"),
            "era": w.IntRangeSlider(value=era, min=first, max=last, step=1, description="Years shown",
                                    continuous_update=False),
            "year": w.IntSlider(value=min(max(year, first), last), min=first, max=last, step=1, description="Year",
                                continuous_update=False),
        },
        title="Alliance explorer: which alliances, of what kind, when",
        figsize=(9.0, 8.0),
        layout=None,
    )


def draw_active_over_time(fig, *, alliances, first, last) -> str:
    """Line chart: alliances active each year, all of them and defence pacts only."""
    years = range(first, last + 1)
    everything = count_active(alliances, years)
    defence = count_active(filter_alliances(alliances, "defence"), years)
    ax = fig.subplots()
    ax.step(everything.index, everything.values, where="mid", color=PALETTE["primary"], lw=2,
            label="every entry in the alliance list")
    ax.step(defence.index, defence.values, where="mid", color=PALETTE["secondary"], lw=2, ls="--",
            label="with a defence obligation")
    ax.set(xlabel="Year", ylabel="Alliances active", xlim=(first - 1, last + 1))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="lower right", frameon=False)
    ax.set_title(f"Alliances in the course data active each year, {first}–{last}")
    peak_year = int(everything.idxmax())
    return (
        f"Step chart of the number of alliances in the course data active in each year from {first} to {last}: "
        f"every entry in the alliance list (solid line) and those with a defence obligation (dashed line). The total peaks at "
        f"{int(everything.max())} in {peak_year} (first year of the peak) and stands at {int(everything.iloc[-1])} in "
        f"{last}, of which {int(defence.iloc[-1])} have a defence obligation."
    )


def active_over_time(alliances: pd.DataFrame | None = None, first: int | None = None,
                     last: int | None = None) -> StaticFigure:
    """Static figure: how many alliances in the data were active in each year."""
    if alliances is None:
        from alliances.data import load

        alliances = load("alliances")
    lo, hi = _year_span(alliances, pd.Timestamp.today())
    return StaticFigure(draw_active_over_time, title="Alliances active each year", figsize=(8.0, 4.0),
                        alliances=alliances, first=first or lo, last=last or hi)


WIDGETS = (alliance_explorer,)
FIGURES = (active_over_time,)  # static figures: checked for clipped text too
