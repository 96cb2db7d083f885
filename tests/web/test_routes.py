"""The console's pages as chunks: the public verification page fetches only its own code, the
members' pages are fetched when visited, and a page whose code cannot be fetched says so.

Which chunk holds which page comes from the build's manifest (web/dist/.vite/manifest.json)."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.web.conftest import CELLS, DIST


def _manifest() -> dict:
    return json.loads((DIST / ".vite" / "manifest.json").read_text())


def _closure(manifest: dict, keys: list[str]) -> set[str]:
    """The files of the chunks `keys` and of every chunk they import statically."""
    files, pending = set(), list(keys)
    while pending:
        chunk = manifest[pending.pop()]
        if chunk["file"] not in files:
            files.add(chunk["file"])
            pending.extend(chunk.get("imports", []))
    return files


def _record_scripts(page) -> list[str]:
    """The asset paths (`assets/…js`) of the scripts `page` requests from now on."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url.split("/", 3)[3])
            if request.resource_type == "script" else None)
    return requested


def test_verification_page_fetches_no_members_page_code(page, console_url):
    manifest = _manifest()
    entry = [key for key, chunk in manifest.items() if chunk.get("isEntry")]
    pages = [key for key, chunk in manifest.items() if chunk.get("isDynamicEntry")]
    members_only = _closure(manifest, pages) - _closure(manifest, entry)
    assert manifest["src/signin/page.ts"]["file"] in members_only  # the keystore decryption is in it
    requested = _record_scripts(page)
    page.goto(f"{console_url}/verify/{CELLS}")
    expect(page.get_by_test_id("chain-check")).to_have_class("card check ok")
    assert set(requested) == _closure(manifest, entry)
    assert not set(requested) & members_only


def test_members_page_is_fetched_when_the_reader_goes_there(page, console_url):
    directory = _manifest()["src/directory/page.ts"]["file"]
    page.goto(f"{console_url}/verify/{CELLS}")
    expect(page.get_by_test_id("chain-check")).to_be_visible()
    requested = _record_scripts(page)
    page.get_by_role("link", name="Directory").click()
    expect(page.locator("table.entities tbody tr").first).to_be_visible()
    assert directory in requested
    expect(page.locator("#main")).to_be_focused()  # as after any navigation: the reader is at the new content


def test_page_whose_code_cannot_be_fetched_says_so(page, console_url):
    governance = _manifest()["src/governance/page.ts"]["file"]
    page.route(f"**/{governance}", lambda route: route.abort("internetdisconnected"))
    page.goto(f"{console_url}/governance")
    expect(page.get_by_role("alert")).to_contain_text("This page could not be loaded")
    expect(page.get_by_role("button", name="Reload")).to_be_visible()


def test_verification_page_code_arrives_gzipped_and_cached_for_good(page, console_url):
    scripts = []
    page.on("response", lambda response: scripts.append(response) if response.request.resource_type == "script" else None)
    page.goto(f"{console_url}/verify/{CELLS}")
    expect(page.get_by_test_id("chain-check")).to_be_visible()
    assert scripts and {response.headers.get("content-encoding") for response in scripts} == {"gzip"}
    assert {response.headers["cache-control"] for response in scripts} == {"public, max-age=31536000, immutable"}
