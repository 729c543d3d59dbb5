"""Invite posters: a printable PNG with a QR code that opens the bot, preset to a language and
a province (`alertbot invite`, and /invite in chat).

The QR code is drawn module by module at a known place (`qr_geometry`), centred under the
text, so a test can regenerate the code from the link and compare it with the picture. Text
is set with a font that has the locale's letters; those are looked up by file name in the
usual font folders (Debian's fonts-noto-core has them all), and `--font` names one directly.
Without a suitable font the poster is refused with `NoFontError`, rather than printed with
empty boxes.
"""

from __future__ import annotations

import asyncio
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import segno
from PIL import Image, ImageDraw, ImageFont

from bot.chat import words
from bot.errors import AlertBotError

if TYPE_CHECKING:
    from bot.config import Settings

WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dots per inch
MARGIN = 90
QR_TOP = 680
QR_WIDTH = 760  # at most; the module size is a whole number of pixels
QR_BORDER = 4  # modules of white around the code, as the standard asks
QR_ERROR = "m"
BAND = (196, 30, 58)
INK = (25, 25, 25)

FONT_FOLDERS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
    Path.home() / ".local/share/fonts",
)
_LATIN = ("NotoSans-{w}.ttf", "DejaVuSans{dw}.ttf", "LiberationSans-{w}.ttf")
FONT_FILES: dict[str, tuple[str, ...]] = {
    "vi": _LATIN,
    "en": _LATIN,
    "id": _LATIN,
    "fr": _LATIN,
    "km": ("NotoSansKhmer-{w}.ttf", "NotoSerifKhmer-{w}.ttf", "KhmerOS.ttf"),
    "th": ("NotoSansThai-{w}.ttf", "NotoSansThaiLooped-{w}.ttf", "Loma.ttf", "Garuda.ttf"),
    "lo": ("NotoSansLao-{w}.ttf", "NotoSerifLao-{w}.ttf", "Phetsarath_OT.ttf"),
    "my": ("NotoSansMyanmar-{w}.ttf", "Padauk-{w}.ttf", "Padauk.ttf"),
    "zh": ("NotoSansCJK-{w}.ttc", "NotoSansSC-{w}.otf", "wqy-zenhei.ttc", "wqy-microhei.ttc"),
    "ko": ("NotoSansCJK-{w}.ttc", "NotoSansKR-{w}.otf", "NanumGothic.ttf", "UnDotum.ttf"),
}
_MONO = ("NotoSansMono-Regular.ttf", "DejaVuSansMono.ttf", "LiberationMono-Regular.ttf")


class NoFontError(AlertBotError):
    """No installed font has this language's letters."""


@dataclass(frozen=True, slots=True)
class PosterText:
    headline: str
    body: str
    link: str


@dataclass(frozen=True, slots=True)
class QrGeometry:
    """Where the code is on the poster: its top-left corner, module size and modules a side."""

    left: int
    top: int
    module: int
    modules: int  # including the quiet border


def poster_text(translations: Any, link: str) -> PosterText:
    """The poster's words in one language (`translations`: the locale's gettext catalog)."""
    return PosterText(
        headline=str(translations.gettext(words.POSTER_HEADLINE)),
        body=str(translations.gettext(words.POSTER_BODY)),
        link=link,
    )


def qr_code(link: str) -> segno.QRCode:
    return segno.make(link, error=QR_ERROR, micro=False)


def qr_geometry(link: str) -> QrGeometry:
    modules = int(qr_code(link).symbol_size(scale=1, border=QR_BORDER)[0])
    module = QR_WIDTH // modules
    return QrGeometry((WIDTH - modules * module) // 2, QR_TOP, module, modules)


def draw_poster(text: PosterText, locale: str, *, font: Path | None = None) -> bytes:
    """The poster as PNG bytes; `NoFontError` when the locale's letters cannot be set."""
    words_shown = text.headline + text.body
    regular = font or find_font(locale, "Regular", words_shown)
    bold = font or find_font(locale, "Bold", words_shown) or regular
    mono = find_font_file(_MONO, text.link) or regular
    if regular is None or bold is None or mono is None:
        raise NoFontError(
            f"no font with every {locale!r} letter of the poster in "
            f"{', '.join(map(str, FONT_FOLDERS))}; install Debian's fonts-noto-core "
            "(fonts-noto-cjk for zh and ko) or pass --font FILE"
        )
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 400), fill=BAND)
    headline_font = _font(bold, 76, locale)
    _write(draw, text.headline, headline_font, top=80, bottom=380, fill="white")
    body_font = _font(regular, 46, locale)
    _write(draw, text.body, body_font, top=450, bottom=QR_TOP - 20, fill=INK)
    _draw_qr(draw, text.link)
    geometry = qr_geometry(text.link)
    link_top = geometry.top + geometry.modules * geometry.module + 10
    link_font = _font(mono, 34, "en")
    shown = text.link.removeprefix("https://")
    width = draw.textlength(shown, font=link_font)
    draw.text(((WIDTH - width) / 2, link_top), shown, font=link_font, fill=INK)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(150, 150))
    return buffer.getvalue()


def _draw_qr(draw: ImageDraw.ImageDraw, link: str) -> None:
    geometry = qr_geometry(link)
    size = geometry.module
    for row, bits in enumerate(qr_code(link).matrix_iter(scale=1, border=QR_BORDER)):
        for column, dark in enumerate(bits):
            if dark:
                x = geometry.left + column * size
                y = geometry.top + row * size
                draw.rectangle((x, y, x + size - 1, y + size - 1), fill="black")


