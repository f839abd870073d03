"""Course figures on the website: a myst-nb mime renderer for ``alliances.widgets.preview.MIME``.

Each figure becomes image files (the current picture and one per control position, drawn when the
book was built), a ``<figure>`` with the picture (lazily loaded, with its description as alt text
and as a caption in an ``aria-live`` region) and, for a view with controls, labelled native inputs
that swap in the matching picture. The frames' index (a small JSON file) and the pictures are only
fetched when the reader moves a control. No widget runtime, no kernel.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import shutil
from pathlib import Path
from typing import Any

import PIL.Image
from docutils import nodes

from alliances.widgets.preview import MIME

FOLDER = "_images/frames"
HTML_BUILDERS = ("html", "dirhtml", "singlehtml")
STATIC_NOTE = (
    "This page shows pictures drawn when the book was built: move one control at a time through a few "
    "positions, the others staying at their starting values. To combine settings or choose any value, run "
    "the chapter live: the Live button at the top of the page opens it in JupyterLite (Python in your "
    "browser; the Python runtime, Pyodide, downloads from Pyodide's CDN when you open it), or download the "
    "notebook with the download button and open it in JupyterLab (the introduction says how)."
)


def _store(renderer, content: bytes, suffix: str) -> str:
    """Write ``content`` once under a name made from its hash; remember it for copying into the site."""
    name = hashlib.sha256(content).hexdigest()[:24] + suffix
    renderer.write_file(["_frames", name], content, overwrite=False, exists_ok=True)
    env = renderer.renderer.sphinx_env
    docname = env.docname
    if not hasattr(env, "alliances_frames"):
        env.alliances_frames = {}
    env.alliances_frames.setdefault(docname, set()).add(name)
    return name


def _size(png: bytes) -> tuple[int, int]:
    with PIL.Image.open(io.BytesIO(png)) as image:
        return image.size


def figure_html(payload: dict[str, Any], store, prefix: str) -> str:
    """The ``<figure>`` for one payload; ``store(bytes, suffix) -> file name``; ``prefix`` leads to the site root."""
    png = base64.b64decode(payload["png"])
    still = store(png, ".png")
    width, height = _size(png)
    key = hashlib.sha256(still.encode()).hexdigest()[:8]
    base = f"{prefix}{FOLDER}/"
    title = html.escape(payload.get("title") or "")
    alt = html.escape(payload.get("alt") or "", quote=True)
    parts = [f"<figure class='course-figure' id='figure-{key}'>"]
    if title:
        parts.append(f"<p class='course-figure-title'><strong>{title}</strong></p>")
    frames = payload.get("frames") or {}
    controls = [c for c in payload.get("controls", []) if c["name"] in frames]
    if controls:
        index = {name: [{"src": store(base64.b64decode(f["png"]), ".png"), "alt": f["alt"]} if "png" in f
                        else {"error": f["error"]} for f in items]
                 for name, items in frames.items()}
        index_file = store(json.dumps(index, sort_keys=True).encode(), ".json")
        parts.append(f"<div class='course-figure-controls' role='group' aria-label='Controls: {title or 'figure'}' "
                     f"data-frames='{base}{index_file}' data-base='{base}' hidden>")
        for control in controls:
            cid = f"figure-{key}-{control['name']}"
            label = html.escape(control["label"])
            current = control["current"]
            labels = control["positions"]
            if control["kind"] == "select":
                options = "".join(f"<option value='{i}'{' selected' if i == current else ''}>{html.escape(text)}</option>"
                                  for i, text in enumerate(labels))
                field = f"<select id='{cid}' name='{control['name']}' data-default='{current}'>{options}</select>"
            else:
                field = (f"<input type='range' id='{cid}' name='{control['name']}' min='0' max='{len(labels) - 1}' "
                         f"step='1' value='{current}' data-default='{current}' "
                         f"aria-valuetext='{html.escape(labels[current], quote=True)}' "
                         f"data-labels='{html.escape(json.dumps(labels), quote=True)}'/>"
                         f"<output for='{cid}'>{html.escape(labels[current])}</output>")
            parts.append(f"<div class='course-figure-control'><label for='{cid}'>{label}</label>{field}</div>")
        parts.append("<button type='button' class='course-figure-reset'>Back to the starting settings</button></div>")
    parts.append(f"<div class='course-figure-frame' tabindex='0' role='region' aria-label='Figure: {title or 'picture'}'>"
                 f"<img src='{base}{still}' alt='{alt}' width='{width}' height='{height}' loading='lazy' decoding='async'/>"
                 f"</div>")
    parts.append(f"<figcaption class='course-figure-description' aria-live='polite'>{html.escape(payload.get('alt') or '')}</figcaption>")
    if controls:
        parts.append(f"<p class='course-figure-note'>{html.escape(STATIC_NOTE)}</p>")
    parts.append("</figure>")
    return "".join(parts)


class FigureRenderer:
    """myst-nb mime render plugin: the course's figure payload becomes HTML on HTML builders."""

    mime_priority_overrides = [(builder, MIME, 1) for builder in HTML_BUILDERS]

    @staticmethod
    def handle_mime(renderer, data, inline: bool):
        if data.mime_type != MIME or inline:
            return None
        payload = data.content if isinstance(data.content, dict) else json.loads(data.content)
        docname = renderer.renderer.sphinx_env.docname
        prefix = "../" * docname.count("/")
        text = figure_html(payload, lambda content, suffix: _store(renderer, content, suffix), prefix)
        return [nodes.raw(text=text, format="html", classes=["output", "course-figure-output"])]


def register(app) -> None:
    """Make myst-nb use :class:`FigureRenderer` (its plugins are otherwise found through package entry points)."""
    from myst_nb.core import render

    plugins = render.load_mime_renders()  # a cached list: the same object on every call
    if FigureRenderer not in plugins:
        plugins.append(FigureRenderer)
    app.connect("env-purge-doc", lambda _app, env, docname: getattr(env, "alliances_frames", {}).pop(docname, None))
    app.connect("build-finished", copy_frames)


def copy_frames(app, exception) -> None:
    """Copy every frame a page refers to into the site (they were written beside myst-nb's outputs)."""
    if exception is not None or app.builder.format != "html":
        return
    source = Path(app.env.mystnb_config.output_folder) / "_frames"
    target = Path(app.outdir) / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for names in getattr(app.env, "alliances_frames", {}).values():
        for name in names:
            if not (target / name).exists():
                shutil.copyfile(source / name, target / name)
