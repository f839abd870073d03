"""Build-time frames of a :class:`~alliances.widgets.base.ModelView` for the static website.

A web page has no kernel, so the site shows each view at its current settings and, for every control,
a handful of positions with the other controls left where they are: the same one-control-at-a-time
moves the chapters' "Try this" steps ask for. :func:`figure_payload` is what ``ModelView`` hands the
website (mime type :data:`MIME`); the Sphinx side (``alliances.site.figures``) turns it into image
files, native inputs and a description. Frames are only drawn while the book is built
(:data:`FRAMES_ENV` is set by ``alliances.site``), so JupyterLab pays nothing for them.
"""

from __future__ import annotations

import base64
import io
import os
from typing import Any

import ipywidgets as w
import numpy as np
import PIL.Image

MIME = "application/vnd.alliances.figure+json"
FRAMES_ENV = "ALLIANCES_SITE_FRAMES"
MAX_POSITIONS = 5


def site_png(png: bytes) -> bytes:
    """The same picture as a palette PNG (a chart has few colours): about a third of the bytes."""
    image = PIL.Image.open(io.BytesIO(png)).convert("RGB")
    buffer = io.BytesIO()
    image.quantize(colors=256, method=PIL.Image.Quantize.FASTOCTREE).save(buffer, format="png", optimize=True)
    return buffer.getvalue()


def _label(value: Any, control: w.Widget) -> str:
    """The value as the live control's readout shows it."""
    if isinstance(control, w.Dropdown | w.Select | w.RadioButtons | w.ToggleButtons):
        for label, option in zip(control._options_labels, control._options_values):
            if option == value:
                return str(label)
    if isinstance(control, w.SelectMultiple):
        names = dict(zip(control._options_values, control._options_labels))
        return ", ".join(str(names.get(v, v)) for v in value) or "none"
    if isinstance(value, tuple | list):
        return "–".join(str(v) for v in value)
    if isinstance(control, w.FloatSlider):
        return format(value, control.readout_format or ".2f")
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _spread(low: float, high: float, step: float, count: int) -> list[float]:
    """``count`` values from low to high (both included), each on the control's step grid."""
    raw = np.linspace(low, high, count)
    snapped = [low + round((x - low) / step) * step for x in raw]
    return [float(min(max(x, low), high)) for x in snapped]


def positions(control: w.ValueWidget, limit: int = MAX_POSITIONS) -> list[Any]:
    """At most ``limit`` values a reader can choose for ``control``, in order; its current value is one of them."""
    current = control.value
    if isinstance(control, w.Dropdown | w.Select | w.RadioButtons | w.ToggleButtons):
        values = list(control._options_values)
        chosen = values[:limit]
        if current not in chosen:
            chosen = chosen[: limit - 1] + [current]
            chosen.sort(key=values.index)
        return chosen
    if isinstance(control, w.SelectMultiple):  # the current choice, then each option added or removed in turn
        values = list(control._options_values)
        chosen = [tuple(current)]
        for option in values:
            toggled = tuple(v for v in values if (v in current) != (v == option))
            if toggled and toggled not in chosen:
                chosen.append(toggled)
        return chosen[:limit]
    if isinstance(control, w.Checkbox | w.ToggleButton):
        return [False, True]
    if isinstance(control, w.IntRangeSlider | w.FloatRangeSlider):
        lo, hi = current
        width = hi - lo
        if width >= control.max - control.min:  # the whole span: show windows of half of it instead
            width = (control.max - control.min) // 2 if isinstance(control, w.IntRangeSlider) else (control.max - control.min) / 2
        starts = _spread(control.min, control.max - width, control.step, limit - 1)
        windows = [(type(lo)(s), type(lo)(s + width)) for s in starts]
        chosen = sorted(set(windows) | {tuple(current)})
        return chosen
    if isinstance(control, w.IntSlider | w.FloatSlider):
        count = min(limit, int(round((control.max - control.min) / control.step)) + 1)
        values = _spread(control.min, control.max, control.step, count)
        if isinstance(control, w.IntSlider):
            values = [int(round(v)) for v in values]
        nearest = min(range(len(values)), key=lambda i: abs(values[i] - current))
        values[nearest] = current  # the default is always a position, so "back to default" is exact
        return sorted(set(values))
    return [current]


def _frame(view, values: dict[str, Any]) -> dict[str, str]:
    """One picture of ``view`` at ``values``: base64 PNG and description, or the model's error."""
    from alliances.style import context
    from alliances.widgets.base import _png

    fig = view._figure
    fig.clear()
    try:
        with context():
            description = view._draw(fig, **values)
    except ValueError as exc:
        return {"error": f"Cannot draw this setting: {exc}"}
    return {"png": base64.b64encode(site_png(_png(fig))).decode("ascii"), "alt": description}


def figure_payload(view, *, frames: bool | None = None) -> dict[str, Any]:
    """What the website needs to show ``view``: title, picture, description and, when building, frames.

    Each control lists its positions (``value`` labels as the live readout shows them) and the
    index of its current value; ``frames[name][i]`` is the picture with that control at position i
    and every other control at its current value.
    """
    if frames is None:
        frames = bool(os.environ.get(FRAMES_ENV))
    payload: dict[str, Any] = {
        "title": view.title,
        "alt": view.summary,
        "png": base64.b64encode(site_png(view.png) if frames else view.png).decode("ascii"),
        "controls": [],
        "frames": {},
    }
    current = view.values
    for name, control in view.controls.items():
        choices = positions(control)
        payload["controls"].append({
            "name": name,
            "label": getattr(control, "description", "") or name,
            "kind": "select" if isinstance(control, w.Dropdown | w.Select | w.RadioButtons | w.ToggleButtons
                                           | w.SelectMultiple) else "range",
            "positions": [_label(v, control) for v in choices],
            "current": choices.index(current[name]) if current[name] in choices else 0,
        })
        if frames:
            payload["frames"][name] = [
                {"png": payload["png"], "alt": view.summary} if value == current[name]
                else _frame(view, {**current, name: value})
                for value in choices
            ]
    if frames and view.controls:
        view.refresh()  # the live view shows its own settings again
    return payload
