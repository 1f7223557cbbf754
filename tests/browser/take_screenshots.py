"""Save the README screenshots of the storefront from a running server with the demo data.

    SEATWISE_VAR_DIR=/tmp/sw-shot .venv/bin/python manage.py migrate
    SEATWISE_VAR_DIR=/tmp/sw-shot .venv/bin/python manage.py demo_data
    SEATWISE_VAR_DIR=/tmp/sw-shot .venv/bin/python manage.py runserver 127.0.0.1:8765
    .venv/bin/python tests/browser/take_screenshots.py http://127.0.0.1:8765

Writes docs/screenshots/storefront-desktop.png (1280x800) and storefront-phone.png
(390x844). Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = [
    ("storefront-desktop.png", {"width": 1280, "height": 800}),
    ("storefront-phone.png", {"width": 390, "height": 844}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8765")
    parser.add_argument("--path", default="/c/microsoft-365/", help="page to photograph")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    options = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=options.chromium, args=ARGS)
        for name, viewport in SHOTS:
            context = browser.new_context(viewport=viewport, locale="en-GB")
            page = context.new_page()
            page.goto(options.base_url.rstrip("/") + options.path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(OUT / name))
            context.close()
            print(OUT / name)
        browser.close()


if __name__ == "__main__":
    main()
