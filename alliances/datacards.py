"""Markdown data cards generated from ``data/datapackage.json`` and the data themselves.

A card says what a dataset is, lists its columns (type, meaning, constraints), its coverage (rows
and date/year range computed from the data), its sources and its known disagreements and gaps.
Headings start at ``##`` (one per dataset) with ``###`` inside, and every link is written
``[title](url)`` so that the cards render cleanly in Jupyter Book / Sphinx.

    from alliances.datacards import show_datacard
    show_datacard("alliances")
"""

from __future__ import annotations

import pandas as pd

from alliances.data import _data_dir, _resource, load, resource_names

__all__ = ["datacard_markdown", "all_datacards_markdown", "show_datacard"]


def _cell(text) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _constraints(field: dict) -> str:
    cons = field.get("constraints", {})
    parts = []
    if cons.get("required"):
        parts.append("required")
    if "enum" in cons:
        parts.append("one of " + ", ".join(f"`{v}`" for v in cons["enum"]))
    if "minimum" in cons:
        parts.append(f"≥ {cons['minimum']}")
    if "maximum" in cons:
        parts.append(f"≤ {cons['maximum']}")
    if "pattern" in cons:
        parts.append(f"pattern `{cons['pattern']}`")
    return "; ".join(parts) or "—"


def _coverage(name: str, res: dict, frame: pd.DataFrame) -> list[str]:
    lines = [f"- Rows: {len(frame)}"]
    fields = res["schema"]["fields"]
    for field in fields:
        col = field["name"]
        values = frame[col].dropna()
        if values.empty:
            continue
        if field["type"] == "date":
            lines.append(f"- `{col}`: {values.min():%Y-%m-%d} to {values.max():%Y-%m-%d}")
        elif field["type"] == "integer" and ("year" in col):
            lines.append(f"- `{col}`: {int(values.min())} to {int(values.max())}")
    for key in ("alliance_id", "iso3", "release"):
        if key in frame.columns and name not in ("alliances",):
            distinct = frame[key].dropna().nunique()
            if distinct:
                lines.append(f"- Distinct `{key}` values: {distinct}")
    return lines


def datacard_markdown(name: str) -> str:
    """The Markdown data card of dataset ``name`` (DataError if there is no such dataset)."""
    res = _resource(name, str(_data_dir()))
    frame = load(name)
    out = [f"## {res.get('title', name)} (`{name}`)", "", res.get("description", ""), ""]
    out += ["### Columns", "", "| column | type | meaning | constraints |", "|---|---|---|---|"]
    for field in res["schema"]["fields"]:
        out.append(f"| `{field['name']}` | {field['type']} | {_cell(field.get('description', ''))} "
                   f"| {_cell(_constraints(field))} |")
    pk = res["schema"].get("primaryKey")
    if pk:
        pk = [pk] if isinstance(pk, str) else pk
        out += ["", "Primary key: " + ", ".join(f"`{c}`" for c in pk) + "."]
    fks = res["schema"].get("foreignKeys", [])
    if fks:
        refs = [f"`{fk['fields']}` → `{fk['reference']['resource']}.{fk['reference']['fields']}`" for fk in fks]
        out += ["", "Links: " + "; ".join(refs) + "."]
    out += ["", "### Coverage", ""] + _coverage(name, res, frame)
    order = res.get("x-order", [])
    if order:
        out += ["", "Ordering rules the loader enforces: " + "; ".join(f"`{a}` is not after `{b}`" for a, b in order) + "."]
    if res.get("version"):
        out += ["", f"Version: {res['version']}."]
    definitions = res.get("x-definitions", [])
    if definitions:
        out += ["", "### Definitions used", ""] + [f"- {d}" for d in definitions]
    caveats = res.get("x-caveats", [])
    if caveats:
        out += ["", "### Caveats", ""] + [f"- {c}" for c in caveats]
    out += ["", "### Sources", ""]
    used = sorted(set(frame["source"].dropna())) if "source" in frame.columns and name != "sources" else []
    producers = res.get("sources", []) if "source" not in frame.columns else []
    if producers:
        out.append("Cite the producers:")
        out.append("")
        out += [f"- [{_cell(p['title'])}]({p['path']})" if p.get("path") else f"- {_cell(p['title'])}" for p in producers]
    elif name == "sources":
        out.append("This table is itself the list of sources; each row gives publisher, title, year and address.")
    elif not used:
        out.append("No rows yet, so no sources.")
    else:
        src = load("sources").set_index("source_id")
        for sid in used:
            row = src.loc[sid]
            year = "n.d." if pd.isna(row["year"]) else int(row["year"])
            out.append(f"- {_cell(row['publisher'])} ({year}). [{_cell(row['title'])}]({row['url']}). "
                       f"Accessed {row['accessed']:%Y-%m-%d}. Source id `{sid}`.")
    disagreements = res.get("x-disagreements", [])
    out += ["", "### Known disagreements between sources", ""]
    out += [f"- {d}" for d in disagreements] if disagreements else ["- None recorded."]
    gaps = res.get("x-gaps", [])
    out += ["", "### Gaps (what could not be sourced)", ""]
    out += [f"- {g}" for g in gaps] if gaps else ["- None recorded."]
    if name == "alliance_members":
        out += _crosscheck_section(res)
    own = res.get("licenses")
    licences = [lic.get("title") or lic.get("name") for lic in (own or _package_licences())]
    if licences:
        label = "Terms of use" if own else "Licence of the compiled data"
        out += ["", f"{label}: {'; '.join(licences)}."]
    return "\n".join(out).rstrip() + "\n"


def _crosscheck_section(res: dict) -> list[str]:
    """The comparison of the hand-sourced memberships with ATOP's dyad-years, with explanations."""
    from alliances.codes import names
    from alliances.models.atop import crosscheck_members, main_obligation

    explained = res.get("x-atop-crosscheck", {})
    report = crosscheck_members(load("alliance_members"), load("atop_dyad_years"), main_obligation(load("alliances")))
    out = ["", "### Cross-check with ATOP 5.1", ""]
    if "_method" in explained:
        out += [explained["_method"], ""]
    summary = report.groupby(["alliance_id", "obligation"])[["pair_years", "atop_years", "missing_years"]].sum()
    out += ["| alliance | pledge compared | member pair-years | ATOP agrees | ATOP shows no pledge |", "|---|---|---|---|---|"]
    for (alliance, obligation), row in summary.iterrows():
        out.append(f"| `{alliance}` | {obligation} | {row['pair_years']} | {row['atop_years']} | {row['missing_years']} |")
    missing = report[report["missing_years"] > 0]
    if not missing.empty:
        out += ["", "Disagreements, pair by pair, and why:", ""]
        for alliance, group in missing.groupby("alliance_id"):
            pairs = ", ".join(f"{a}-{b} ({n} yr)" for a, b, n in zip(names(group["ccode1"]), names(group["ccode2"]),
                                                                    group["missing_years"]))
            out.append(f"- `{alliance}`: {_cell(pairs)}. {_cell(explained.get(alliance, 'NOT EXPLAINED.'))}")
    return out


def _package_licences() -> list[dict]:
    from alliances.data import _package

    return _package(str(_data_dir())).get("licenses", [])


def all_datacards_markdown() -> str:
    """Every dataset's card, in package order."""
    return "\n".join(datacard_markdown(name) for name in resource_names())


def show_datacard(name: str):
    """Display the card of ``name`` in a notebook (returns the IPython Markdown object)."""
    from IPython.display import Markdown, display

    card = Markdown(datacard_markdown(name))
    display(card)
    return None
