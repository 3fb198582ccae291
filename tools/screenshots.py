"""Screenshots of the example site for the README: laptop (1366x900) and phone (390x844) views of the home
page, a journey page (its map, and the map's overview), a department page and the backlog, written to
docs/screenshots/.

    python3 tools/screenshots.py              # build the example site into a temporary folder, then shoot
    python3 tools/screenshots.py --site site  # shoot an already built site

Uses Debian's Chromium (/usr/bin/chromium, or $JOURNEYS_CHROMIUM) through Playwright, as the browser tests do.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PAGES = {  # name -> (path, what to scroll into view first, or None)
    "home": ("", None),
    "journey": ("journeys/make-a-claim/", "#journey-map"),
    # the same map zoomed out to one screen, with a few lanes expanded (a linkable view)
    "journey-overview": (
        "journeys/make-a-claim/?lanes=description,feels,emotion,pain_points,opportunities&view=overview",
        "#journey-map",
    ),
    "department": ("departments/claims/", None),
    "backlog": ("backlog/", None),
}
VIEWPORTS = {"laptop": (1366, 900), "phone": (390, 844)}


def serve(site: Path, prefix: str) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path):
            clean = path.split("?", 1)[0].split("#", 1)[0]
            return super().translate_path("/" + clean[len(prefix) :] if clean.startswith(prefix) else "/\0")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}{prefix}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build the example into a temp folder)")
    parser.add_argument("--scheme", choices=("light", "dark"), default="light")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    site_url = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")).get("site_url") or "/"
    prefix = urlsplit(site_url).path.rstrip("/") + "/"
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
            subprocess.run(
                [sys.executable, "-m", "generator", "build", "--site-dir", str(site)], cwd=ROOT, env=env, check=True
            )
        httpd, base = serve(site.resolve(), prefix)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=os.environ.get("JOURNEYS_CHROMIUM", "/usr/bin/chromium"),
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            for device, (width, height) in VIEWPORTS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=args.scheme, reduced_motion="reduce"
                )
                page = context.new_page()
                for name, (path, anchor) in PAGES.items():
                    page.goto(base + path, wait_until="networkidle")
                    if anchor:
                        page.locator(anchor).evaluate(
                            "e => window.scrollTo(0, e.getBoundingClientRect().top + scrollY - 80)"
                        )
                        page.wait_for_timeout(200)
                    target = OUT / f"{device}-{name}.png"
                    page.screenshot(path=str(target))
                    print(f"wrote {target.relative_to(ROOT)}")
                context.close()
            browser.close()
        httpd.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
