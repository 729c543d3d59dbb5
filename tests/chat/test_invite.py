"""Deep links and invite posters: the printed code must open exactly the link it claims."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import segno
from PIL import Image

from bot.chat.deeplink import StartChoice, parse_payload, start_link
from bot.cli import main
from bot.invite import (
    QR_BORDER,
    NoFontError,
    draw_poster,
    find_font,
    missing_letters,
    poster_text,
    qr_geometry,
    wrap,
)
from bot.render import SUPPORTED_LOCALES
from bot.render.catalogs import load_catalogs

REPO = Path(__file__).resolve().parents[2]


def read_qr(png: bytes, link: str) -> list[list[bool]]:
    """The poster's code, module by module, sampled at each module's centre."""
    image = Image.open(io.BytesIO(png)).convert("L")
    where = qr_geometry(link)
    half = where.module // 2
    return [
        [
            image.getpixel(
                (where.left + col * where.module + half, where.top + row * where.module + half)
            )
            < 128
            for col in range(where.modules)
        ]
        for row in range(where.modules)
    ]


def regenerated(link: str) -> list[list[bool]]:
    return [
        [bool(bit) for bit in row]
        for row in segno.make(link, error="m").matrix_iter(border=QR_BORDER)
    ]


def translations(locale: str) -> object:
    catalogs, _ = load_catalogs(REPO / "locales", SUPPORTED_LOCALES)
    return catalogs.get(locale)


def test_a_deep_link_carries_locale_and_province() -> None:
    assert start_link("fake_alert_bot", "vi", "an-giang") == (
        "https://t.me/fake_alert_bot?start=vi_an-giang"
    )
    assert parse_payload("vi_an-giang") == StartChoice("vi", "an-giang")
    assert parse_payload("km") == StartChoice("km", None)
    assert start_link("@fake_alert_bot") == "https://t.me/fake_alert_bot"


@pytest.mark.parametrize(
    "payload", ["", "vi_", "vi__an-giang", "xx", "vi_nowhere", "vi an-giang", "a" * 65, "vi/an"]
)
def test_payloads_that_are_not_ours_preselect_nothing(payload: str) -> None:
    assert parse_payload(payload) is None


def test_no_deep_link_for_an_unknown_province() -> None:
    with pytest.raises(ValueError):
        start_link("fake_alert_bot", "vi", "atlantis")


@pytest.mark.parametrize("locale", ["vi", "en", "km"])
def test_the_posters_code_regenerates_exactly_from_its_deep_link(locale: str) -> None:
    link = start_link("fake_alert_bot", locale, "an-giang")
    try:
        png = draw_poster(poster_text(translations(locale), link), locale)
    except NoFontError as exc:
        pytest.skip(f"no font for {locale} on this machine: {exc}")

    assert png.startswith(b"\x89PNG")
    assert read_qr(png, link) == regenerated(link)
    assert read_qr(png, link) != regenerated(start_link("fake_alert_bot", locale, "gia-lai"))


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_font_chosen_for_a_poster_has_every_letter_of_its_words(locale: str) -> None:
    text = poster_text(translations(locale), "https://t.me/x")
    font = find_font(locale, "Regular", text.headline + text.body)
    if font is None:
        pytest.skip(f"no font with {locale} letters installed (Debian: fonts-noto-core / -cjk)")
    assert missing_letters(font, text.headline + text.body) == set()
    assert text.headline != "" and text.body != ""


def test_long_unspaced_words_break_between_letters_and_keep_their_marks() -> None:
    khmer = "ការងារស្រួលប្រាក់ខែខ្ពស់នៅបរទេស"
    lines = wrap(khmer, len, 10)
    assert "".join(lines) == khmer
    assert all(line[0] not in "\u17b6\u17c1\u17d2" for line in lines)  # no line starts with a mark
    assert wrap("easy work high pay", len, 9) == ["easy work", "high pay"]


def test_alertbot_invite_prints_the_link_and_writes_a_poster_that_decodes_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    out = tmp_path / "poster.png"

    code = main(
        [
            "invite",
            "--province",
            "an-giang",
            "--locale",
            "vi",
            "--bot",
            "fake_alert_bot",
            "--out",
            str(out),
        ]
    )

    printed = capsys.readouterr().out.splitlines()
    link = "https://t.me/fake_alert_bot?start=vi_an-giang"
    assert code == 0 and printed[0] == link
    assert read_qr(out.read_bytes(), link) == regenerated(link)


def test_alertbot_invite_refuses_an_unknown_province(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)

    code = main(["invite", "--province", "atlantis", "--locale", "vi", "--bot", "fake_alert_bot"])

    assert code == 1
    assert "atlantis" in capsys.readouterr().err
