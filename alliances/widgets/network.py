"""Chapter 2 view: the alliance network in a chosen year, its blocs and its best-connected states."""

from __future__ import annotations

import contextlib
import functools
import math

import ipywidgets as w
import networkx as nx
import pandas as pd

from alliances.models.network import (
    alliance_graph,
    alliance_members,
    blocs,
    degree_table,
    network_by_year,
    network_summary,
)
from alliances.style import CYCLE, PALETTE
from alliances.widgets.base import ModelView, StaticFigure, clear_data, forget_retained, retained

SEED = 20  # fixed seed for the starting layout: the same settings always give the same picture
NONE = "(none)"
SIZE_LABELS = {"degree": "number of partners (degree)", "weighted_degree": "number of ties (weighted degree)"}
METHOD_LABELS = {"components": "connected components", "communities": "modularity communities"}


_BLOC_LAYOUTS: dict = {}  # a bloc's layout by its states and ties: most year-to-year changes touch one bloc


def _one_blas_thread():
    """One BLAS thread for the layout optimiser, whose many tiny matrix steps ran two to three times
    slower threaded; a no-op where threadpoolctl is absent (the JupyterLite build has no BLAS threads)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _bloc_layout(sub: nx.Graph) -> dict:
    key = (tuple(sub.nodes), frozenset(tuple(sorted(e)) for e in sub.edges))
    if key not in _BLOC_LAYOUTS:
        if len(_BLOC_LAYOUTS) > 2000:
            _BLOC_LAYOUTS.clear()
        with _one_blas_thread():
            start = nx.spring_layout(sub, seed=SEED, weight=None)
            _BLOC_LAYOUTS[key] = nx.rescale_layout_dict(nx.kamada_kawai_layout(sub, pos=start, weight=None), scale=1.0)
    return _BLOC_LAYOUTS[key]


def pack_blocs(groups: list[set], graph: nx.Graph, local_layout, *, pad: float = 0.35, gap: float = 0.6,
               spread: float = 1.7) -> dict:
    """Positions: each bloc laid out on its own by ``local_layout(subgraph)`` (unit scale), blocs packed
    in rows, in the order given (largest first). ``pad`` is the margin inside each bloc's circle,
    ``gap`` the space between circles, ``spread`` how wide a row may grow relative to the total area."""
    radii = [pad + math.sqrt(len(g)) for g in groups]
    width = max([2 * r for r in radii] + [spread * math.sqrt(sum((2 * r) ** 2 for r in radii))])
    pos, x, y, row_height = {}, 0.0, 0.0, 0.0
    for group, r in zip(groups, radii):
        if x > 0 and x + 2 * r > width:
            x, y, row_height = 0.0, y - row_height - gap, 0.0
        sub = nx.Graph()  # a fresh graph with sorted nodes: a subgraph view would follow set order, which varies by run
        sub.add_nodes_from(sorted(group))
        sub.add_edges_from((u, v) for u, v in graph.edges(sorted(group)) if u in group and v in group)
        local = {next(iter(group)): (0.0, 0.0)} if len(group) == 1 else local_layout(sub)
        for node, (px, py) in local.items():
            pos[node] = (x + r + (r - pad) * px, y - r + (r - pad) * py)
        x += 2 * r + gap
        row_height = max(row_height, 2 * r)
    return pos


def _pack(groups: list[set], graph: nx.Graph) -> dict:
    """Within a bloc, a Kamada-Kawai layout started from a spring layout with a fixed seed: deterministic,
    and it spreads the cliques that multilateral alliances create instead of piling them up."""
    return pack_blocs(groups, graph, _bloc_layout)


def names_list(codes) -> str:
    """'A, B and C' ('none' for an empty list)."""
    codes = list(codes)
    return ", ".join(codes[:-1]) + (" and " if len(codes) > 1 else "") + codes[-1] if codes else "none"


def _network_axes(fig):
    ax = fig.subplots()
    if fig.get_layout_engine() is None:
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.05, top=0.94)
    ax.set_axis_off()
    return ax


def _network_artists(fig):
    """The axes and the key line under it, kept between updates (a new axes is a costly part of a redraw)."""
    return _network_axes(fig), fig.text(0.5, 0.005, "", ha="center", va="bottom", fontsize=8.5)


def draw_network(fig, year, highlight, size_by, bloc_method, *, members, alliance_names, alliances=None, cache=None) -> str:
    """Nodes = states (labelled by ISO3), edges = shared alliances; blocs coloured and numbered."""
    if size_by not in SIZE_LABELS:
        raise ValueError(f"size_by must be one of {list(SIZE_LABELS)}, not {size_by!r}")
    key = (year, bloc_method)
    if cache is not None and key in cache:
        graph, groups, pos = cache[key]
    else:
        graph = alliance_graph(members, year, alliances)
        groups = blocs(graph, bloc_method)
        # the layout depends only on the blocs and their ties, which stay the same for many years in a row
        shape = (tuple(tuple(sorted(g)) for g in groups),
                 frozenset((a, b) if a < b else (b, a) for a, b in graph.edges))
        layouts = cache.setdefault("layouts", {}) if cache is not None else {}
        if shape not in layouts:
            layouts[shape] = _pack(groups, graph)
        pos = layouts[shape]
        if cache is not None:
            cache[key] = (graph, groups, pos)
    table = degree_table(graph, bloc_method)
    summary = network_summary(graph, bloc_method)
    if graph.number_of_nodes() == 0:
        forget_retained(fig)
        ax = _network_axes(fig)
        ax.text(0.5, 0.5, f"No alliance in the data is active in {year}", ha="center", va="center")
        return f"Alliance network in {year}: no alliance in the data is active in that year, so there is nothing to draw."

    ax, key_text = retained(fig, "network", _network_artists)
    clear_data(ax)
    lit = alliance_members(members, highlight, year) if highlight != NONE else set()
    name = alliance_names.get(highlight, str(highlight))
    colour = {n: (CYCLE[k] if k < len(CYCLE) else PALETTE["muted"]) for k, g in enumerate(groups) for n in g}
    values = dict(zip(table["iso3"], table[size_by]))
    top = max(values.values()) or 1
    sizes = {n: 25 + 275 * values[n] / top for n in graph.nodes}

    edges = list(graph.edges(data=True))
    widths = [0.4 + 0.5 * min(d["weight"], 4) for _, _, d in edges]
    ax.add_collection(_segments(pos, edges, widths, PALETTE["muted"], 0.35 if lit else 0.5))
    if lit:
        hot = [(a, b, d) for a, b, d in edges if highlight in d["alliances"]]
        ax.add_collection(_segments(pos, hot, [1.4] * len(hot), PALETTE["highlight"], 0.8))
    for shape, nodes in (("o", [n for n in graph.nodes if n not in lit]), ("s", sorted(lit))):
        if not nodes:
            continue
        ax.scatter([pos[n][0] for n in nodes], [pos[n][1] for n in nodes], s=[sizes[n] for n in nodes],
                   c=[colour[n] for n in nodes], marker=shape, zorder=3,
                   edgecolors=PALETTE["ink"] if shape == "s" else "white", linewidths=2.0 if shape == "s" else 0.6,
                   alpha=0.45 if (lit and shape == "o") else 0.95)
    small = graph.number_of_nodes() > 60
    for n in graph.nodes:
        ax.annotate(n, pos[n], xytext=(0, 4 + math.sqrt(sizes[n]) / 2), textcoords="offset points",
                    ha="center", va="bottom", fontsize=6 if small else 7.5, zorder=4,
                    fontweight="bold" if n in lit else "normal")
    for k, group in enumerate(groups, start=1):
        if len(group) >= 3 or len(groups) <= 8:
            xs, ys = [pos[n][0] for n in group], [pos[n][1] for n in group]
            ax.text(sum(xs) / len(xs), max(ys) + 0.95, f"Bloc {k} ({len(group)})", ha="center", va="bottom",
                    fontsize=8.5, fontweight="bold", color=PALETTE["ink"], zorder=5)
    xs, ys = zip(*pos.values())
    ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 1.6)
    ax.set_aspect("equal", adjustable="box")

    method = METHOD_LABELS[bloc_method]
    title = f"Alliance network, {year}: {summary['states']} states, {summary['blocs']} blocs ({method})"
    ax.set_title(title, fontsize=11)
    legend = f"Node size = {SIZE_LABELS[size_by]}; line width = shared alliances"
    if highlight != NONE:
        legend += f"; squares and purple lines = {name} ({len(lit)} members in {year})" if lit else \
            f"; {name} was not active in {year}"
    key_text.set_text(legend)

    hub = table.iloc[0]
    ranked = table.sort_values([size_by, "iso3"], ascending=[False, True]).head(3)
    top3 = names_list([f"{r.iso3} ({getattr(r, size_by)})" for r in ranked.itertuples()])
    sizes_text = ", ".join(str(len(g)) for g in groups[:8]) + (", ..." if len(groups) > 8 else "")
    text = (
        f"Network diagram of the alliances active in {year}: {summary['states']} states (circles labelled by ISO3 "
        f"code) joined by {summary['ties']} alliance tie{'' if summary['ties'] == 1 else 's'}, a line between two states that share at least one "
        f"alliance, thicker when they share several. Blocs by {method}: {summary['blocs']}, each drawn in its own "
        f"colour and labelled with its number and size, with sizes "
        f"{sizes_text}; bloc 1 includes {names_list(sorted(groups[0])[:6])}"
        f"{' and others' if len(groups[0]) > 6 else ''}. Node size shows the {SIZE_LABELS[size_by]}; the largest "
        f"are {top3}. The best-connected state, {hub.state} ({hub.iso3}), has {hub.degree} "
        f"partner{'' if hub.degree == 1 else 's'}. "
    )
    if highlight != NONE:
        text += (f"Highlighted: {name}, drawn as squares with purple lines, with {len(lit)} members in {year}."
                 if lit else f"The highlighted alliance, {name}, was not active in {year}, so nothing is marked.")
    return text.strip()


def _segments(pos, edges, widths, colour, alpha):
    from matplotlib.collections import LineCollection

    lines = [(pos[a], pos[b]) for a, b, _ in edges]
    return LineCollection(lines, linewidths=widths, colors=colour, alpha=alpha, zorder=1)


def _alliance_options(alliances: pd.DataFrame, members: pd.DataFrame) -> list[tuple[str, str]]:
    """Dropdown options: every alliance with at least two members in the data, by year signed."""
    counts = members.groupby("alliance_id")["iso3"].nunique()
    frame = alliances[alliances["alliance_id"].isin(counts[counts >= 2].index)].sort_values(["signed", "alliance_id"])
    options = []
    for row in frame.itertuples():
        label = row.short_name if isinstance(row.short_name, str) and row.short_name else row.name
        year = f", {row.signed.year}" if pd.notna(row.signed) else ""
        options.append((f"{label}{year}", row.alliance_id))
    return options


def alliance_network(members: pd.DataFrame | None = None, alliances: pd.DataFrame | None = None,
                     year: int = 1960) -> ModelView:
    """The alliance network explorer: Year, Highlight alliance, Node size by, Blocs by."""
    if members is None or alliances is None:
        from alliances.data import load

        members = load("alliance_members") if members is None else members
        alliances = load("alliances") if alliances is None else alliances
    first, last = _year_range(members)
    names = {row.alliance_id: (row.short_name if isinstance(row.short_name, str) and row.short_name else row.name)
             for row in alliances.itertuples()}
    draw = functools.partial(draw_network, members=members, alliance_names=names, alliances=alliances, cache={})
    options = [("None", NONE)] + _alliance_options(alliances, members)
    return ModelView(
        draw,
        {
            "year": w.IntSlider(value=min(max(year, first), last), min=first, max=last, step=1,
                                description="Year", continuous_update=False),
            "highlight": w.Dropdown(options=options, value=NONE, description="Highlight alliance"),
            "size_by": w.Dropdown(options=[("degree", "degree"), ("weighted degree", "weighted_degree")],
                                  value="degree", description="Node size by"),
            "bloc_method": w.Dropdown(options=[("connected components", "components"),
                                               ("communities (modularity)", "communities")],
                                      value="components", description="Blocs"),
        },
        title="The alliance network in a chosen year",
        figsize=(9.0, 7.0),
        layout=None,
    )


def _year_range(members: pd.DataFrame) -> tuple[int, int]:
    """First year with a membership in the data, and the last year (at least 2025)."""
    first = int(pd.to_datetime(members["joined"]).dt.year.min())
    last = int(max(pd.to_datetime(members["joined"]).dt.year.max(), pd.to_datetime(members["left"]).dt.year.max(), 2025))
    return first, last


def draw_bloc_timeline(fig, *, members, alliances=None, first=None, last=None) -> str:
    """Allied states, states in the largest bloc, and the number of blocs, year by year."""
    lo, hi = _year_range(members)
    first, last = first or max(lo, 1945), last or hi
    table = network_by_year(members, range(first, last + 1), alliances=alliances)
    table = table[table["states"].cumsum() > 0]  # start with the first year that has an alliance
    first = int(table["year"].iloc[0])
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[2, 1])
    top.plot(table["year"], table["states"], color=PALETTE["primary"], lw=2, drawstyle="steps-mid", label="States with an alliance in force")
    top.plot(table["year"], table["largest_bloc"], color=PALETTE["secondary"], lw=2, ls="--", drawstyle="steps-mid",
             label="States in the largest bloc")
    top.set(ylabel="States")
    top.legend(loc="upper left", fontsize=9, frameon=False)
    bottom.step(table["year"], table["blocs"], where="mid", color=PALETTE["accent"], lw=2)
    bottom.set(ylabel="Blocs", xlabel="Year")
    bottom.yaxis.get_major_locator().set_params(integer=True)
    fig.suptitle("The alliance network year by year (blocs = connected components)")
    peak = table.loc[table["blocs"].idxmax()]
    share_first = table.iloc[0]["largest_share"]
    share_last = table.iloc[-1]["largest_share"]

    def at(year):
        row = table[table["year"] == year]
        return None if row.empty else row.iloc[0]

    marks = [r for r in (at(1960), at(1995)) if r is not None]
    marked = "; ".join(f"in {int(r.year)}, {int(r.states)} allied states in {int(r.blocs)} blocs, "
                       f"the largest with {int(r.largest_bloc)}" for r in marks)
    return (
        f"Two line charts over the years {first} to {last}. Top: the number of states with at least one "
        f"alliance in force (solid line) and the number in the largest bloc (dashed line); bottom: the number "
        f"of blocs (connected components of the alliance network). The largest bloc holds "
        f"{share_first:.0%} of allied states in {first} and {share_last:.0%} in {last}; the number of blocs "
        f"peaks at {int(peak.blocs)} in {int(peak.year)}. " + (f"For comparison: {marked}." if marked else "")
    ).strip()


def bloc_timeline(members: pd.DataFrame | None = None, alliances: pd.DataFrame | None = None) -> StaticFigure:
    """Static figure: how the network's size and blocs change over the whole period of the data.

    With the course data (no arguments) only treaties that count as alliances are drawn (AUKUS is not)."""
    if members is None:
        from alliances.data import load

        members, alliances = load("alliance_members"), load("alliances")
    return StaticFigure(draw_bloc_timeline, title="Blocs over time", figsize=(8.0, 5.0), members=members,
                        alliances=alliances)


WIDGETS = (alliance_network,)
FIGURES = (bloc_timeline,)  # static figures: checked for clipped text too
