"""Slate's app icons: a clapperboard (slate) in the app's yellow on its dark theme, drawn with Pillow.

Writes into frontend/public/ (Vite copies them to static/app/, served at /static/app/):

- icon-192.png, icon-512.png   the web app manifest's "any" icons: a rounded dark square, transparent corners
                               (icon-192 is also the push notification's icon, frontend/src/push/sw-push.js)
- icon-maskable-192.png, icon-maskable-512.png
                               "maskable": full-bleed background, the mark inside the central 80 % circle that
                               every platform mask keeps (W3C Web App Manifest, "purpose" member; the safe zone
                               is a circle of 40 % of the icon's size in radius)
- apple-touch-icon.png         180×180, opaque (iOS rounds the corners itself and shows transparency as black)
- favicon-32.png               the browser tab's icon
- badge-96.png                 the notification badge: white on transparent (Android draws only its alpha)

Run after changing the drawing, and commit the PNGs: `.venv/bin/python frontend/scripts/app_icons.py`.
Each shape is drawn at 4× the size and scaled down (Lanczos), so the edges are anti-aliased and crisp.
"""
from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

PUBLIC = Path(__file__).resolve().parents[1] / "public"
BACKGROUND = (36, 36, 36, 255)   # Mantine's dark-7, the dark theme's body colour (the manifest's theme_color)
YELLOW = (250, 176, 5, 255)      # Mantine's yellow-6, the app's primary colour
WHITE = (255, 255, 255, 255)
WORK = 1024                      # the mark is drawn on a square of this many pixels, then scaled down
SUPERSAMPLE = 4


def _bar(length: int, height: int, stripes: int) -> Image.Image:
    """A clapstick: a bar `length` × `height` (an "L" mask) with slanted stripes cut out of it."""
    bar = Image.new("L", (length, height), 0)
    draw = ImageDraw.Draw(bar)
    draw.rounded_rectangle((0, 0, length - 1, height - 1), radius=height // 6, fill=255)
    pitch = length / stripes
    slant = height * 0.6
    for i in range(stripes):
        x = i * pitch + pitch * 0.5
        draw.polygon([(x + slant, 0), (x + slant + pitch / 2, 0), (x + pitch / 2, height), (x, height)], fill=0)
    return bar


def mark() -> Image.Image:
    """The clapperboard as an "L" mask (255 inside), cropped to its bounding box.

    The board (with the lines a slate is written in), the lower clapstick on it, and the upper clapstick
    opened by 16° about its hinge on the left.
    """
    mask = Image.new("L", (WORK, WORK), 0)
    left, right = 160, 864
    width = right - left
    bar_h = 104
    draw = ImageDraw.Draw(mask)
    # The board, with a slate's lines cut out of it (a row across, two cells below): still a slate at 32 px.
    board_top, board_bottom = 500, 900
    draw.rounded_rectangle((left, board_top, right, board_bottom), radius=40, fill=255)
    line = 32
    row = board_top + 150
    draw.rectangle((left + 60, row - line // 2, right - 60, row + line // 2), fill=0)
    mid = (left + right) // 2
    draw.rectangle((mid - line // 2, row, mid + line // 2, board_bottom - 60), fill=0)
    # The lower clapstick, on the board.
    lower_top = board_top - 24 - bar_h
    mask.paste(255, (left, lower_top), _bar(width, bar_h, 4))
    # The upper clapstick: the same bar turned 16° counter-clockwise about its lower-left corner, the hinge, which
    # sits just above the lower bar's left end. Turned with `expand`, that corner lands at (h·sin, w·sin + h·cos).
    angle = math.radians(16)
    upper = _bar(width, bar_h, 4).rotate(16, resample=Image.Resampling.BICUBIC, expand=True)
    hinge_x, hinge_y = left, lower_top - 24
    corner_x = round(bar_h * math.sin(angle))
    corner_y = round(width * math.sin(angle) + bar_h * math.cos(angle))
    placed = Image.new("L", (WORK, WORK), 0)
    placed.paste(upper, (hinge_x - corner_x, hinge_y - corner_y))
    mask = ImageChops.lighter(mask, placed)
    return mask.crop(mask.getbbox())


def _fit(shape: Image.Image, box: int) -> Image.Image:
    """`shape` scaled (Lanczos) to fit a square of `box` pixels, keeping its proportions."""
    scale = box / max(shape.size)
    return shape.resize((max(1, round(shape.width * scale)), max(1, round(shape.height * scale))), Image.Resampling.LANCZOS)


def icon(size: int, *, background: tuple | None, colour: tuple, fill: float, radius: float = 0.0) -> Image.Image:
    """A `size`-pixel square icon: `background` (None: transparent) with corners rounded by `radius` of the size,
    and the mark in `colour`, its longer side `fill` of the size, centred."""
    big = size * SUPERSAMPLE
    canvas = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    if background is not None:
        ImageDraw.Draw(canvas).rounded_rectangle((0, 0, big - 1, big - 1), radius=round(radius * big), fill=background)
    shape = _fit(mark(), round(fill * big))
    ink = Image.new("RGBA", shape.size, colour)
    ink.putalpha(shape)
    canvas.alpha_composite(ink, ((big - shape.width) // 2, (big - shape.height) // 2 + round(0.01 * big)))
    return canvas.resize((size, size), Image.Resampling.LANCZOS)


ICONS = {
    "icon-192.png": dict(size=192, background=BACKGROUND, colour=YELLOW, fill=0.70, radius=0.22),
    "icon-512.png": dict(size=512, background=BACKGROUND, colour=YELLOW, fill=0.70, radius=0.22),
    # Maskable: the mark's corners stay inside the safe circle (its half-diagonal below 40 % of the size).
    "icon-maskable-192.png": dict(size=192, background=BACKGROUND, colour=YELLOW, fill=0.54),
    "icon-maskable-512.png": dict(size=512, background=BACKGROUND, colour=YELLOW, fill=0.54),
    "apple-touch-icon.png": dict(size=180, background=BACKGROUND, colour=YELLOW, fill=0.68),
    "favicon-32.png": dict(size=32, background=BACKGROUND, colour=YELLOW, fill=0.80, radius=0.18),
    "badge-96.png": dict(size=96, background=None, colour=WHITE, fill=0.86),
}


def main() -> None:
    """Write every icon of ICONS into frontend/public/."""
    for name, spec in ICONS.items():
        icon(**spec).save(PUBLIC / name, optimize=True)
        print(f"wrote {PUBLIC / name}")


if __name__ == "__main__":
    main()
