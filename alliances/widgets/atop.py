"""Views of ATOP's alliance pledges (``load("atop_dyad_years")``) for chapters 1 and 2.

* :func:`atop_network`: the network of states that shared a pledge of one kind in a chosen year,
  1815-2018, beside chapter 2's network of named treaties;
* :func:`pledged_pairs_over_time`: how many pairs of states shared each kind of pledge, per year.

ATOP's dyad-years say whether two states shared *some* alliance with a given obligation in a year,
not which treaty it was, so these views count pairs and draw pledges, never treaties.
"""

from __future__ import annotations

import functools
import math

import ipywidgets as w
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection

from alliances.codes import code_table
from alliances.data import load
from alliances.models.atop import pledge_graph, pledged_pairs_by_year
from alliances.style import CYCLE, PALETTE
from alliances.widgets.base import ModelView
from alliances.widgets.network import names_list, pack_blocs

SEED = 7  # fixed layout seed: the same year and obligation always give the same picture
LABELLED = 12  # the best-connected states are labelled with their COW abbreviation
OBLIGATION_LABELS = {"defence": "defence", "offence": "offence", "neutrality": "neutrality",
                     "non_aggression": "non-aggression", "consultation": "consultation"}


@functools.lru_cache(maxsize=1)
def _abbreviations() -> dict[int, str]:
    table = code_table()
    return dict(zip(table["ccode"].astype(int), table["abbreviation"].astype(str)))


def _label(ccode: int) -> str:
    return _abbreviations().get(int(ccode), str(ccode))


def _spring(sub: nx.Graph) -> dict:
    """A bloc's own layout: a spring layout with a fixed seed, at unit scale."""
    return nx.rescale_layout_dict(nx.spring_layout(sub, k=2.5 / math.sqrt(sub.number_of_nodes()), seed=SEED,
                                                   iterations=40), scale=1.0)


def _layout(graph: nx.Graph, blocs: list[set]) -> dict:
    """Each bloc laid out on its own (spring layout, fixed seed), blocs packed in rows, largest first."""
    return pack_blocs(blocs, graph, _spring, pad=0.3, gap=0.5, spread=1.6)


def _spaced(candidates, pos, limit, gap=0.45):
    """Up to ``limit`` nodes from ``candidates`` (in order) whose labels would not sit on each other."""
    chosen: list = []
    for node in candidates:
        x, y = pos[node]
        if all(abs(x - pos[c][0]) > gap or abs(y - pos[c][1]) > gap / 2 for c in chosen):
            chosen.append(node)
        if len(chosen) == limit:
            break
    return chosen


def draw_atop_network(fig, year, obligation="defence", *, dyads, cache=None) -> str:
    """The pledge network of ``year``: states as nodes, an edge for each pair sharing the pledge."""
    key = (int(year), obligation)
    if cache is not None and key in cache:
        graph, blocs, pos = cache[key]
    else:
        graph = pledge_graph(dyads, int(year), obligation)
        blocs = sorted(nx.connected_components(graph), key=lambda b: (-len(b), min(b)))
        pos = _layout(graph, blocs) if graph.number_of_nodes() else {}
        if cache is not None:
            cache[key] = (graph, blocs, pos)
    kind = OBLIGATION_LABELS[obligation]
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.93)
    ax = fig.subplots()
    ax.set_axis_off()
    if graph.number_of_nodes() == 0:
        ax.text(0.5, 0.5, f"No pair of states shared a {kind} pledge in {int(year)}", ha="center", va="center")
        return (f"In {int(year)} no pair of states shared a {kind} pledge in ATOP's dyad-years, so the network "
                f"is empty.")
    segments = [(pos[u], pos[v]) for u, v in graph.edges()]
    ax.add_collection(LineCollection(segments, colors=PALETTE["muted"], linewidths=0.5, alpha=0.5))
    degree = dict(graph.degree())
    colours = {node: CYCLE[i % len(CYCLE)] for i, bloc in enumerate(blocs) for node in bloc}
    nodes = sorted(graph.nodes())
    xy = np.array([pos[n] for n in nodes])
    ax.scatter(xy[:, 0], xy[:, 1], s=[12 + 2.5 * degree[n] for n in nodes], c=[colours[n] for n in nodes],
               edgecolors=PALETTE["ink"], linewidths=0.4, zorder=3)
    ranked = sorted(nodes, key=lambda n: (-degree[n], n))
    leaders = [min(bloc, key=lambda n: (-degree[n], n)) for bloc in blocs[:6]]
    small = len(nodes) <= 2 * LABELLED
    labelled = nodes if small else _spaced(leaders + [n for n in ranked if n not in leaders], pos, LABELLED)
    for node in labelled:
        ax.annotate(_label(node), pos[node], xytext=(3, 3), textcoords="offset points", fontsize=7, zorder=4)
    ax.autoscale_view()
    ax.set_aspect("equal", adjustable="datalim")
    largest = blocs[0]
    top = degree[ranked[0]]
    hubs = [n for n in ranked if degree[n] == top]
    ax.set_title(f"{int(year)}: {graph.number_of_nodes()} states, {graph.number_of_edges()} pairs sharing a "
                 f"{kind} pledge, {len(blocs)} bloc{'s' if len(blocs) != 1 else ''} (ATOP)", fontsize=10)
    return (
        f"Network of the {graph.number_of_nodes()} states that shared a {kind} pledge with at least one other "
        f"state in {int(year)}, from ATOP's dyad-years: {graph.number_of_edges()} pairs, in {len(blocs)} "
        f"bloc{'s' if len(blocs) != 1 else ''} (groups linked by chains of pledges). The largest bloc has "
        f"{len(largest)} states. The best-connected state{'s are' if len(hubs) > 1 else ' is'} "
        f"{names_list([_label(h) for h in hubs[:5]])}, with {top} partner{'s' if top != 1 else ''}. "
        + ("Every state is labelled with its COW abbreviation" if small else
           f"Labels (COW abbreviations) go to up to {LABELLED} well-connected states, the best-connected of the "
           f"largest blocs first")
        + "; colours mark blocs. ATOP records that a pair shared such a pledge, not which treaty made it."
    )


