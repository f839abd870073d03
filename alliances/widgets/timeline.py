"""The timeline page's view: the events table with filters that work on the static website.

The filters are plain HTML selects with labels; a few lines of script hide the rows that do not
match, so they work without a kernel, and without script the whole table is still there.
"""

from __future__ import annotations

import html

import pandas as pd

_SCRIPT = """
<script>
(function () {
  const box = document.currentScript.closest('.course-timeline');
  const selects = box.querySelectorAll('select');
  const status = box.querySelector('.timeline-status');
  function apply() {
    let shown = 0;
    box.querySelectorAll('tbody tr').forEach(function (row) {
      let ok = true;
      selects.forEach(function (s) {
        if (s.value && !(row.dataset[s.name] || '').split('|').includes(s.value)) { ok = false; }
      });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    status.textContent = shown + ' events shown';
  }
  selects.forEach(function (s) { s.addEventListener('change', apply); });
  apply();
})();
</script>
"""


def _select(name: str, label: str, values: list[str], uid: str) -> str:
    options = "".join(f"<option value='{html.escape(v, quote=True)}'>{html.escape(v)}</option>" for v in values)
    return (f"<label for='{uid}-{name}'>{html.escape(label)}</label> "
            f"<select id='{uid}-{name}' name='{name}'><option value=''>all</option>{options}</select>")


def timeline_html(events: pd.DataFrame, uid: str = "timeline") -> str:
    """An HTML table of ``timeline_events(...)`` with region, obligation and kind filters."""
    regions = sorted({r for r in events["region"] if r})
    obligations = sorted({o for value in events["obligations"] for o in value.split(", ") if o})
    kinds = sorted(set(events["kind"]))
    body = []
    for row in events.itertuples(index=False):
        when = row.date.strftime("%d %b %Y").lstrip("0") if pd.notna(row.date) else str(row.year)
        attrs = (f" data-region='{html.escape(row.region, quote=True)}'"
                 f" data-obligation='{html.escape('|'.join(row.obligations.split(', ')), quote=True)}'"
                 f" data-kind='{html.escape(row.kind, quote=True)}'")
        body.append(f"<tr{attrs}><td>{html.escape(when)}</td><td>{html.escape(row.alliance)}</td>"
                    f"<td>{html.escape(row.kind)}</td><td>{html.escape(row.event)}</td></tr>")
    filters = " ".join([
        _select("region", "Region", regions, uid),
        _select("obligation", "Obligation", obligations, uid),
        _select("kind", "Kind of event", kinds, uid),
    ])
    return (
        f"<div class='course-timeline'><p class='timeline-filters'>{filters}</p>"
        f"<p class='timeline-status' aria-live='polite'>{len(events)} events shown</p>"
        "<table><caption>Alliance events in the course's case tables, oldest first</caption>"
        "<thead><tr><th scope='col'>Date</th><th scope='col'>Alliance</th><th scope='col'>Kind</th>"
        f"<th scope='col'>Event</th></tr></thead><tbody>{''.join(body)}</tbody></table>{_SCRIPT}</div>"
    )
