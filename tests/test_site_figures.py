"""Build-time frames (alliances.widgets.preview) and their HTML (alliances.site.figures), without a browser."""

from __future__ import annotations

import base64
import importlib
import io
import json
import pkgutil
import re

import ipywidgets as w
import PIL.Image
import pytest

import alliances.widgets
from alliances.site.figures import figure_html
from alliances.widgets.base import ModelView
from alliances.widgets.preview import MAX_POSITIONS, MIME, figure_payload, positions


def on_grid(value, control) -> bool:
    steps = (value - control.min) / control.step
    return abs(steps - round(steps)) < 1e-9


@pytest.mark.parametrize("control", [
    w.FloatSlider(value=0.75, min=0.0, max=1.0, step=0.05),
    w.FloatSlider(value=1.0, min=0.25, max=4.0, step=0.25),
    w.FloatSlider(value=3.7, min=0.0, max=10.0, step=0.1),
    w.IntSlider(value=51, min=51, max=100),
    w.IntSlider(value=1950, min=1816, max=2024),
])
def test_slider_positions_span_the_range_on_its_grid_and_include_the_current_value(control):
    values = positions(control)
    assert 2 <= len(values) <= MAX_POSITIONS
    assert values == sorted(values) and len(set(values)) == len(values)
    assert values[0] == control.min and values[-1] == control.max
    assert control.value in values
    assert all(on_grid(v, control) for v in values)


def test_a_slider_with_three_settings_offers_all_three():
    assert positions(w.IntSlider(value=1, min=0, max=2)) == [0, 1, 2]


def test_dropdown_positions_keep_the_option_order_and_the_current_choice():
    options = [f"option {i}" for i in range(8)]
    control = w.Dropdown(options=options, value="option 6")
    values = positions(control)
    assert len(values) == MAX_POSITIONS and "option 6" in values
    assert values == sorted(values, key=options.index)
    assert positions(w.Dropdown(options=["a", "b"], value="b")) == ["a", "b"]


def test_range_slider_positions_are_windows_inside_the_bounds():
    control = w.IntRangeSlider(value=(1900, 2000), min=1900, max=2000)
    values = positions(control)
    assert (1900, 2000) in values and len(values) <= MAX_POSITIONS
    for lo, hi in values:
        assert 1900 <= lo < hi <= 2000


def _draw(fig, a, label):
    if a == 0:
        raise ValueError("a must not be 0")
    ax = fig.subplots()
    ax.bar([0], [a])
    ax.set_title(label)
    return f"One bar of height {a}, labelled {label}."


def _view():
    return ModelView(_draw, {"a": w.IntSlider(value=2, min=0, max=4, description="Height"),
                             "label": w.Dropdown(options=[("First", "x"), ("Second", "y")], value="x", description="Label")},
                     title="Test view", figsize=(3, 2))


def test_frames_hold_each_control_at_each_position_with_the_others_at_their_values():
    view = _view()
    payload = figure_payload(view, frames=True)
    assert [c["positions"] for c in payload["controls"]] == [["0", "1", "2", "3", "4"], ["First", "Second"]]
    assert [c["current"] for c in payload["controls"]] == [2, 0]
    heights = payload["frames"]["a"]
    assert "a must not be 0" in heights[0]["error"]
    assert [f["alt"] for f in heights[1:]] == [f"One bar of height {a}, labelled x." for a in (1, 2, 3, 4)]
    assert [f["alt"] for f in payload["frames"]["label"]] == ["One bar of height 2, labelled x.",
                                                               "One bar of height 2, labelled y."]
    different = {f["png"] for f in heights[1:]}
    assert len(different) == 4, "each position draws its own picture"
    for frame in heights[1:]:
        assert PIL.Image.open(io.BytesIO(base64.b64decode(frame["png"]))).format == "PNG"
    assert view.summary == "One bar of height 2, labelled x.", "the live view shows its own settings afterwards"


def test_without_the_build_flag_no_frames_are_drawn(monkeypatch):
    monkeypatch.delenv("ALLIANCES_SITE_FRAMES", raising=False)
    bundle = _view()._repr_mimebundle_()
    assert bundle[MIME]["frames"] == {} and bundle[MIME]["alt"] == "One bar of height 2, labelled x."
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_figure_html_has_labelled_native_controls_files_and_a_live_description():
    payload = figure_payload(_view(), frames=True)
    stored: dict[str, bytes] = {}

    def store(content: bytes, suffix: str) -> str:
        name = f"f{len(stored)}{suffix}"
        for known, data in stored.items():
            if data == content:
                return known
        stored[name] = content
        return name

    page = figure_html(payload, store, "../")
    ids = re.findall(r"<(?:input|select) [^>]*id='([^']+)'", page)
    assert len(ids) == 2 and all(f"<label for='{i}'>" in page for i in ids)
    assert re.search(r"<img src='\.\./_images/frames/f0\.png' alt='One bar of height 2, labelled x\.'[^>]*loading='lazy'", page)
    assert "aria-live='polite'" in page and "base64" not in page
    assert "hidden" in re.search(r"<div class='course-figure-controls'[^>]*>", page).group(0), "controls wait for the script"
    index_name = re.search(r"data-frames='\.\./_images/frames/([^']+)'", page).group(1)
    index = json.loads(stored[index_name])
    assert index["a"][0] == {"error": "Cannot draw this setting: a must not be 0"}
    assert index["a"][2]["src"] == "f0.png", "the starting position reuses the picture already on the page"
    assert len({e["src"] for e in index["a"][1:]} | {e["src"] for e in index["label"]}) == 5


def _all_widget_factories():
    for module in pkgutil.iter_modules(alliances.widgets.__path__):
        found = getattr(importlib.import_module(f"alliances.widgets.{module.name}"), "WIDGETS", ())
        yield from found


@pytest.mark.parametrize("factory", list(_all_widget_factories()), ids=lambda f: f.__name__)
def test_every_course_widget_gives_a_handful_of_described_frames_per_control(factory):
    view = factory()
    payload = figure_payload(view, frames=True)
    assert set(payload["frames"]) == set(view.controls)
    for name, frames in payload["frames"].items():
        assert 2 <= len(frames) <= MAX_POSITIONS, name
        for frame in frames:
            assert len(frame.get("alt", frame.get("error", ""))) > 20, (name, frame)
