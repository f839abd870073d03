"""Sweep every control of every course widget through its range.

Each module in ``alliances.widgets`` lists its widget factories in ``WIDGETS``; this test finds
them all, so a new chapter's widget is tested as soon as it is listed. For every control it checks
that moving it away from its default changes the figure (a control that does nothing is a dead
control), that the model never raises, that each state carries a description (alt text), that no
text of the figure falls outside the image, that no description claims a change between equal
values ("from 33% to 33%"), and that the median update stays within three times the course's
100 ms budget (a coarse guard; ``benchmarks/bench_course.py`` holds the real figures). It also checks
the layout rule every control gets from ``ModelView`` (a usable track, a full readout).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import statistics
import time

import ipywidgets as w
import pytest

import alliances.widgets as widgets_pkg
from matplotlib.text import Text

from alliances.widgets import ModelView


def _factories(listing: str = "WIDGETS"):
    found = []
    for module_info in pkgutil.iter_modules(widgets_pkg.__path__):
        module = importlib.import_module(f"alliances.widgets.{module_info.name}")
        for factory in getattr(module, listing, ()):
            found.append(pytest.param(factory, id=f"{module_info.name}.{factory.__name__}"))
    return found


MAX_OPTIONS = 6


def _sweep_values(control: w.ValueWidget) -> list:
    """Values a reader can reach with this control: ends and middle of a range, every option."""
    if isinstance(control, w.Checkbox | w.ToggleButton):
        return [not control.value]
    if hasattr(control, "options") and control.options:
        values = [opt[1] if isinstance(opt, tuple) else opt for opt in control.options]
        if isinstance(control, w.SelectMultiple):
            return [tuple(values[:1]), tuple(values)]
        others = [v for v in values if v != control.value]
        if len(others) > MAX_OPTIONS:  # long menus (e.g. every state): first, last and evenly spaced between
            step = (len(others) - 1) / (MAX_OPTIONS - 1)
            others = [others[round(i * step)] for i in range(MAX_OPTIONS)]
        return others
    if isinstance(control.value, tuple):  # range sliders
        lo, hi = control.min, control.max
        mid = type(lo)((lo + hi) / 2)
        return [(lo, mid), (mid, hi), (lo, hi)]
    if hasattr(control, "min") and hasattr(control, "max"):
        lo, hi = control.min, control.max
        mid = type(control.value)((lo + hi) / 2)
        return [v for v in (lo, mid, hi) if v != control.value]
    raise AssertionError(f"don't know how to sweep {type(control).__name__}; add it to _sweep_values")


FACTORIES = _factories()


def test_widgets_are_registered():
    assert FACTORIES, "no widget module lists WIDGETS"


UPDATE_BUDGET_S = 0.100
GUARD = 3  # fail only far beyond the budget: a busy machine must not trip it


def texts_outside_canvas(fig, tolerance: float = 1.0) -> list[str]:
    """Every drawn text (titles, labels, tick labels, annotations, legends) whose box leaves the image."""
    renderer = fig.canvas.get_renderer()
    width, height = fig.canvas.get_width_height()
    boxes = []
    tight = fig.get_tightbbox(renderer)  # everything drawn that takes part in layout (ticks, titles, legends), in inches
    if tight is not None:
        boxes.append(("figure contents", tight.transformed(fig.dpi_scale_trans)))
    texts = [*fig.texts, *(t for ax in fig.axes for t in ax.texts)]  # also those left out of the layout
    for text in texts:
        if text.get_visible() and text.get_text().strip():
            boxes.append((repr(text.get_text()[:40]), text.get_window_extent(renderer)))
    return [f"{label} at x {box.x0:.0f}..{box.x1:.0f}, y {box.y0:.0f}..{box.y1:.0f} of {width}x{height}"
            for label, box in boxes
            if box.x0 < -tolerance or box.y0 < -tolerance or box.x1 > width + tolerance or box.y1 > height + tolerance]


NO_CHANGE_CLAIM = re.compile(
    r"(?:rais|ris|fall|fell|lower|grow|grew|increas|decreas|climb|drop)\w*[^.;]*?\bfrom (-?[\d.,]+%?) to \1(?!\d|[.,]\d)")


def _shown_text(view) -> str:
    fig = view._figure
    texts = [t.get_text() for t in fig.findobj(lambda a: isinstance(a, Text))]
    return " ".join([view.summary, *texts])


@pytest.mark.parametrize("factory", FACTORIES)
def test_every_control_changes_the_figure(factory):
    view = factory()
    assert isinstance(view, ModelView)
    assert view.png and view.summary.strip(), "the default state must draw a figure and describe it"
    assert not view.error.value, view.error.value
    assert view.controls, "an interactive widget needs at least one control"
    seconds = []
    for name, control in view.controls.items():
        default_value, default_png = control.value, view.png
        changed = False
        for value in _sweep_values(control):
            start = time.process_time()
            view.update(**{name: value})
            seconds.append(time.process_time() - start)
            assert not view.error.value, f"{name}={value!r}: {view.error.value}"
            assert view.summary.strip(), f"{name}={value!r}: no description"
            changed |= view.png != default_png
            outside = texts_outside_canvas(view._figure)
            assert not outside, f"{name}={value!r}: text cut off at the image edge: {outside}"
            claim = NO_CHANGE_CLAIM.search(_shown_text(view))
            assert not claim, f"{name}={value!r}: claims a change between equal values: {claim.group(0)!r}"
        assert changed, f"moving {name!r} away from {default_value!r} never changed the figure"
        view.update(**{name: default_value})
    median = statistics.median(seconds)
    assert median <= GUARD * UPDATE_BUDGET_S, (
        f"median update {1000 * median:.0f} ms of CPU time exceeds {GUARD} x the {1000 * UPDATE_BUDGET_S:.0f} ms budget")


@pytest.mark.parametrize("factory", _factories("FIGURES"))
def test_static_figures_keep_their_text_inside(factory):
    view = factory()
    assert view.png and view.summary.strip()
    assert not texts_outside_canvas(view._figure), texts_outside_canvas(view._figure)


def test_no_change_claim_pattern():
    assert NO_CHANGE_CLAIM.search("Backing raises A's share from 33% to 33%")
    assert NO_CHANGE_CLAIM.search("the share rises from 0.5 to 0.5.")
    assert not NO_CHANGE_CLAIM.search("Backing raises A's share from 33% to 38%")
    assert not NO_CHANGE_CLAIM.search("rises from 3.3 to 3.35")
    assert not NO_CHANGE_CLAIM.search("Backing does not change A's share (33%)")


def _em(css: str) -> float:
    assert css.endswith("em"), f"expected a width in em, got {css!r}"
    return float(css[:-2])


@pytest.mark.parametrize("factory", FACTORIES)
def test_controls_have_a_usable_track_and_full_readout(factory):
    """The layout rule from ModelView, on every control: a fixed label column wide enough for the
    label (0.55 em a character is the average width of JupyterLab's sans-serif font), at least
    12 em (about 150 px) of track, a readout with room for its longest value, and only control
    types that JupyterLab operates from the keyboard (sliders: Tab, arrows, Page Up/Down, Home/End)."""
    view = factory()
    keyboard = (w.IntSlider, w.FloatSlider, w.IntRangeSlider, w.FloatRangeSlider, w.SelectionSlider,
                w.Dropdown, w.Checkbox, w.ToggleButtons, w.RadioButtons, w.SelectMultiple, w.Select)
    for name, control in view.controls.items():
        assert isinstance(control, keyboard), f"{name}: {type(control).__name__} is not known to be keyboard operable"
        assert not control.disabled, f"{name} is disabled"
        label = _em(control.style.description_width)
        assert label >= 0.55 * len(control.description), f"{name}: label {control.description!r} is cut at {label} em"
        total = _em(control.layout.width)
        assert control.layout.max_width == "100%", f"{name}: may overflow the notebook"
        readout = 0.0
        if hasattr(control, "readout"):
            assert control.readout, f"{name}: the slider's readout is hidden"
            fmt = getattr(control, "readout_format", "d")
            longest = max(len(format(v, fmt)) for v in (control.min, control.max))
            if isinstance(control.value, tuple):
                longest = 2 * longest + 3
            readout = 0.55 * longest
        track = total - label - readout
        assert track >= 12, f"{name}: only {track:.1f} em left for the track"


@pytest.mark.parametrize("factory", FACTORIES)
def test_static_preview_has_image_alt_text_and_live_note(factory):
    bundle = factory()._repr_mimebundle_()
    preview = bundle["text/html"]
    assert "data:image/png;base64," in preview
    assert "alt=''" not in preview and "alt='" in preview
    assert "static preview" in preview
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_a_view_displays_under_ipywidgets_7_too():
    """Google Colab ships ipywidgets 7, whose widgets have no ``_repr_mimebundle_``: the view builds the
    widget-view entry itself, in the form ipywidgets 7's ``_ipython_display_`` publishes (protocol 2.0)."""
    from alliances.widgets.base import _widget_bundle

    class Version7Widget:
        model_id = "0123abcd"

        def __repr__(self):
            return "VBox(children=())"

    bundle = _widget_bundle(Version7Widget(), None, None)
    assert bundle["application/vnd.jupyter.widget-view+json"] == {"version_major": 2, "version_minor": 0,
                                                                  "model_id": "0123abcd"}
    assert bundle["text/plain"] == "VBox(children=())"
    box = w.VBox()
    assert _widget_bundle(box, None, None)["application/vnd.jupyter.widget-view+json"]["model_id"] == box.model_id
