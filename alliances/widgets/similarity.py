"""Chapter 4 views: how alike two states' alliance portfolios are, and a similarity heatmap for a group."""

from __future__ import annotations

import functools

import ipywidgets as w
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap

from alliances.models.similarity import cohen_kappa, portfolios, s_score, similarity_matrix
from alliances.style import PALETTE
from alliances.widgets.base import ModelView, fixed_titles, forget_retained, retained

MEASURE_LABELS = {"s": "S (Signorino-Ritter)", "kappa": "Cohen's kappa", "pi": "Scott's pi",
                  "kappa_w": "Weighted kappa"}
SHORT_LEVELS = {0: "0 none", 1: "1 entente/consult.", 2: "2 neutrality/non-agg.", 3: "3 defence"}
MAX_ROWS = 28  # partners shown in the difference panel (largest differences first)
P5 = ("USA", "GBR", "FRA", "CHN", "SUN", "RUS")


def _load(alliances, members):
    if alliances is None or members is None:
        from alliances.data import load

        alliances = load("alliances") if alliances is None else alliances
        members = load("alliance_members") if members is None else members
    return alliances, members


def _year_range(members: pd.DataFrame) -> tuple[int, int]:
    joined, left = pd.to_datetime(members["joined"]), pd.to_datetime(members["left"])
    active_after_1945 = joined.dt.year.where(left.isna() | (left.dt.year >= 1945)).clip(lower=1945)
    first = int(active_after_1945.min()) if active_after_1945.notna().any() else 1945
    last = int(max(joined.dt.year.max(), left.dt.year.max() if left.notna().any() else 0, 2025))
    return first, last


def _names(members: pd.DataFrame) -> dict[str, str]:
    if "state" not in members.columns:
        return {c: c for c in members["iso3"].dropna().unique()}
    frame = members.dropna(subset=["iso3"]).sort_values("joined")
    return {row.iso3: (row.state if isinstance(row.state, str) and row.state else row.iso3)
            for row in frame.itertuples()}


class _Cache:
    """Portfolio tables by (year, extra states): the model is pure, the view remembers its results."""

    def __init__(self, alliances, members):
        self.alliances, self.members, self.tables = alliances, members, {}

    def __call__(self, year, states=()):
        key = (int(year), tuple(sorted(states)))
        if key not in self.tables:
            self.tables[key] = portfolios(self.alliances, self.members, int(year), states=states)
        return self.tables[key]


def _fmt(value: float) -> str:
    return "undefined" if value is None or np.isnan(value) else f"{value:+.2f}"


def _kappa(x, y) -> float:
    try:
        return cohen_kappa(x, y)
    except ValueError:  # one identical category on both sides: chance agreement is already 1
        return float("nan")


# --- two states --------------------------------------------------------------------------------

