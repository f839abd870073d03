"""The one widget pattern of the course: controls -> pure model -> redrawn figure + text summary.

A :class:`ModelView` holds ipywidgets controls and a ``draw(fig, **values) -> str`` function.
``draw`` calls a model, draws on a cleared matplotlib Figure (one per view, reused so the renderer
and its text caches stay warm) and returns a sentence describing what the figure shows; that
sentence is the figure's alt text and is also printed under the figure, so the view is usable with a
screen reader. The figure is shown as a PNG ``Image`` widget at its pixel size, which keeps the live
view simple to test (the bytes change when the figure changes) and free of pyplot state: nothing
here selects a matplotlib backend. Every control gets the same layout (:func:`lay_out_controls`).

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
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from alliances.style import context, new_figure

Draw = Callable[..., str]

LIVE_NOTE = (
    "This is a static preview of an interactive figure. To move the controls "
    "({controls}), run this page live with the rocket button at the top of the page, "
    "or open the notebook in JupyterLab."
)


def _font_heights(dpi: float) -> Callable:
    """The line-height metrics of a font, looked up once per font in a draw.

    matplotlib 3.11 looks up the font file and reads its tables again each time it lays out a text
    (several times per text and draw); it asks the renderer first when the renderer offers
    ``_get_font_height_metrics``. This answers from the same tables, by the same formula.
    """
    from matplotlib.font_manager import fontManager, get_font

    found: dict[int, tuple] = {}

    def metrics(prop):
        key = hash(prop)  # FontProperties hash and compare by all their values
        if key not in found:
            found[key] = (None, None, None)  # no table: matplotlib measures the text instead
            font = get_font(fontManager._find_fonts_by_props(prop))
            for name, gap, ascent, descent in (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                                               ("hhea", "lineGap", "ascent", "descent")):
                table = font.get_sfnt_table(name)
                if table is None:
                    continue
                scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * dpi / 72
                found[key] = (table[ascent] * scale, -table[descent] * scale, table[gap] * scale)
                break
        return found[key]

    return metrics


def _png(fig) -> bytes:
    """PNG bytes of a figure: one Agg draw, then a fast Pillow encode (no savefig round trip)."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    with context():
        canvas.get_renderer()._get_font_height_metrics = _font_heights(fig.dpi)  # fresh per draw: rc may change
        canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    image = PIL.Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def _inner_texts_out_of_layout(fig) -> None:
    """Leave texts anchored inside an axes (cell values, node labels) out of the layout engine.

    Constrained layout measures every text child of every axes to size the margins; texts that sit
    inside the plotting area cannot need a margin, and measuring them was most of a redraw.
    """
    if fig.get_layout_engine() is None:
        return
    for ax in fig.axes:
        if not ax.texts:
            continue
        to_axes = ax.transAxes.inverted()
        for text in ax.texts:
            if isinstance(text, Annotation):
                if text.xycoords != "data":
                    continue
                anchor = ax.transData.transform(text.xy)
            else:
                anchor = text.get_transform().transform(text.get_unitless_position())
            x, y = to_axes.transform(anchor)
            if 0.0 <= x <= 1.0 and 0.0 <= y <= 1.0:
                text.set_in_layout(False)


CHAR_EM = 0.6  # a generous average character width of JupyterLab's widget font, in em
TRACK_EM = 14.0  # the slider's track (or a dropdown's box): about 180 px at JupyterLab's 13 px font


def _readout_text(control: w.Widget) -> str:
    """The longest text the slider's readout can show (its value at the range's ends)."""
    fmt = getattr(control, "readout_format", "d") or "d"

    def one(x):
        try:
            return format(x, fmt)
        except (TypeError, ValueError):
            return str(x)

    ends = [one(control.min), one(control.max)]
    if isinstance(control.value, tuple):
        return f"{ends[1]} – {ends[1]}"
    return max(ends, key=len)


def lay_out_controls(controls) -> None:
    """One layout rule for every control of a view: a label column as wide as its longest label,
    then a full-width track or box, then the whole readout.

    ipywidgets gives a slider 300 px in all, so a long label squeezed the track to nothing and cut
    the readout. Here each control is wide enough for all three (the row shrinks only if the
    notebook is narrower), the labels of one view line up, and none is cut.
    """
    controls = list(controls)
    label_em = max((len(getattr(c, "description", "") or "") for c in controls), default=0) * CHAR_EM
    label_em = float(int(label_em) + 1) if label_em else 0.0
    readout_em = 0.0
    for control in controls:
        if hasattr(control, "readout") and hasattr(control, "min"):
            control.readout = True
            readout_em = max(readout_em, len(_readout_text(control)) * CHAR_EM + 1.0)
    width = label_em + TRACK_EM + readout_em + 1.0
    for control in controls:
        control.style.description_width = f"{label_em:g}em"
        control.layout.width = f"{width:g}em"
        control.layout.max_width = "100%"


def retained(fig, key: Any, build: Callable[[Any], Any]) -> Any:
    """Artists that ``draw`` builds once and then updates in place, for as long as ``key`` (what
    fixes their number and arrangement) stays the same; a new key clears the figure and rebuilds.

    Creating axes, ticks and texts is a large part of a redraw, so a view whose artists stay the
    same from one setting to the next keeps them (``build(fig)`` returns them) and only changes their
    data. While a figure holds retained artists :class:`ModelView` does not clear it before ``draw``.
    A ``draw`` that does not call this is unaffected: its figure is cleared on every redraw. A figure
    cleared by other code (its axes gone) is rebuilt too.
    """
    state = getattr(fig, "_retained", None)
    if state is None or state[0] != key or state[2] != fig.axes:
        fig.clear()
        built = build(fig)
        state = (key, built, list(fig.axes))
        fig._retained = state
    return state[1]


