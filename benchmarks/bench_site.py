"""Measure the website as readers meet it: per chapter page, bytes transferred and load time in headless
Chromium (text served gzip-compressed, as static hosts do), the render-blocking resources, and Lighthouse performance/accessibility/best-practices scores
(median of 3 runs, mobile and desktop presets).

    python benchmarks/bench_site.py                 # builds the book into a temporary folder first
    python benchmarks/bench_site.py --site _build/html --runs 3

Needs Debian's Chromium (``apt-get install chromium``) and Node 20; Lighthouse 12.2.3 is installed by
npm into ``benchmarks/.lighthouse/`` (git-ignored) on first use. Every request to another host is
blocked in the Playwright measurements; the site needs none.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_DIR = Path(__file__).resolve().parent / ".lighthouse"
LIGHTHOUSE_VERSION = "12.2.3"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
                "--disable-component-update --disable-sync")


def chapter_pages() -> list[str]:
    from alliances.site.toc import chapters

    return [f"{name}.html" for name in chapters(ROOT)]


def build_site() -> Path:
    out = Path(tempfile.mkdtemp(prefix="alliances-bench-site-"))
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    subprocess.run([str(jupyter_book if jupyter_book.exists() else "jupyter-book"), "build", str(ROOT),
                    "--path-output", str(out), "-W", "-n", "--keep-going"], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, timeout=1800)
    return out / "_build" / "html"


COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".txt", ".ttf", ".map", ".ipynb")


@functools.lru_cache(maxsize=512)
def _gzipped(path: str, mtime: float) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, text gzip-compressed when the browser accepts it (as static hosts such as GitHub Pages do)."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.translate_path(self.path)
        if (path.endswith(COMPRESSIBLE) and os.path.isfile(path)
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            body = _gzipped(path, os.path.getmtime(path))
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(path))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


def serve(html: Path) -> tuple[socketserver.TCPServer, str]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(html)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


RENDER_BLOCKING_JS = """() => Array.from(document.head.querySelectorAll('script[src], link[rel=stylesheet]'))
  .filter(e => e.tagName === 'SCRIPT' ? !(e.async || e.defer || e.type === 'module')
                                      : !(e.media && e.media !== 'all' && !matchMedia(e.media).matches))
  .map(e => (e.src || e.href).replace(location.origin, '').replace(/\\?.*$/, ''))"""


def browser_measure(base: str, pages: list[str], runs: int) -> dict[str, dict]:
    """Bytes on the wire (encoded) at load and after reading to the end of the page (every lazily loaded
    figure fetched, no control touched), load time (navigation start to load event) and render-blocking files."""
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
        for path in pages:
            sizes, read, times, blocked = [], [], [], []
            for _ in range(runs):
                context = browser.new_context()  # cold cache each run
                page = context.new_page()
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else (blocked.append(r.request.url), r.abort()))
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                transferred = []
                cdp.on("Network.loadingFinished", lambda e: transferred.append(e["encodedDataLength"]))
                page.goto(base + path, wait_until="load")
                page.wait_for_load_state("networkidle")
                timing = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
                times.append(json.loads(timing)["loadEventEnd"])
                sizes.append(sum(transferred))
                blocking = page.evaluate(RENDER_BLOCKING_JS)
                for _step in range(60):  # read to the end: every lazily loaded figure arrives
                    if page.evaluate("window.scrollY + innerHeight >= document.body.scrollHeight - 2"):
                        break
                    page.evaluate("window.scrollBy(0, innerHeight)")
                    page.wait_for_timeout(50)
                page.wait_for_load_state("networkidle")
                read.append(sum(transferred))
                context.close()
            results[path] = {"kib": statistics.median(sizes) / 1024, "read_kib": statistics.median(read) / 1024,
                             "load_ms": statistics.median(times),
                             "render_blocking": blocking, "other_hosts": sorted(set(blocked))}
        browser.close()
    return results


def lighthouse_cli() -> Path:
    cli = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "i", "-E", f"lighthouse@{LIGHTHOUSE_VERSION}", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=LIGHTHOUSE_DIR, check=True, timeout=900)
    return cli


def lighthouse(url: str, preset: str, runs: int) -> dict[str, float]:
    """Median Lighthouse category scores (0-100) over ``runs`` runs."""
    cli = lighthouse_cli()
    scores: dict[str, list[float]] = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "report.json"
            command = ["node", str(cli), url, "--output=json", f"--output-path={report}", "--quiet",
                       "--only-categories=performance,accessibility,best-practices",
                       f"--chrome-flags={CHROME_FLAGS} --user-data-dir={tmp}/profile"]
            if preset == "desktop":
                command.append("--preset=desktop")
            subprocess.run(command, check=True, timeout=300, env={**os.environ, "CHROME_PATH": CHROMIUM},
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            data = json.loads(report.read_text())
        for key, category in data["categories"].items():
            if category["score"] is not None:
                scores.setdefault(key, []).append(100 * category["score"])
        for key in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time"):
            value = data["audits"].get(key, {}).get("numericValue")
            if value is not None:
                scores.setdefault(key, []).append(value)
    return {key: statistics.median(values) for key, values in scores.items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an html folder already built (default: build the book now)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args(argv)
    html = args.site.resolve() if args.site else build_site()
    server, base = serve(html)
    pages = chapter_pages()
    try:
        measured = browser_measure(base, pages, args.runs)
        print(f"{'page':38} {'KiB':>7} {'KiB read':>8} {'load ms':>8}  render-blocking resources")
        for path, m in measured.items():
            print(f"{path:38} {m['kib']:7.0f} {m['read_kib']:8.0f} {m['load_ms']:8.0f}  {', '.join(m['render_blocking'])}")
            if m["other_hosts"]:
                print(f"{'':38} requests to other hosts (blocked): {', '.join(m['other_hosts'])}")
        if args.no_lighthouse:
            return
        # One discarded run first: the first Lighthouse run after the local server and Node start is
        # consistently slower (cold caches on this machine, not the page), and would skew whichever page came first.
        lighthouse(base + pages[0], "mobile", 1)
        print(f"\nLighthouse {LIGHTHOUSE_VERSION}, median of {args.runs} (perf / a11y / best practices; FCP, LCP, TBT in ms)")
        for path in pages:
            for preset in ("mobile", "desktop"):
                s = lighthouse(base + path, preset, args.runs)
                print(f"{path:38} {preset:7} {s.get('performance', float('nan')):5.0f} {s.get('accessibility', float('nan')):5.0f} "
                      f"{s.get('best-practices', float('nan')):5.0f}   FCP {s.get('first-contentful-paint', 0):6.0f} "
                      f"LCP {s.get('largest-contentful-paint', 0):6.0f} TBT {s.get('total-blocking-time', 0):5.0f}", flush=True)
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
