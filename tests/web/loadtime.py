"""`make bench-web`: the built bundle's size, the JavaScript the verification page loads, and its
load times, written to reports/web-load.md. A first load is a fresh browser context (empty cache);
a cached load is the same context opening the page again. "Ready" is when the chain check is shown
(the page has fetched the deployment, read the contract and the logs, and folded the hash chain).
The scripts a page loads are the ones the browser requested, sized from web/dist (bytes on disk
and gzip -9), so a route split shows as the bytes a citizen's phone no longer fetches. Bytes on the
wire are what Chromium reports it received for each response (CDP's encodedDataLength: headers and
body as sent), so compression and caching by `pilotchain serve` show as the bytes a phone actually
downloads."""

from __future__ import annotations

import gzip
import statistics
import time

from playwright.sync_api import expect

from pilotchain.toolchain import ROOT
from tests.web.conftest import CELLS, DIST, PHONE

RUNS = 5
REPORT = ROOT / "reports" / "web-load.md"


def _load(page, url: str) -> tuple[float, float]:
    started = time.perf_counter()
    page.goto(url)
    loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    expect(page.get_by_test_id("chain-check")).to_be_visible()
    return loaded, (time.perf_counter() - started) * 1000


CONSOLE_FILES = ("Document", "Script", "Stylesheet")  # CDP resource types of the console's own files


def _scripts_loaded(browser, url: str) -> tuple[set[str], list[list], list[list]]:
    """The file names of the scripts a fresh browser requests to show `url` up to its chain check,
    and what came over the network for the first and a cached load: per response, its CDP resource
    type and the bytes Chromium received for it (headers and body as sent; 0 from the cache)."""
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    scripts: set[str] = set()
    page.on("request", lambda request: scripts.add(request.url.rsplit("/", 1)[-1])
            if request.resource_type == "script" else None)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    kinds: dict[str, str] = {}
    loads: list[list] = []
    cdp.on("Network.responseReceived", lambda event: kinds.__setitem__(event["requestId"], event["type"]))
    cdp.on("Network.loadingFinished", lambda event: loads[-1].append(
        (kinds.get(event["requestId"]), event["encodedDataLength"])))
    for _ in range(2):
        loads.append([])
        page.goto(url)
        expect(page.get_by_test_id("chain-check")).to_be_visible()
        page.wait_for_load_state("networkidle")  # every response has finished: its size is known
    context.close()
    return scripts, loads[0], loads[1]


def _wire_rows(label: str, received: list) -> list[str]:
    """Table rows of one load: the console's files, then the API's and the chain's answers."""
    rows = []
    for group, kinds in (("console files (HTML, JS, CSS)", CONSOLE_FILES), ("API and chain reads", ("Fetch", "XHR"))):
        sent = [size for kind, size in received if kind in kinds and size > 0]
        rows.append(f"| {label}: {group} | {len(sent)} | {sum(sent):,} B |")
    return rows


def test_measure_verification_page_load(browser, console_url):
    url = f"{console_url}/verify/{CELLS}"
    verify_scripts, first_wire, cached_wire = _scripts_loaded(browser, url)
    first, cached = [], []
    for _ in range(RUNS):
        context = browser.new_context(viewport=PHONE, locale="en-US")
        page = context.new_page()
        first.append(_load(page, url))
        cached.append(_load(page, url))
        context.close()
    assets = sorted(p for p in (DIST / "assets").iterdir() if p.suffix != ".gz")  # the build's own gzip: on the wire
    sizes = [(p.name, p.stat().st_size, len(gzip.compress(p.read_bytes(), 9))) for p in [DIST / "index.html", *assets]]
    rows = [f"| {name} | {raw / 1024:.1f} KiB | {gz / 1024:.1f} KiB |" for name, raw, gz in sizes]
    scripts = [size for size in sizes if size[0].endswith(".js")]
    loaded = [size for size in scripts if size[0] in verify_scripts]
    assert {name for name, _, _ in loaded} == verify_scripts, f"requested scripts not in web/dist: {verify_scripts}"
    js_row = lambda label, files: (f"| {label} | {len(files)} | {sum(r for _, r, _ in files):,} B "  # noqa: E731
                                   f"| {sum(g for _, _, g in files):,} B |")
    median = lambda values, i: statistics.median(v[i] for v in values)  # noqa: E731
    REPORT.write_text("\n".join([
        "# Web console: bundle and load times",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `make bench-web` (headless Chromium, "
        f"loopback, anvil + `pilotchain serve`; median of {RUNS}).",
        "",
        "| file | size | gzip -9 |", "|---|---|---|", *rows,
        f"| **total** | {sum(r for _, r, _ in sizes) / 1024:.1f} KiB | {sum(g for _, _, g in sizes) / 1024:.1f} KiB |",
        "",
        "| JavaScript | files | size | gzip -9 |", "|---|---|---|---|",
        js_row("loaded by /verify of a recalled lot (first load)", loaded),
        js_row("all of the build", scripts),
        "",
        "| /verify of a recalled lot, on the wire | responses over the network | bytes received |", "|---|---|---|",
        *_wire_rows("first load", first_wire),
        *_wire_rows("cached load", cached_wire),
        "",
        "| /verify of a recalled lot | load event | chain check shown |", "|---|---|---|",
        f"| first load (empty cache) | {median(first, 0):.0f} ms | {median(first, 1):.0f} ms |",
        f"| cached load | {median(cached, 0):.0f} ms | {median(cached, 1):.0f} ms |",
        "",
    ]))
    assert REPORT.stat().st_size > 0
