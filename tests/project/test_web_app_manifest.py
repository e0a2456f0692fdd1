"""The built web app manifest (static/app/manifest.webmanifest) makes Slate installable, and its icons are real.

Per the W3C Web App Manifest and what Chromium asks to offer installation: name and short_name, start_url inside
scope, an id, display standalone, theme and background colours (the dark theme's), a 192 px and a 512 px PNG icon,
a maskable one; every icon exists at its stated size (read with Pillow), and index.html links the manifest, the
Apple touch icon (180 px) and the theme colour. The build is the one `make frontend` makes (rebuilt here when stale,
by the e2e suite's `built_app` fixture).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from PIL import Image

from tests.e2e.conftest import built_app  # noqa: F401  (the frontend built into static/app/, once per session)

APP = Path(__file__).resolve().parents[2] / "static" / "app"
MANIFEST_URL = "/static/app/manifest.webmanifest"
DARK_BODY = "#242424"  # Mantine's dark-7, the dark theme's body colour


def built_file(url: str) -> Path:
    """The file under static/app/ that a /static/app/ URL names (WhiteNoise serves the folder there)."""
    assert url.startswith("/static/app/"), f"{url} is not one of the app's files"
    return APP / url.removeprefix("/static/app/")


@pytest.fixture
def manifest(built_app: Path) -> dict:  # noqa: F811
    return json.loads(built_file(MANIFEST_URL).read_text())


def test_the_manifest_has_what_installation_needs(manifest):
    assert manifest["name"] == "Slate" and manifest["short_name"] == "Slate"
    assert manifest["description"]
    assert manifest["id"] == "/" and manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert urljoin(MANIFEST_URL, manifest["start_url"]).startswith(urljoin(MANIFEST_URL, manifest["scope"]))
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == DARK_BODY and manifest["background_color"] == DARK_BODY


def test_every_icon_exists_at_its_stated_size_with_192_512_and_maskable(manifest):
    seen = []
    for icon in manifest["icons"]:
        path = built_file(urljoin(MANIFEST_URL, icon["src"]))
        assert path.is_file(), f"{icon['src']} is not in the build"
        with Image.open(path) as image:
            assert image.format == "PNG" and icon["type"] == "image/png", icon
            width, height = (int(n) for n in icon["sizes"].split("x"))
            assert image.size == (width, height), f"{icon['src']} is {image.size}, the manifest says {icon['sizes']}"
        seen.append((width, icon.get("purpose", "any")))

    assert (192, "any") in seen and (512, "any") in seen
    assert any(purpose == "maskable" and size >= 512 for size, purpose in seen), seen


def test_the_maskable_icon_is_full_bleed_with_the_mark_inside_the_safe_zone(manifest):
    """Maskable: opaque to the edges, and nothing but background outside the central circle of 40 % radius."""
    icon = next(i for i in manifest["icons"] if i.get("purpose") == "maskable" and i["sizes"] == "512x512")
    with Image.open(built_file(urljoin(MANIFEST_URL, icon["src"]))) as image:
        rgba = image.convert("RGBA")
    size = rgba.width
    background = rgba.getpixel((0, 0))
    assert background[3] == 255, "a maskable icon has no transparent corners"
    centre, radius = (size - 1) / 2, 0.4 * size
    grid = [(x, y) for x in range(0, size, 4) for y in range(0, size, 4)]
    inside = [p for p in grid if (p[0] - centre) ** 2 + (p[1] - centre) ** 2 <= radius ** 2]
    assert all(rgba.getpixel(p) == background for p in set(grid) - set(inside))
    ink = sum(rgba.getpixel(p) != background for p in inside)
    assert ink > 0.15 * len(inside), f"the mark covers only {ink} of {len(inside)} sampled pixels of the safe zone"


def test_index_html_links_the_manifest_the_apple_touch_icon_and_the_theme_colour(built_app):  # noqa: F811
    html = built_app.read_text()

    assert f'<link rel="manifest" href="{MANIFEST_URL}"' in html
    assert f'<meta name="theme-color" content="{DARK_BODY}"' in html
    apple = re.search(r'<link rel="apple-touch-icon" sizes="180x180" href="([^"]+)"', html)
    assert apple, html
    with Image.open(built_file(apple.group(1))) as image:
        assert image.size == (180, 180) and image.format == "PNG"
        assert image.convert("RGBA").getextrema()[3] == (255, 255), "iOS shows transparency as black: the touch icon is opaque"
    favicon = re.search(r'<link rel="icon" type="image/png" sizes="32x32" href="([^"]+)"', html)
    assert favicon and built_file(favicon.group(1)).is_file()


def test_the_service_worker_is_built_with_the_shell_precached_and_the_push_handlers(built_app):  # noqa: F811
    """static/app/sw.js (served at /sw.js): Workbox's precache list names index.html and the hashed bundle, and the
    push and notificationclick handlers are in the same worker."""
    worker = built_file("/static/app/sw.js").read_text()
    entries = json.loads(re.search(r"(\[\{[^\]]*\"revision\"[^\]]*\])", worker).group(1))
    urls = {e["url"] for e in entries}
    bundle = re.search(r'src="/static/app/(assets/index-[^"]+\.js)"', built_app.read_text()).group(1)

    assert {"index.html", "manifest.webmanifest", "icon-192.png", bundle} <= urls, urls
    assert "sw.js" not in urls
    assert all(built_file("/static/app/" + url).is_file() for url in urls), urls
    for event in ("push", "notificationclick", "pushsubscriptionchange"):
        assert re.search(r"addEventListener\([\"'`]" + event + r"[\"'`]", worker), f"no {event} handler in sw.js"
