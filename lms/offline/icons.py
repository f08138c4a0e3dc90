"""The installable app's icons, drawn from the same design as ``static/favicon.svg``.

The PNGs are committed under ``static/icons``; run ``python -m lms.offline.icons`` to draw
them again after changing the design. A "maskable" icon keeps the mark inside the central
safe zone, for launchers that cut icons into circles.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "static" / "icons"
SIZES = (72, 96, 128, 144, 152, 192, 384, 512)
APPLE_TOUCH = 180
BRAND = (0x1F, 0x4E, 0x8C, 255)
FOCUS = (0xFF, 0xBF, 0x47, 255)
WHITE = (255, 255, 255, 255)
SCALE = 4  # drawn larger, then reduced: smooth edges


def draw(size: int, *, maskable: bool = False) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), BRAND if maskable else (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    unit = big / 32 * (0.72 if maskable else 1)   # favicon.svg's 32-unit grid, shrunk into the safe zone
    origin = (big - 32 * unit) / 2
    if not maskable:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=6 * unit, fill=BRAND)

    def at(x: float, y: float) -> tuple[float, float]:
        return origin + x * unit, origin + y * unit

    width = round(3.5 * unit)
    for start, end in (((9, 8), (9, 24)), ((9, 16), (18, 16)), ((18, 8), (18, 24))):
        pen.line((at(*start), at(*end)), fill=WHITE, width=width)
        for x, y in (start, end):   # round caps, as the SVG's stroke-linecap
            cx, cy = at(x, y)
            pen.ellipse((cx - width / 2, cy - width / 2, cx + width / 2, cy + width / 2), fill=WHITE)
    cx, cy = at(24, 22)
    radius = 2.5 * unit
    pen.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=FOCUS)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        draw(size).save(ICONS / f"icon-{size}.png", optimize=True)
    draw(512, maskable=True).save(ICONS / "icon-maskable-512.png", optimize=True)
    draw(APPLE_TOUCH, maskable=True).convert("RGB").save(ICONS / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
