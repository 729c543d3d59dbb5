"""The /stats chart: small bar charts drawn with Pillow (matplotlib would weigh more than the
bot). Labels are codes and numbers only (locales, delivery states), so the default font
suffices whatever the operator's language."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from bot.store.stats import Statistics

WIDTH = 900
BAR_HEIGHT = 26
GAP = 8
MARGIN = 24
LABEL_WIDTH = 170
COLOURS = {
    "sent": (46, 139, 87),
    "failed": (200, 50, 50),
    "pending": (230, 160, 30),
    "inflight": (90, 120, 200),
}
DEFAULT_COLOUR = (70, 110, 170)
MAX_BARS = 12


def stats_chart(stats: Statistics) -> bytes:
    """A PNG: subscribers by language, then deliveries by outcome for each window."""
    sections: list[tuple[str, dict[str, int]]] = [
        ("subscribers by language", dict(list(stats.subscribers_by_locale.items())[:MAX_BARS]))
    ]
    sections += [(f"deliveries, last {w.days} days", w.deliveries) for w in stats.windows]
    rows = sum(1 + max(len(values), 1) for _, values in sections)
    height = 2 * MARGIN + rows * (BAR_HEIGHT + GAP)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=18)
    y = MARGIN
    for title, values in sections:
        draw.text((MARGIN, y), title, fill="black", font=font)
        y += BAR_HEIGHT + GAP
        y = _bars(draw, font, values, y)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _bars(
    draw: ImageDraw.ImageDraw,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    values: dict[str, int],
    y: int,
) -> int:
    if not values:
        draw.text((MARGIN + LABEL_WIDTH, y), "0", fill="gray", font=font)
        return y + BAR_HEIGHT + GAP
    largest = max(values.values()) or 1
    room = WIDTH - 2 * MARGIN - LABEL_WIDTH - 80
    for key, count in values.items():
        draw.text((MARGIN, y + 2), key or "-", fill="black", font=font)
        length = max(2, round(room * count / largest))
        left = MARGIN + LABEL_WIDTH
        colour = COLOURS.get(key, DEFAULT_COLOUR)
        draw.rectangle((left, y, left + length, y + BAR_HEIGHT), fill=colour)
        draw.text((left + length + 8, y + 2), str(count), fill="black", font=font)
        y += BAR_HEIGHT + GAP
    return y
