"""Launch and repository buttons from one setting, ``repository.url`` in ``_config.yml``.

While it is empty the site shows no repository, Binder or Colab button (they would point nowhere
real); the download button (the chapter as ``.ipynb``, served by the site) always works. Once it
is set, the repository button and the Binder and Colab launch buttons appear; Binder reads
``runtime.txt`` (the Python version) and ``requirements.txt`` at the repository's root.
"""

from __future__ import annotations

LAUNCHERS = ("binderhub_url", "colab_url", "jupyterhub_url", "deepnote_url")


def repository_url(config) -> str:
    return str((config.html_theme_options or {}).get("repository_url") or "").strip()


def configure(app, config) -> None:
    options = dict(config.html_theme_options or {})
    if repository_url(config):
        options["use_repository_button"] = True
    else:
        options.pop("repository_url", None)
        options["use_repository_button"] = False
        options["use_edit_page_button"] = False
        options["use_issues_button"] = False
        launch = dict(options.get("launch_buttons") or {})
        for key in LAUNCHERS:
            launch.pop(key, None)
        launch["thebe"] = False
        options["launch_buttons"] = launch
    config.html_theme_options = options


def register(app) -> None:
    app.connect("config-inited", configure, priority=400)
