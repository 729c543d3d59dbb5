"""Inline keyboards and the callback data their buttons carry.

Callback data is `<scope>:<field>[:<value>]`, at most 64 bytes (Telegram's limit):
  scope "o"        the /start flow of this chat (each answer leads to the next question)
  scope "s"        /settings of this chat (each answer goes back to the menu)
  scope "c<id>"    /settings of a channel, from its admin's private chat
Operators' buttons use their own prefixes ("rv", "bc"); see `bot.chat.admin`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.chat import words
from bot.chat.common import Speaker
from bot.classify.places import provinces
from bot.render import SUPPORTED_LOCALES, ui_text
from bot.render.locales import country_name, locale_autonym

# The citizenships the hotline directory has lines for, most readers first.
CITIZENSHIPS = ("VN", "KH", "TH", "LA", "MM", "ID", "CN", "KR", "PH")
PROVINCES_PER_PAGE = 12
KINDS = ("recruitment", "rescue", "crackdown")
DEFAULT_KINDS = frozenset({"recruitment", "rescue"})
KIND_WORDS = {
    "recruitment": words.KIND_RECRUITMENT,
    "rescue": words.KIND_RESCUE,
    "crackdown": words.KIND_CRACKDOWN,
}
QUIET_PRESETS = ("22-07", "21-06", "23-08", "00-06")
SKIP = "-"
CHECKED, UNCHECKED = "✅ ", "▫️ "

# Field names in callback data.
LANG, COUNTRY, PROVINCE, PAGE = "lang", "ctry", "prov", "pp"
KIND, DIGEST, QUIET, TOPIC = "kind", "dig", "quiet", "topic"
MENU, OPEN, DONE, LINK = "menu", "open", "done", "link"


@dataclass(frozen=True, slots=True)
class Press:
    """A parsed settings button: whose settings, which field, which value."""

    scope: str
    field: str
    value: str = ""

    @property
    def channel_id(self) -> int | None:
        if not self.scope.startswith("c"):
            return None
        try:
            return int(self.scope[1:])
        except ValueError:
            return None


def data(scope: str, field: str, value: str = "") -> str:
    text = f"{scope}:{field}:{value}" if value else f"{scope}:{field}"
    if len(text.encode("utf-8")) > 64:
        raise ValueError(f"callback data too long: {text!r}")
    return text


def parse(callback_data: str | None) -> Press | None:
    if not callback_data:
        return None
    scope, _, rest = callback_data.partition(":")
    field, _, value = rest.partition(":")
    if not field or not (scope in ("o", "s") or scope.startswith("c")):
        return None
    return Press(scope, field, value)


def button(text: str, callback_data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=callback_data)


def rows(
    buttons: Sequence[InlineKeyboardButton], width: int = 2
) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def mark(text: str, chosen: bool) -> str:
    return (CHECKED if chosen else "") + text


def languages(scope: str, selected: str | None) -> InlineKeyboardMarkup:
    """Each language in its own name; the preselected one ticked."""
    choices = [
        button(mark(locale_autonym(code), code == selected), data(scope, LANG, code))
        for code in SUPPORTED_LOCALES
    ]
    return InlineKeyboardMarkup(rows(choices))


def countries(
    scope: str, speak: Speaker, selected: str | None, *, back: bool
) -> InlineKeyboardMarkup:
    choices = [
        button(mark(country_name(code, speak.locale), code == selected), data(scope, COUNTRY, code))
        for code in CITIZENSHIPS
    ]
    layout = rows(choices)
    layout.append([button(speak(ui_text.BUTTON_OTHER_COUNTRY), data(scope, COUNTRY, SKIP))])
    if back:
        layout.append([button(speak(ui_text.BUTTON_BACK), data(scope, MENU))])
    return InlineKeyboardMarkup(layout)


def province_pages() -> int:
    return -(-len(provinces()) // PROVINCES_PER_PAGE)


def province_picker(
    scope: str, speak: Speaker, selected: str | None, page: int, *, back: bool
) -> InlineKeyboardMarkup:
    """Vietnam's 34 provinces, border provinces first, a page at a time; "skip" always there."""
    pages = province_pages()
    page = min(max(page, 0), pages - 1)
    shown = provinces()[page * PROVINCES_PER_PAGE : (page + 1) * PROVINCES_PER_PAGE]
    layout = rows(
        [
            button(mark(p.name(speak.locale), p.code == selected), data(scope, PROVINCE, p.code))
            for p in shown
        ]
    )
    turn = []
    if page > 0:
        turn.append(button("◀ " + speak(words.BUTTON_PREVIOUS), data(scope, PAGE, str(page - 1))))
    if page < pages - 1:
        turn.append(button(speak(words.BUTTON_NEXT) + " ▶", data(scope, PAGE, str(page + 1))))
    if turn:
        layout.append(turn)
    last = [button(speak(ui_text.BUTTON_SKIP), data(scope, PROVINCE, SKIP))]
    if back:
        last.insert(0, button(speak(ui_text.BUTTON_BACK), data(scope, MENU)))
    layout.append(last)
    return InlineKeyboardMarkup(layout)