def draw_pair(fig, state_a, state_b, year, *, table_for, names) -> str:
    """Left: the 4x4 table of tie levels (A's level vs B's level, counts of partners). Right: the partners
    on which the two portfolios differ, A's level (circle) and B's level (square)."""
    table = table_for(year, (state_a, state_b))
    x, y = table.loc[state_a], table.loc[state_b]
    s, kappa = s_score(x, y), _kappa(x.to_numpy(), y.to_numpy())
    name_a, name_b = names.get(state_a, state_a), names.get(state_b, state_b)
    partners, x, y = list(table.columns), dict(zip(table.columns, x.tolist())), dict(zip(table.columns, y.tolist()))
    counts = np.zeros((4, 4), dtype=int)  # plain numbers from here on: no pandas in the redraw
    for p in partners:
        counts[x[p], y[p]] += 1
    left, right, image, cells, (lines, mark_a, mark_b, legend, same) = retained(fig, "pair", _pair_artists)
    shade = np.minimum(np.ceil(np.log10(counts + 1) * 1.5), 3)
    image.set_data(shade)
    for (i, j), cell in cells.items():
        cell.set_text(str(counts[i, j]))
        cell.set_color("white" if shade[i, j] >= 3 else PALETTE["ink"])
    left.set_xlabel(f"{state_b}'s tie to the partner")
    left.set_ylabel(f"{state_a}'s tie to the partner")
    left.set_title(f"Partners by tie level ({len(partners)} states)\nboxed diagonal = same tie", fontsize=10)

    differ = sorted((p for p in partners if x[p] != y[p]), key=lambda p: -abs(x[p] - y[p]))  # stable: table order within a size
    shown = differ[:MAX_ROWS]
    rows = list(reversed(list(shown)))
    pos = np.arange(len(rows))
    xs, ys = np.array([x[r] for r in rows], float), np.array([y[r] for r in rows], float)
    lines.set_segments([[(a, p), (b, p)] for a, b, p in zip(xs, ys, pos)])
    mark_a.set_offsets(np.column_stack([xs, pos]) if rows else np.zeros((0, 2)))
    mark_b.set_offsets(np.column_stack([ys, pos]) if rows else np.zeros((0, 2)))
    for handle_text, code in zip(legend.get_texts(), (state_a, state_b)):
        handle_text.set_text(code)
    legend.set_visible(bool(rows))
    same.set_visible(not rows)
    right.set_yticks(pos, rows, fontsize=7.5 if len(rows) > 18 else 9)
    right.set_ylim(*((-0.7, len(rows) - 0.3) if rows else (0, 1)))
    more = f" ({len(differ) - len(shown)} more not shown)" if len(differ) > len(shown) else ""
    right.set_title(f"Partners where they differ: {len(differ)}{more}", fontsize=10)

    fig.suptitle(f"{name_a} ({state_a}) and {name_b} ({state_b}), {int(year)}: "
                 f"S = {s:+.2f}, kappa = {_fmt(kappa)}", fontsize=12)
    agree = int(np.trace(counts))
    both_none = int(counts[0, 0])
    listed = ", ".join(f"{r} ({x[r]} vs {y[r]})" for r in list(shown)[:5])
    return (
        f"Comparison of the alliance portfolios of {name_a} ({state_a}) and {name_b} ({state_b}) in {int(year)}, "
        f"over the {len(x)} states in the data that year. S = {s:.2f} and Cohen's kappa = {_fmt(kappa)}. "
        f"Left: a 4 by 4 table counting partners by {state_a}'s tie level (rows) and {state_b}'s (columns); the two "
        f"agree on {agree} partners, {both_none} of them because neither has any tie. Right: the {len(differ)} "
        f"partners on which they differ, {state_a}'s level as a circle and {state_b}'s as a square"
        + (f"; the largest differences are {listed}." if listed else "; there are none.")
    )


def _pair_artists(fig):
    """The pair view's artists, built once per view and updated in place: the 4x4 table (image, 16
    counts, boxed diagonal) and the differences panel (lines, two marker sets, legend, a note)."""
    from matplotlib.collections import LineCollection

    left, right = fig.subplots(1, 2, width_ratios=[1, 1.15])
    if fig.get_layout_engine() is None:
        fig.subplots_adjust(left=0.17, right=0.98, bottom=0.2, top=0.86, wspace=0.3)
    cmap = ListedColormap(["#f0f0f0", "#c6dbef", "#6baed6", "#2171b5"])
    image = left.imshow(np.zeros((4, 4)), cmap=cmap, vmin=0, vmax=3, origin="upper")
    cells = {(i, j): left.text(j, i, "", ha="center", va="center", fontsize=11,
                               fontweight="bold" if i == j else "normal") for i in range(4) for j in range(4)}
    for i in range(4):
        left.add_patch(_square(i, i))
    left.set_xticks(range(4), [SHORT_LEVELS[k] for k in range(4)], rotation=35, ha="right", fontsize=8.5)
    left.set_yticks(range(4), [SHORT_LEVELS[k] for k in range(4)], fontsize=8.5)
    left.grid(False)
    lines = right.add_collection(LineCollection([], colors=PALETTE["muted"], linewidths=2, zorder=1))
    mark_a = right.scatter([], [], marker="o", s=55, color=PALETTE["primary"], zorder=3, label="A")
    mark_b = right.scatter([], [], marker="s", s=45, color=PALETTE["secondary"], zorder=3, label="B")
    legend = right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=9, frameon=False)
    same = right.text(1.5, 0.5, "The two portfolios are identical", ha="center", va="center", visible=False)
    right.set_xticks(range(4), ["none", "entente", "neutr.", "defence"], fontsize=9)
    right.set_xlim(-0.4, 3.4)
    fixed_titles(left, right)
    return left, right, image, cells, (lines, mark_a, mark_b, legend, same)


def _square(j, i):
    from matplotlib.patches import Rectangle

    return Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor=PALETTE["ink"], lw=1.5)


# --- a group -----------------------------------------------------------------------------------

