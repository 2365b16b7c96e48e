"""Where the browser tests find Chromium and where their screenshots go.

Both places are read once, at import, because the suite's autouse fixture clears every
``STANDUP_*`` variable before each test runs.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path

from playwright.async_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ENV = "STANDUP_CHROMIUM"
ARTIFACTS_ENV = "STANDUP_ARTIFACTS"
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
_CHOSEN_CHROMIUM = os.environ.get(CHROMIUM_ENV)
ARTIFACTS_DIR = Path(os.environ.get(ARTIFACTS_ENV) or REPO_ROOT / "artifacts" / "screenshots")
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def find_chromium() -> tuple[Path | None, str]:
    """The Chromium executable to drive, or None and the reason none was found.

    ``$STANDUP_CHROMIUM`` wins when set (a missing file there is not replaced by another
    browser); otherwise Debian's ``/usr/bin/chromium``, then ``chromium`` on ``PATH``.
    """
    if _CHOSEN_CHROMIUM:
        chosen = Path(_CHOSEN_CHROMIUM)
        if _is_executable(chosen):
            return chosen, ""
        return None, f"${CHROMIUM_ENV} names {chosen}, which is not an executable file"
    if _is_executable(DEBIAN_CHROMIUM):
        return DEBIAN_CHROMIUM, ""
    on_path = shutil.which("chromium")
    if on_path is not None:
        return Path(on_path), ""
    return None, (
        f"no Chromium: neither ${CHROMIUM_ENV}, {DEBIAN_CHROMIUM} nor `chromium` on PATH "
        "(apt-get install chromium)"
    )


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def runs_as_root() -> bool:
    """Chromium's sandbox refuses to start as root, so only root runs it with --no-sandbox."""
    return os.geteuid() == 0


async def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG of ``page`` as ``<artefacts>/<name>.png`` and return its path."""
    if not _SAFE_NAME.fullmatch(name):
        raise ValueError(f"screenshot name {name!r} is not a plain file name")
    await asyncio.to_thread(ARTIFACTS_DIR.mkdir, parents=True, exist_ok=True)
    path = ARTIFACTS_DIR / (name if name.endswith(".png") else f"{name}.png")
    await page.screenshot(path=path, full_page=True)
    return path
