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
from alliances.widgets.base import ModelView, StaticFigure, clear_data, fixed_titles, forget_retained, retained

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


class _Parts:
    """Everything about the chosen alliances that does not depend on the year: computed once per filter."""

    def __init__(self, alliances, obligation, region, start, end, as_of):
        self.chosen = filter_alliances(alliances, obligation, region, start, end).reset_index(drop=True)
        chosen = self.chosen
        self.n = len(chosen)
        if not self.n:
            return
        self.primary = primary_obligation(chosen)
        self.spans = lifespan_years(chosen, as_of)
        self.left = list(_decimal_year(chosen["signed"]))
        self.right = list(_decimal_year(chosen["ended"].where(chosen["ended"].notna(), as_of)))
        self.rows = list(chosen.itertuples())
        self.ids = [row.alliance_id for row in self.rows]
        self.labels = [f"{_label(row)} [{' '.join(LETTERS[o] for o in obs) or '-'}]"
                       for row, obs in zip(self.rows, obligations_of(chosen))]
        longest = self.spans.idxmax()
        self.longest = (_label(self.rows[longest]), float(self.spans[longest]), pd.isna(chosen.loc[longest, "ended"]))
        self.open_now = int(chosen["ended"].isna().sum())


def _timeline_axes(fig) -> dict:
    """The timeline's axes, kept across filters (its ticks are the costly part of a new axes)."""
    ax = fig.subplots()
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Year (bars run from signature to end)")
    fixed_titles(ax)
    return {"ax": ax, "filter": None, "artists": None}


def _timeline_artists(fig, ax, parts, labels_in, alliances):
    """Bars, still-in-force triangles, labels and legend for one filter; the year's marks start empty."""
    n = parts.n
    clear_data(ax)
    fig.set_size_inches(9.0, min(max(2.2 + 0.24 * n, 4.0), 16.0))
    if fig.get_layout_engine() is None:  # fixed margins in inches, from the widest label in the data
        width, height = fig.get_size_inches()
        left = (labels_in if labels_in is not None else label_width(alliances)) + 0.2
        fig.subplots_adjust(left=left / width, right=1 - LEGEND_IN / width, top=1 - 0.45 / height,
                            bottom=1.05 / height)
    y = list(range(n))
    bars = ax.barh(y, [max(r0 - l0, 0.15) for l0, r0 in zip(parts.left, parts.right)], left=parts.left,
                   height=0.7, color=[STYLE[p][0] for p in parts.primary], hatch=[STYLE[p][1] for p in parts.primary],
                   edgecolor="white", linewidth=0.5, alpha=0.9)
    still = [(r0, pos) for pos, row, r0 in zip(y, parts.rows, parts.right) if pd.isna(row.ended)]
    if still:
        ax.plot(*zip(*still), ">", color=PALETTE["ink"], markersize=5, zorder=3)
    (dots,) = ax.plot([], [], "o", color=PALETTE["ink"], markersize=5, zorder=5)
    line = ax.axvline(0, color=PALETTE["ink"], linestyle="--", linewidth=1.4, zorder=4)
    size = 10 if n <= 20 else 9 if n <= 35 else 8 if n <= 50 else 7
    ax.set_yticks(y, parts.labels, fontsize=size)
    ax.set_ylim(n - 0.4, -0.6)
    from matplotlib.patches import Patch

    handles = []
    for key in [*OBLIGATIONS, "none"]:
        if (parts.primary == key).any():
            colour, hatch = STYLE[key]
            handles.append(Patch(facecolor=colour, hatch=hatch, edgecolor="white",
                                 label=OBLIGATION_LABELS.get(key, "no obligation coded")))
    ax.legend(handles=handles, title="Strongest obligation", loc="upper left", bbox_to_anchor=(1.01, 1.0),
              fontsize=8.5, title_fontsize=9, frameon=False)
    return ax, bars.patches, dots, line


def draw_timeline(fig, obligation, region, era, year, *, alliances, as_of, labels_in=None, cache=None) -> str:
    """Horizontal bars from signature to end (or to ``as_of``), a line at ``year``, the count in the title."""
    start, end = (int(v) for v in era)
    as_of = pd.Timestamp(as_of)
    key = (obligation, region, start, end)
    cache = {} if cache is None else cache
    if key not in cache:
        if len(cache) > 256:
            cache.clear()
        cache[key] = _Parts(alliances, obligation, region, start, end, as_of)
    parts = cache[key]
    what = _describe_filter(obligation, region, start, end)
    n = parts.n
    lo, hi = min(start, year) - 1, max(end, year) + 2
    if n == 0:
        forget_retained(fig)
        ax = fig.subplots()
        fig.set_size_inches(9.0, 4.0)
        ax.set_axis_off()
        ax.text(0.5, 0.5, f"No alliance in the data matches these filters:\n{what}.\n"
                          "Widen the years, choose another region or pick 'any obligation'.",
                ha="center", va="center", wrap=True)
        ax.set_title(f"No alliances to show; 0 active in {year}")
        return f"Timeline of alliance lifespans: no alliance in the data matches the filters ({what}), so there is nothing to draw."

    state = retained(fig, "timeline", _timeline_axes)
    if state["filter"] != key:
        state["artists"] = _timeline_artists(fig, state["ax"], parts, labels_in, alliances)
        state["filter"] = key
    ax, bars, dots, line = state["artists"]
    active = active_in(parts.chosen, year)
    active_ids = set(active["alliance_id"])
    is_active = [i in active_ids for i in parts.ids]
    for bar, on in zip(bars, is_active):
        bar.set_edgecolor(PALETTE["ink"] if on else "white")
        bar.set_linewidth(1.0 if on else 0.5)
    marked = [pos for pos, on in enumerate(is_active) if on]
    dots.set_data([year + 0.5] * len(marked), marked)
    line.set_xdata([year + 0.5, year + 0.5])
    ax.set_xlim(lo, hi)
    fig.supxlabel(f"Dot on the dashed line: active in {year}. Triangle: still in force.\n" + KEY, fontsize=8.5)
    ax.set_title(f"{len(active)} of {n} alliances shown were active in {year} (dashed line)")

    name, years, still = parts.longest
    active_names = [_label(r) for r in active.itertuples()]
    return (
        f"Timeline of alliance lifespans: {n} {what}, one horizontal bar per alliance from the year it was "
        f"signed to the year it ended, or to {as_of.year} with a triangle if it is still in force ({parts.open_now} are). "
        f"Bar colour and hatching show the treaty's strongest obligation, and letters after each name list all "
        f"its obligations. The dashed line marks {year}: {len(active)} of these alliances were active then "
        f"({_list(active_names)}), each marked by a dot on the line and a dark outline. The longest-lived is "
        f"{name} at {years:.0f} years{' so far' if still else ''}."
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
    draw = functools.partial(draw_timeline, alliances=alliances, as_of=as_of, labels_in=label_width(alliances),
                             cache={})
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