def kinds_of(stored: str) -> frozenset[str]:
    """A chat's chosen alert kinds; "" means the default ones."""
    chosen = frozenset(k for k in stored.split(",") if k in KINDS)
    return chosen or DEFAULT_KINDS


def stored_kinds(chosen: Iterable[str]) -> str:
    """What to store for a choice: "" for the default, so later default changes reach it."""
    wanted = frozenset(chosen)
    if wanted == DEFAULT_KINDS:
        return ""
    return ",".join(k for k in KINDS if k in wanted)


def kinds(scope: str, speak: Speaker, stored: str) -> InlineKeyboardMarkup:
    chosen = kinds_of(stored)
    layout = [
        [
            button(
                (CHECKED if k in chosen else UNCHECKED) + speak(KIND_WORDS[k]), data(scope, KIND, k)
            )
        ]
        for k in KINDS
    ]
    layout.append([button(speak(ui_text.BUTTON_BACK), data(scope, MENU))])
    return InlineKeyboardMarkup(layout)


def delivery(scope: str, speak: Speaker, digest: bool) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(mark(speak(words.DELIVERY_INSTANT), not digest), data(scope, DIGEST, "0"))],
            [button(mark(speak(words.DELIVERY_DIGEST), digest), data(scope, DIGEST, "1"))],
            [button(speak(ui_text.BUTTON_BACK), data(scope, MENU))],
        ]
    )


def quiet_label(speak: Speaker, quiet_hours: str | None) -> str:
    if not quiet_hours:
        return speak(words.VALUE_OFF)
    start, _, end = quiet_hours.partition("-")
    return speak(words.VALUE_HOURS, start=start, end=end)


def quiet(scope: str, speak: Speaker, current: str | None) -> InlineKeyboardMarkup:
    presets = [
        button(mark(quiet_label(speak, q), q == current), data(scope, QUIET, q))
        for q in QUIET_PRESETS
    ]
    layout = rows(presets)
    layout.append([button(mark(speak(words.VALUE_OFF), current is None), data(scope, QUIET, SKIP))])
    layout.append([button(speak(ui_text.BUTTON_BACK), data(scope, MENU))])
    return InlineKeyboardMarkup(layout)


def menu(scope: str, speak: Speaker, *, is_private: bool, in_topic: bool) -> InlineKeyboardMarkup:
    """The settings menu. Groups and channels have no citizenship; forums can pick a topic."""
    choices = [button(speak(ui_text.BUTTON_LANGUAGE), data(scope, LANG))]
    if is_private:
        choices.append(button(speak(ui_text.BUTTON_COUNTRY), data(scope, COUNTRY)))
    choices += [
        button(speak(ui_text.BUTTON_PROVINCE), data(scope, PAGE, "0")),
        button(speak(words.BUTTON_KINDS), data(scope, KIND)),
        button(speak(words.BUTTON_DELIVERY), data(scope, DIGEST)),
        button(speak(words.BUTTON_QUIET), data(scope, QUIET)),
    ]
    layout = rows(choices)
    if in_topic:
        layout.append([button(speak(words.BUTTON_TOPIC_HERE), data(scope, TOPIC))])
    layout.append([button(speak(ui_text.BUTTON_DONE), data(scope, DONE))])
    return InlineKeyboardMarkup(layout)


def open_settings(speak: Speaker) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button("⚙️ " + speak(ui_text.BUTTON_SETTINGS), data("s", OPEN))]])
