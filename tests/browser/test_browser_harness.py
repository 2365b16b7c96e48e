"""The browser harness works: Chromium fills and posts a form to a loopback aiohttp server,
text comes back escaped, screenshots are written as PNGs, and a CSP header is obeyed."""

from __future__ import annotations

import html
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest_asyncio
from aiohttp import web
from playwright.async_api import Page

from .harness import screenshot

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_FORM = """<!doctype html>
<html><head><meta charset="utf-8"><title>form</title></head>
<body><h1>Say something</h1>
<form method="post" action="/submit">
<label>Note <input name="note"></label>
<button type="submit">Send</button>
</form></body></html>
"""
_INLINE_SCRIPT = """<!doctype html>
<html><head><meta charset="utf-8"><title>untouched</title>
<script>document.title = "changed by an inline script";</script>
</head><body><p>inline script page</p></body></html>
"""
_NO_INLINE_SCRIPTS = "default-src 'none'; script-src 'none'"


@dataclass
class Site:
    """A tiny aiohttp site on loopback and the form values it has received."""

    base_url: str = ""
    received: list[str] = field(default_factory=list)


@pytest_asyncio.fixture(loop_scope="session")
async def site() -> AsyncIterator[Site]:
    """The form, its result page and the inline-script page (with and without a CSP)."""
    state = Site()

    async def form(_request: web.Request) -> web.Response:
        return web.Response(text=_FORM, content_type="text/html")

    async def submit(request: web.Request) -> web.Response:
        note = str((await request.post())["note"])
        state.received.append(note)
        body = f'<!doctype html><title>sent</title><p id="echo">{html.escape(note)}</p>'
        return web.Response(text=body, content_type="text/html")

    async def inline_script(request: web.Request) -> web.Response:
        response = web.Response(text=_INLINE_SCRIPT, content_type="text/html")
        if request.match_info["policy"] == "csp":
            response.headers["Content-Security-Policy"] = _NO_INLINE_SCRIPTS
        return response

    app = web.Application()
    app.router.add_get("/", form)
    app.router.add_post("/submit", submit)
    app.router.add_get("/inline/{policy:csp|open}", inline_script)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    state.base_url = f"http://{host}:{port}"
    try:
        yield state
    finally:
        await runner.cleanup()


def _png_width(data: bytes) -> int:
    assert data.startswith(_PNG_SIGNATURE), "not a PNG file"
    assert data[12:16] == b"IHDR"
    return int(struct.unpack(">I", data[16:20])[0])


async def test_form_post_comes_back_escaped(page: Page, site: Site) -> None:
    """A value typed into the form reaches the server as typed and is shown as text, not markup."""
    await page.goto(f"{site.base_url}/")
    await page.get_by_label("Note").fill("<b>x</b>")
    await page.get_by_role("button", name="Send").click()
    await page.wait_for_url(f"{site.base_url}/submit")

    assert site.received == ["<b>x</b>"]
    assert "<b>x</b>" in (await page.locator("#echo").text_content() or "")
    assert await page.locator("b").count() == 0


async def test_screenshots_at_desktop_and_phone_widths(page: Page, site: Site) -> None:
    """screenshot() writes a non-empty PNG as wide as the viewport, at 1280 and at 375 pixels."""
    await page.goto(f"{site.base_url}/")
    for width in (1280, 375):
        await page.set_viewport_size({"width": width, "height": 800})
        path = await screenshot(page, f"harness-form-{width}")
        data = path.read_bytes()
        assert path.suffix == ".png"
        assert len(data) > len(_PNG_SIGNATURE)
        assert _png_width(data) == width


async def test_csp_header_blocks_inline_script(page: Page, site: Site) -> None:
    """With ``script-src 'none'`` the inline script never runs; without a CSP it does."""
    await page.goto(f"{site.base_url}/inline/open")
    assert await page.title() == "changed by an inline script"

    await page.goto(f"{site.base_url}/inline/csp")
    assert await page.title() == "untouched"
