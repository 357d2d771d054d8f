"""Headless Chromium for the tests of pages the ledger produces (Debian's chromium,
installed when missing as root, like PostgreSQL; tests/system_packages.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests import system_packages

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
"""Without the background-networking flags Chromium keeps knocking on a closed network."""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    system_packages.apt_install("chromium", why="for the browser tests", quiet=True)
    found = shutil.which("chromium")
    if not found:
        raise system_packages.Missing("apt-get installed 'chromium' but it is not on PATH")
    return found


def _run(page: Path, scratch: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={scratch / 'profile'}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        stdin=subprocess.DEVNULL,
    )


def screenshot(page: Path, scratch: Path, width: int = 1000, height: int = 3000) -> Path:
    """The page as Chromium draws it, as a PNG."""
    target = scratch / f"{page.stem}.png"
    _run(page, scratch, f"--window-size={width},{height}", f"--screenshot={target}")
    return target


def dom(page: Path, scratch: Path) -> str:
    """The page's DOM after Chromium loaded it."""
    return _run(page, scratch, "--dump-dom").stdout
