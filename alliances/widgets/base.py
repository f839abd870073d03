"""The one widget pattern of the course: controls -> pure model -> redrawn figure + text summary.

A :class:`ModelView` holds ipywidgets controls and a ``draw(fig, **values) -> str`` function.
``draw`` calls a model, draws on a fresh matplotlib Figure and returns a sentence describing what
the figure shows; that sentence is the figure's alt text and is also printed under the figure, so
the view is usable with a screen reader. The figure is shown as a PNG ``Image`` widget, which keeps
the live view simple to test (the bytes change when the figure changes) and free of pyplot state.

On the static website there is no kernel, so the view also offers an HTML preview (the figure at
its default settings, its description and a note on how to run it live). ``_config.yml`` tells
myst-nb to prefer that preview to the widget's view, while JupyterLab shows the live widget.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg

from alliances.style import context, new_figure

Draw = Callable[..., str]

LIVE_NOTE = (
    "This is a static preview of an interactive figure. To move the controls "
    "({controls}), run this page live with the rocket button at the top of the page, "
    "or open the notebook in JupyterLab."
)


def _png(fig) -> bytes:
    """PNG bytes of a figure: one Agg draw, then a fast Pillow encode (no savefig round trip)."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    with context():
        canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    image = PIL.Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def _control_label(name: str, control: w.Widget) -> str:
    label = getattr(control, "description", "") or name
    value = getattr(control, "value", None)
    if isinstance(value, tuple | list):
        value = "–".join(str(v) for v in value)
    return f"{label} = {value}" if value is not None else label


class ModelView:
    """A live figure driven by ipywidgets controls.

    Parameters
    ----------
    draw:
        ``draw(fig, **values) -> str``: draws on ``fig`` and returns a one-paragraph description
        of what the figure shows (used as alt text and as the caption read by screen readers).
    controls:
        Mapping from the keyword ``draw`` expects to the ipywidgets control that sets it.
    title:
        Heading shown above the controls.
    figsize:
        Figure size in inches.
    layout:
        matplotlib layout engine; ``None`` when ``draw`` sets fixed margins (faster redraws).
    """

    def __init__(
        self,
        draw: Draw,
        controls: Mapping[str, w.ValueWidget] | None = None,
        *,
        title: str = "",
        figsize: tuple[float, float] = (7.0, 4.0),
        layout: str | None = "constrained",
    ) -> None:
        self._draw = draw
        self.controls: dict[str, w.ValueWidget] = dict(controls or {})
        self.title = title
        self.figsize = figsize
        self.image = w.Image(format="png", layout=w.Layout(max_width="100%"))
        self.caption = w.HTML()
        self.error = w.HTML()
        self.summary = ""
        self.png = b""
        self._figure = new_figure(figsize, layout)  # reused: keeps matplotlib's renderer and text-layout cache warm
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
            control.style = {"description_width": "initial"}
        self.refresh()

    @property
    def values(self) -> dict[str, Any]:
        """The current value of every control, by the keyword ``draw`` receives."""
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, _change=None) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute the model and redraw. A model error is shown as text, not raised."""
        fig = self._figure
        fig.clear()
        try:
            with context():
                self.summary = self._draw(fig, **self.values)
        except ValueError as exc:  # a model's own message about these settings
            self.error.value = f"<p role='alert'><strong>Cannot draw this setting:</strong> {html.escape(str(exc))}</p>"
            return
        self.error.value = ""
        self.png = _png(fig)
        self.image.value = self.png
        self.caption.value = f"<p class='figure-description'>{html.escape(self.summary)}</p>"

    def update(self, **values: Any) -> None:
        """Set controls by name (as a reader would) and redraw once per change."""
        for name, value in values.items():
            if name not in self.controls:
                raise KeyError(f"no control named {name!r}; controls are {sorted(self.controls)}")
            self.controls[name].value = value

    @property
    def widget(self) -> w.Widget:
        """The live view: title, controls, figure and its description."""
        parts: list[w.Widget] = []
        if self.title:
            parts.append(w.HTML(f"<strong>{html.escape(self.title)}</strong>"))
        if self.controls:
            parts.append(w.VBox(list(self.controls.values())))
        parts += [self.error, self.image, self.caption]
        return w.VBox(parts)

    def preview_html(self) -> str:
        """The static stand-in for the website: figure at current settings, description, note."""
        data = base64.b64encode(self.png).decode("ascii")
        alt = html.escape(self.summary, quote=True)
        note = ""
        if self.controls:
            listed = ", ".join(_control_label(n, c) for n, c in self.controls.items())
            note = f"<p class='widget-static-note'><em>{html.escape(LIVE_NOTE.format(controls=listed))}</em></p>"
        heading = f"<p><strong>{html.escape(self.title)}</strong></p>" if self.title else ""
        return (
            f"<figure class='course-figure'>{heading}"
            f"<img src='data:image/png;base64,{data}' alt='{alt}' style='max-width:100%'/>"
            f"<figcaption>{html.escape(self.summary)}</figcaption>{note}</figure>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Live widget for JupyterLab; for the website, the figure payload (``alliances.widgets.preview``);
        a self-contained HTML preview for other notebook viewers."""
        from alliances.widgets.preview import MIME, figure_payload

        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle[MIME] = figure_payload(self)
        bundle["text/html"] = self.preview_html()
        bundle["text/plain"] = f"{self.title or 'Figure'}: {self.summary}"
        return bundle


class StaticFigure(ModelView):
    """A figure with no controls, shown with its description as alt text (same pattern, no kernel needed)."""

    def __init__(self, draw: Draw, *, title: str = "", figsize=(7.0, 4.0), **fixed: Any) -> None:
        super().__init__(lambda fig: draw(fig, **fixed), None, title=title, figsize=figsize)

    def _repr_mimebundle_(self, include=None, exclude=None):
        from alliances.widgets.preview import MIME, figure_payload

        png = base64.b64encode(self.png).decode("ascii")
        return {MIME: figure_payload(self), "text/html": self.preview_html(), "image/png": png,
                "text/plain": self.summary}