def _founders(alliances, members, short_name):
    """ISO3 codes of the founding members of the alliance whose short name is ``short_name``."""
    ids = alliances.loc[alliances["short_name"].fillna("").str.casefold() == short_name.casefold(), "alliance_id"]
    rows = members[members["alliance_id"].isin(ids)]
    if "founding" in rows.columns and rows["founding"].fillna(False).astype(bool).any():
        rows = rows[rows["founding"].fillna(False).astype(bool)]
    return tuple(dict.fromkeys(rows.sort_values(["joined", "iso3"])["iso3"].dropna()))


TOP_GROUP = "Most-allied states in the year (up to ten)"
P5_GROUP = "P5 powers (USA, GBR, FRA, CHN, USSR to 1991 / Russia)"


def groups_from_data(alliances: pd.DataFrame, members: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """The heatmap's groups, read from the data where the data define them.

    The group of the most-allied states is chosen in each year (an empty tuple here); the P5 list
    holds both the Soviet Union and Russia, and :func:`group_states` keeps the one that held the
    seat in the chosen year.
    """
    groups = {}
    nato = _founders(alliances, members, "NATO")
    if nato:
        groups["Founding NATO members"] = nato
    warsaw = _founders(alliances, members, "Warsaw Pact")
    if warsaw:
        groups["Warsaw Pact founders"] = warsaw
    # The five permanent members of the Security Council (UN Charter, Art. 23): the only list here
    # that the alliance data cannot supply.
    present = set(members["iso3"].dropna())
    p5 = [c for c in P5 if c in present]
    if len(p5) >= 2:
        groups[P5_GROUP] = tuple(p5)
    groups[TOP_GROUP] = ()
    return groups


def group_states(group: str, states: tuple[str, ...], year: int, table: pd.DataFrame | None = None) -> list[str]:
    """The states of a group in ``year``: the Soviet seat is Russia's from 1992; the top group is
    ranked by number of partners in that year's portfolios (ties by code)."""
    if group == TOP_GROUP:
        partners = (table > 0).sum(axis=1) - 1
        ranked = sorted(partners.index, key=lambda c: (-partners[c], c))
        return ranked[:10]
    states = list(states)
    if "SUN" in states and "RUS" in states:
        states.remove("RUS" if year <= 1991 else "SUN")
    return states


def _heatmap_artists(fig):
    """The heatmap's axes, image and colour bar, built once per view and updated in place; the cell
    texts (one per pair below the diagonal) are rebuilt by :func:`_heatmap_cells` when the group size changes."""
    ax = fig.subplots()
    if fig.get_layout_engine() is None:
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.1, top=0.88)
    image = ax.imshow(np.zeros((2, 2)), cmap="PuOr", vmin=-1, vmax=1)
    ax.set_facecolor("white")
    ax.grid(False)
    fixed_titles(ax)
    bar = fig.colorbar(image, ax=ax, shrink=0.85, ticks=[-1, -0.5, 0, 0.5, 1])
    return {"ax": ax, "image": image, "bar": bar, "n": None, "cells": {}}


def _heatmap_cells(state, n):
    """One text per pair below the diagonal for n states, the image's extent and the axes' limits."""
    ax = state["ax"]
    for cell in state["cells"].values():
        cell.remove()
    size = 10 if n <= 8 else 8.5 if n <= 12 else 7
    state["cells"] = {(i, j): ax.text(j, i, "", ha="center", va="center", fontsize=size)
                      for i in range(n) for j in range(i)}
    state["image"].set_extent((-0.5, n - 0.5, n - 0.5, -0.5))
    ax.set_xlim(-0.5, n - 1.5)
    ax.set_ylim(n - 0.5, 0.5)
    state["n"] = n


