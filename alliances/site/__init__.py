"""Sphinx extension for the course website (listed in ``_config.yml`` under ``sphinx.extra_extensions``).

- :mod:`alliances.site.figures`: the course figures as image files with native controls (no widget runtime);
- :mod:`alliances.site.assets`: only the scripts a page needs, all served by the site;
- :mod:`alliances.site.math`: formulas as MathML written at build time (no MathJax);
- :mod:`alliances.site.icons`: the icon font cut down to the icons the site shows;
- :mod:`alliances.site.launch`: launch and download buttons only where they lead somewhere real;
- :mod:`alliances.site.markup`: ARIA-correct markup where docutils' falls short (bibliographies);
- :mod:`alliances.site.lite`: every chapter live in JupyterLite (jupyterlite-sphinx), with the course wheel.
"""

from __future__ import annotations

import os

from alliances.widgets.preview import FRAMES_ENV


def setup(app):
    from alliances.site import assets, figures, icons, launch, lite, markup, math

    os.environ[FRAMES_ENV] = "1"  # inherited by the kernels that execute the chapters: draw the frames
    figures.register(app)
    assets.register(app)
    math.register(app)
    icons.register(app)
    launch.register(app)
    markup.register(app)
    lite.register(app)
    return {"version": "1", "parallel_read_safe": False, "parallel_write_safe": True}
