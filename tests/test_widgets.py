"""Sweep every control of every course widget through its range.

Each module in ``alliances.widgets`` lists its widget factories in ``WIDGETS``; this test finds
them all, so a new chapter's widget is tested as soon as it is listed. For every control it checks
that moving it away from its default changes the figure (a control that does nothing is a dead
control), that the model never raises, and that each state carries a description (alt text).
"""

from __future__ import annotations

import importlib
import pkgutil

import ipywidgets as w
import pytest

import alliances.widgets as widgets_pkg
from alliances.widgets import ModelView


def _factories():
    found = []
    for module_info in pkgutil.iter_modules(widgets_pkg.__path__):
        module = importlib.import_module(f"alliances.widgets.{module_info.name}")
        for factory in getattr(module, "WIDGETS", ()):
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


@pytest.mark.parametrize("factory", FACTORIES)
def test_every_control_changes_the_figure(factory):
    view = factory()
    assert isinstance(view, ModelView)
    assert view.png and view.summary.strip(), "the default state must draw a figure and describe it"
    assert not view.error.value, view.error.value
    assert view.controls, "an interactive widget needs at least one control"
    for name, control in view.controls.items():
        default_value, default_png = control.value, view.png
        changed = False
        for value in _sweep_values(control):
            view.update(**{name: value})
            assert not view.error.value, f"{name}={value!r}: {view.error.value}"
            assert view.summary.strip(), f"{name}={value!r}: no description"
            changed |= view.png != default_png
        assert changed, f"moving {name!r} away from {default_value!r} never changed the figure"
        view.update(**{name: default_value})


@pytest.mark.parametrize("factory", FACTORIES)
def test_static_preview_has_image_alt_text_and_live_note(factory):
    bundle = factory()._repr_mimebundle_()
    preview = bundle["text/html"]
    assert "data:image/png;base64," in preview
    assert "alt=''" not in preview and "alt='" in preview
    assert "static preview" in preview
    assert "application/vnd.jupyter.widget-view+json" in bundle