def atop_network(dyads: pd.DataFrame | None = None) -> ModelView:
    """Pick a year (1815-2018) and an obligation: the network of states that shared such a pledge."""
    dyads = load("atop_dyad_years") if dyads is None else dyads
    first, last = int(dyads["year"].min()), int(dyads["year"].max())
    cache: dict = {}

    def draw(fig, year, obligation):
        return draw_atop_network(fig, year, obligation, dyads=dyads, cache=cache)

    return ModelView(
        draw,
        {
            "year": w.IntSlider(value=min(max(1960, first), last), min=first, max=last, description="Year",
                                continuous_update=False),
            "obligation": w.Dropdown(options=[(v, k) for k, v in OBLIGATION_LABELS.items()], value="defence",
                                     description="Pledge"),
        },
        title="Alliance pledges between states, from ATOP (1815-2018)",
        figsize=(8.0, 5.6),
        layout=None,
    )


def draw_pledged_pairs(fig, obligation="defence", *, counts) -> str:
    """Pairs of states sharing a pledge of ``obligation`` each year, beside pairs sharing any alliance."""
    kind = OBLIGATION_LABELS[obligation]
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.12, top=0.91)
    ax = fig.subplots()
    years = counts.index.to_numpy()
    ax.plot(years, counts["any_pledge"], color=PALETTE["muted"], lw=1.2, label="pairs sharing any alliance")
    ax.plot(years, counts[obligation], color=PALETTE["primary"], lw=2, label=f"pairs sharing a {kind} pledge")
    ax.set(xlabel="Year", ylabel="Pairs of states", xlim=(years.min(), years.max()))
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    series = counts[obligation]
    peak_year = int(series.idxmax())
    share = series / counts["any_pledge"].where(counts["any_pledge"] > 0)
    ax.set_title(f"Pairs of states sharing a {kind} pledge, {years.min()}-{years.max()} (ATOP dyad-years)",
                 fontsize=10)
    marks = {y: int(series.loc[y]) for y in (1913, 1938, 1960, 1990) if y in series.index}
    marked = "; ".join(f"{y}: {v}" for y, v in marks.items())
    return (
        f"Line chart of the number of pairs of states that shared a {kind} pledge in each year from "
        f"{years.min()} to {years.max()}, from ATOP's dyad-years, beside the number of pairs sharing any "
        f"alliance. The count peaks at {int(series.max())} pairs in {peak_year} and stands at "
        f"{int(series.iloc[-1])} in {years.max()} ({marked}). In {years.max()}, "
        f"{share.iloc[-1]:.0%} of allied pairs shared a {kind} pledge. Pairs are counted once each; a "
        f"multilateral treaty with n members adds n(n-1)/2 pairs, so the count is not a count of treaties."
    )


def pledged_pairs_over_time(dyads: pd.DataFrame | None = None) -> ModelView:
    """Pick an obligation: how many pairs of states shared such a pledge in each year, 1815-2018."""
    counts = pledged_pairs_by_year(load("atop_dyad_years") if dyads is None else dyads)

    def draw(fig, obligation):
        return draw_pledged_pairs(fig, obligation, counts=counts)

    return ModelView(
        draw,
        {"obligation": w.Dropdown(options=[(v, k) for k, v in OBLIGATION_LABELS.items()], value="defence",
                                  description="Pledge")},
        title="Allied pairs by obligation, from ATOP (1815-2018)",
        figsize=(8.0, 4.2),
        layout=None,
    )


WIDGETS = (atop_network, pledged_pairs_over_time)
