"""Keep a failed notebook failed: re-read it on every build until it executes cleanly.

Sphinx re-reads only documents whose source changed, so after a build in which a notebook raised,
the next build would report success ("no targets are out of date") over the broken page. myst-nb
records each notebook's execution result in the environment; this extension marks every document
whose last execution did not succeed as outdated, so it is executed again and its error is raised
again (and fails a ``-W`` build) until it is fixed.
"""

from __future__ import annotations


def failed_notebooks(env) -> list[str]:
    """Docnames whose last recorded execution failed (and that still exist)."""
    from myst_nb.sphinx_ import NbMetadataCollector

    metadata = NbMetadataCollector.get_doc_data(env)
    return sorted(
        docname
        for docname, data in metadata.items()
        if docname in env.found_docs and (data.get("exec_data") or {}).get("succeeded") is False
    )


def _outdated(app, env, added, changed, removed) -> list[str]:
    return failed_notebooks(env)


def setup(app):
    app.connect("env-get-outdated", _outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