def _font(path: Path, size: int, locale: str) -> ImageFont.FreeTypeFont:
    # Complex scripts (Khmer, Myanmar, Thai, Lao) need shaping: raqm when Pillow has it.
    layout = ImageFont.Layout.RAQM if _has_raqm() else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=layout)


@cache
def _has_raqm() -> bool:
    from PIL import features

    return bool(features.check("raqm"))


def _write(
    draw: ImageDraw.ImageDraw,
    text: str,
    font: ImageFont.FreeTypeFont,
    *,
    top: int,
    bottom: int,
    fill: Any,
) -> None:
    """Centred lines, wrapped to the page, shrinking the font until the text fits its box."""
    while True:
        measure = _measurer(draw, font)
        lines = wrap(text, measure, WIDTH - 2 * MARGIN)
        line_height = int(font.size * 1.35)
        if top + line_height * len(lines) <= bottom or font.size <= 20:
            break
        font = font.font_variant(size=int(font.size * 0.9))
    y = top
    for line in lines:
        width = draw.textlength(line, font=font)
        draw.text(((WIDTH - width) / 2, y), line, font=font, fill=fill)
        y += line_height


def _measurer(draw: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont) -> Any:
    return lambda part: draw.textlength(part, font=font)


def wrap(text: str, measure: Any, width: float) -> list[str]:
    """Break at spaces. A word wider than the line (scripts written without spaces, such as
    Thai or Chinese) breaks between letters, never before a combining mark."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        pieces = [word] if measure(word) <= width else _clusters(word)
        for index, piece in enumerate(pieces):
            joiner = " " if index == 0 and current else ""
            candidate = current + joiner + piece
            if current and measure(candidate) > width:
                lines.append(current)
                current = piece
            else:
                current = candidate
    if current:
        lines.append(current)
    return lines


def _clusters(word: str) -> list[str]:
    """Letters with the marks that belong to them."""
    clusters: list[str] = []
    for char in word:
        category = unicodedata.category(char)
        if clusters and (category.startswith("M") or category == "Cf"):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def find_font(locale: str, weight: str, text: str = "") -> Path | None:
    """The first installed candidate font for the locale that has every letter of `text`."""
    patterns = FONT_FILES.get(locale, _LATIN)
    names = [p.format(w=weight, dw="-Bold" if weight == "Bold" else "") for p in patterns]
    return find_font_file(names, text)


def find_font_file(
    names: Sequence[str], text: str = "", folders: Sequence[Path] = FONT_FOLDERS
) -> Path | None:
    installed = _installed_fonts(tuple(folders))
    for name in names:
        if name in installed and not missing_letters(installed[name], text):
            return installed[name]
    return None


def missing_letters(path: Path, text: str) -> set[str]:
    """The characters of `text` the font would draw as an empty box (its "notdef" glyph).

    Script fonts often lack even "?" or "." (Noto Sans Thai and Lao do), so a poster is
    checked before it is printed with holes in it.
    """
    font = ImageFont.truetype(str(path), 32)
    notdef = _glyph(font, "\U000f0000")  # a private-use code point no font draws
    return {char for char in set(text) if not char.isspace() and _glyph(font, char) == notdef}


def _glyph(font: ImageFont.FreeTypeFont, char: str) -> bytes:
    image = Image.new("L", (64, 64))
    ImageDraw.Draw(image).text((8, 8), char, font=font, fill=255)
    return image.tobytes()


@cache
def _installed_fonts(folders: tuple[Path, ...]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.suffix.lower() in (".ttf", ".otf", ".ttc"):
                    found.setdefault(path.name, path)
    return found


def write_poster(out: Path, link: str, locale: str, translations: Any, font: Path | None) -> None:
    out.write_bytes(draw_poster(poster_text(translations, link), locale, font=font))


# --- alertbot invite --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InviteRequest:
    locale: str
    province: str | None = None
    out: Path | None = None
    bot: str | None = None  # the bot's username; asked of Telegram when absent
    font: Path | None = None


def run_invite(request: InviteRequest, settings: Settings, out: TextIO, err: TextIO) -> int:
    """Print the deep link; write the poster when asked. 1 for a bad province or locale."""
    from bot.chat.deeplink import start_link
    from bot.classify.places import province_codes
    from bot.render import SUPPORTED_LOCALES
    from bot.render.catalogs import load_catalogs

    if request.locale not in SUPPORTED_LOCALES:
        err.write(f"unknown locale {request.locale!r}; use one of {', '.join(SUPPORTED_LOCALES)}\n")
        return 1
    if request.province is not None and request.province not in province_codes():
        err.write(f"unknown province {request.province!r}; codes are like an-giang, gia-lai\n")
        return 1
    username = request.bot or asyncio.run(bot_username(settings))
    link = start_link(username, request.locale, request.province)
    out.write(link + "\n")
    if request.out is not None:
        catalogs, _ = load_catalogs(settings.locales_path, SUPPORTED_LOCALES)
        try:
            write_poster(
                request.out, link, request.locale, catalogs.get(request.locale), request.font
            )
        except NoFontError as exc:
            err.write(f"{exc}\n")
            return 1
        out.write(f"poster written to {request.out}\n")
    return 0


async def bot_username(settings: Settings) -> str:
    """The bot's @username, from Telegram's getMe."""
    from telegram import Bot

    async with Bot(
        settings.require_token(),
        base_url=settings.bot_base_url,
        base_file_url=settings.bot_base_file_url,
    ) as bot:
        return bot.username