def clear_data(*axes) -> None:
    """Remove what each axes shows (lines, patches, collections, texts, images, legend) but keep the
    axes with its ticks, scales and labels, and let it autoscale afresh on the data added next.

    For a retained axes whose content changes with the controls: making ticks is the costly part of
    a new axes, and this keeps them. Settings made once in ``build`` (scale, grid) stay.
    """
    for ax in axes:
        for artist in [*ax.lines, *ax.patches, *ax.collections, *ax.texts, *ax.images, *ax.tables, *ax.artists]:
            artist.remove()
        if ax.legend_ is not None:
            ax.legend_.remove()
        ax.containers.clear()
        ax.dataLim = Bbox.null()
        ax.ignore_existing_data_limits = True
        ax.set_autoscale_on(True)
        ax.set_prop_cycle(None)


def fixed_titles(*axes) -> None:
    """Keep each axes' title at the top of the axes instead of checking, on every draw, whether top
    tick labels or a y offset text push it up (a check that measures every y tick label). Only for
    axes that have neither, so the title lands where the check would have put it."""
    for ax in axes:
        ax.set_title(ax.get_title(), y=1.0)


def forget_retained(fig) -> None:
    """Drop retained artists and clear the figure (for a ``draw`` branch that draws from scratch)."""
    fig._retained = None
    fig.clear()


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
        self.image = w.Image(format="png", layout=w.Layout(max_width="100%", height="auto"))
        self.caption = w.HTML()
        self.error = w.HTML()
        self.summary = ""
        self.png = b""
        self._figure = new_figure(figsize, layout)  # reused: keeps matplotlib's renderer and text-layout cache warm
        lay_out_controls(self.controls.values())
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
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
        if not getattr(fig, "_retained", None):
            fig.clear()
        try:
            with context():
                self.summary = self._draw(fig, **self.values)
            if self.controls:  # a live view redraws often; a static figure is drawn once, fully laid out
                _inner_texts_out_of_layout(fig)
        except ValueError as exc:  # a model's own message about these settings
            fig._retained = None  # a half-updated figure is rebuilt next time
            self.error.value = f"<p role='alert'><strong>Cannot draw this setting:</strong> {html.escape(str(exc))}</p>"
            return
        self.error.value = ""
        self.png = _png(fig)
        self.image.value = self.png
        width, _ = fig.canvas.get_width_height(physical=True)
        self.image.layout.width = f"{width}px"  # shown at its pixel size (scaled down only to fit), never stretched
        self.caption.value = f"<p class='figure-description'>{html.escape(self.summary)}</p>"

    def update(self, **values: Any) -> None:
        """Set controls by name (as a reader would) and redraw once per change."""
        for name, value in values.items():
            if name not in self.controls:
                raise KeyError(f"no control named {name!r}; controls are {sorted(self.controls)}")
            self.controls[name].value = value

    def close(self) -> None:
        """Close the view's ipywidgets (which the kernel otherwise keeps alive) and drop its figure's artists."""
        for part in (*self.controls.values(), self.image, self.caption, self.error):
            part.close()
        forget_retained(self._figure)

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

        bundle = _widget_bundle(self.widget, include, exclude)
        bundle[MIME] = figure_payload(self)
        bundle["text/html"] = self.preview_html()
        bundle["text/plain"] = f"{self.title or 'Figure'}: {self.summary}"
        return bundle


def _widget_bundle(widget, include, exclude) -> dict:
    """The widget's own display data. ipywidgets 8 gives it through ``_repr_mimebundle_``; ipywidgets 7
    (still the version Google Colab ships) only displays itself, so its widget-view entry is built
    here, in the form ipywidgets 7 publishes (protocol 2.0)."""
    own = getattr(widget, "_repr_mimebundle_", None)
    if own is not None:
        return own(include=include, exclude=exclude) or {}
    return {"text/plain": repr(widget),
            "application/vnd.jupyter.widget-view+json": {"version_major": 2, "version_minor": 0,
                                                          "model_id": widget.model_id}}


class StaticFigure(ModelView):
    """A figure with no controls, shown with its description as alt text (same pattern, no kernel needed)."""

    def __init__(self, draw: Draw, *, title: str = "", figsize=(7.0, 4.0), **fixed: Any) -> None:
        super().__init__(lambda fig: draw(fig, **fixed), None, title=title, figsize=figsize)

    def _repr_mimebundle_(self, include=None, exclude=None):
        from alliances.widgets.preview import MIME, figure_payload

        png = base64.b64encode(self.png).decode("ascii")
        return {MIME: figure_payload(self), "text/html": self.preview_html(), "image/png": png,
                "text/plain": self.summary}


def trend(start: float, end: float, fmt: str = "{:.1%}", up: str = "rises", down: str = "falls") -> str:
    """'rises from A to B', 'falls from A to B' or 'stays at A', judged on the values as printed,
    so a description never claims a change between two equal-looking numbers."""
    first, last = fmt.format(start), fmt.format(end)
    if first == last:
        return f"stays at {first}"
    return f"{up if end > start else down} from {first} to {last}"
