"""Headless Debian Chromium as the browser tests (and scripts/bench_viz.py) start it: no
background networking, no first run, a fresh profile. Installed by `make test` (sysdeps)."""

from __future__ import annotations

import shutil
from pathlib import Path

CHROME_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1600,1000",
)


def chrome(profile: Path, *, logs: bool = False):
    """A selenium driver for Debian's chromium; `logs` records network and console events."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and chromedriver):
        raise RuntimeError("chromium and chromedriver are not installed: `make test` installs them from Debian")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (*CHROME_ARGS, f"--user-data-dir={profile}"):
        options.add_argument(arg)
    if logs:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(service=Service(chromedriver), options=options)