def draw_heatmap(fig, group, year, measure, *, table_for, groups, names) -> str:
    """Annotated heatmap of pairwise similarity (PuOr diverging, -1 to 1) for the group's states."""
    if group == TOP_GROUP:
        try:
            table = table_for(year)
        except ValueError:  # no alliance in force that year: nothing to rank
            forget_retained(fig)
            ax = fig.subplots()
            ax.set_axis_off()
            ax.text(0.5, 0.5, f"No alliance in the data is in force in {int(year)}", ha="center", va="center")
            return f"No alliance in the data is in force in {int(year)}, so there are no allied states to compare."
        states = group_states(group, (), year, table)
    else:
        states = group_states(group, groups[group], year)
        table = table_for(year, tuple(states))
    matrix = similarity_matrix(table, states, measure)
    values = matrix.to_numpy()
    n = len(states)
    state = retained(fig, "heatmap", _heatmap_artists)
    if state["n"] != n:
        _heatmap_cells(state, n)
    ax, image, cells, bar = state["ax"], state["image"], state["cells"], state["bar"]
    below = np.tril(np.ones((n, n), dtype=bool), k=-1)  # symmetric: each pair once, below the diagonal
    image.set_data(np.ma.masked_where(~below | np.isnan(values), values))
    for (i, j), cell in cells.items():
        v = values[i, j]
        cell.set_text("n/a" if np.isnan(v) else f"{v:.2f}")
        cell.set_color("white" if (not np.isnan(v) and abs(v) > 0.6) else PALETTE["ink"])
    ax.set_xticks(range(n - 1), states[:-1], fontsize=10 if n <= 12 else 8)  # ISO3 codes fit unrotated
    ax.set_yticks(range(1, n), states[1:])
    bar.set_label(f"{MEASURE_LABELS[measure]}: -1 opposite, 0 unrelated/chance, 1 identical")
    ax.set_title(f"{group}, {int(year)}\n{MEASURE_LABELS[measure]} of alliance portfolios "
                 f"({len(table)} states in the portfolios)", fontsize=11)

    upper = [(values[i, j], states[i], states[j]) for i in range(n) for j in range(i + 1, n) if not np.isnan(values[i, j])]
    text = (f"Heatmap of {MEASURE_LABELS[measure]} between the alliance portfolios of {n} states ({group}: "
            f"{', '.join(states)}) in {int(year)}, computed over the {len(table)} states in the data that year; "
            f"each pair appears once, below the diagonal; purple cells are similar, orange cells dissimilar, "
            f"and every cell shows its value. ")
    if upper:
        hi, lo = max(upper), min(upper)
        mean = float(np.mean([u[0] for u in upper]))
        text += (f"The most similar pair is {hi[1]}-{hi[2]} ({hi[0]:.2f}), the least similar {lo[1]}-{lo[2]} "
                 f"({lo[0]:.2f}); the average over {len(upper)} pairs is {mean:.2f}.")
    undefined = sum(np.isnan(values[i, j]) for i in range(n) for j in range(i + 1, n))
    if undefined:
        text += f" {undefined} pairs are marked n/a: the measure is undefined for them."
    return text.strip()


# --- factories ---------------------------------------------------------------------------------

def _state_options(members, names):
    codes = sorted(set(members["iso3"].dropna()), key=lambda c: (names.get(c, c), c))
    return [(f"{names.get(c, c)} ({c})", c) for c in codes]


def portfolio_comparison(alliances: pd.DataFrame | None = None, members: pd.DataFrame | None = None,
                         state_a: str = "USA", state_b: str = "TUR", year: int = 1980) -> ModelView:
    """Pick two states and a year: their portfolios compared, with S and kappa in the title."""
    alliances, members = _load(alliances, members)
    names = _names(members)
    options = _state_options(members, names)
    codes = [c for _, c in options]
    state_a = state_a if state_a in codes else codes[0]
    state_b = state_b if state_b in codes else codes[min(1, len(codes) - 1)]
    first, last = _year_range(members)
    draw = functools.partial(draw_pair, table_for=_Cache(alliances, members), names=names)
    return ModelView(
        draw,
        {
            "state_a": w.Dropdown(options=options, value=state_a, description="State A"),
            "state_b": w.Dropdown(options=options, value=state_b, description="State B"),
            "year": w.IntSlider(value=min(max(year, first), last), min=first, max=last, step=1,
                                description="Year", continuous_update=False),
        },
        title="Two states' alliance portfolios compared",
        figsize=(10.0, 6.5),
        layout=None,
    )


def similarity_heatmap(alliances: pd.DataFrame | None = None, members: pd.DataFrame | None = None,
                       year: int = 1985) -> ModelView:
    """Pick a group, a year and a measure: the pairwise similarity of the group's portfolios."""
    alliances, members = _load(alliances, members)
    names = _names(members)
    groups = groups_from_data(alliances, members)
    first, last = _year_range(members)
    draw = functools.partial(draw_heatmap, table_for=_Cache(alliances, members), groups=groups, names=names)
    return ModelView(
        draw,
        {
            "group": w.Dropdown(options=list(groups), value=next(iter(groups)), description="Group"),
            "year": w.IntSlider(value=min(max(year, first), last), min=first, max=last, step=1,
                                description="Year", continuous_update=False),
            "measure": w.Dropdown(options=[(v, k) for k, v in MEASURE_LABELS.items()], value="s",
                                  description="Measure"),
        },
        title="Similarity of alliance portfolios within a group",
        figsize=(8.0, 6.8),
        layout=None,
    )


WIDGETS = (portfolio_comparison, similarity_heatmap)
