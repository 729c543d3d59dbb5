"""Telegram's HTML subset: escaping, validation, visible length, plain-text fallback.

Telegram rejects a whole message when one tag is unsupported or unbalanced, or when the text
is longer than 4096 characters *after* entity parsing. Every message is checked here before it
leaves the renderer, so an operator's template or a hostile feed title can never turn into a
message that fails at send time.
"""

from __future__ import annotations

import html as _html
import re
import unicodedata
from dataclasses import dataclass

MAX_MESSAGE_LENGTH = 4096
ELLIPSIS = "…"

# Tag → attributes Telegram accepts on it (https://core.telegram.org/bots/api#html-style).
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "span": frozenset({"class"}),
    "tg-spoiler": frozenset(),
    "a": frozenset({"href"}),
    "tg-emoji": frozenset({"emoji-id"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
}
LINK_SCHEMES = ("http://", "https://", "tg://")

_TAG = re.compile(
    r"<(?P<close>/?)(?P<name>[a-zA-Z][a-zA-Z0-9-]*)"
    r"(?P<attrs>(?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'<>]+))?)*)\s*(?P<self>/?)>"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'<>]+)))?")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_ANY_TAG = re.compile(r"<[^>]*>")
_SPECIAL = re.compile(r"[<>&]")
_LINK = re.compile(r"<a\s+href\s*=\s*\"([^\"]*)\"\s*>(.*?)</a>", re.DOTALL)
_SOFT_BREAKS = "。，、；：！？」』）,.;:!?)"
# Signs that join the next letter to the previous one (Khmer coeng, Myanmar and Thai viramas,
# zero-width joiner): cutting right after one leaves a broken glyph.
_JOINERS = frozenset("\u17d2\u1039\u103a\u0e3a\u200d")


@dataclass(frozen=True, slots=True)
class HtmlProblem:
    """One reason Telegram would refuse the text, with the snippet that causes it."""

    message: str
    snippet: str


def escape(text: str) -> str:
    """Escape the three characters Telegram treats as markup, plus quotes for attributes."""
    return _html.escape(text, quote=True)


def find_problems(html: str) -> list[HtmlProblem]:
    """Everything in `html` that Telegram's HTML parser would reject."""
    problems: list[HtmlProblem] = []
    stack: list[str] = []
    pos = 0
    while (special := _SPECIAL.search(html, pos)) is not None:
        pos = special.start()
        char = special.group(0)
        if char == "<":
            match = _TAG.match(html, pos)
            if match is None:
                problems.append(
                    HtmlProblem("a '<' that is not a tag must be written &lt;", _near(html, pos))
                )
                pos += 1
                continue
            problems.extend(_check_tag(match, stack))
            pos = match.end()
        elif char == "&":
            if _ENTITY.match(html, pos) is None:
                problems.append(HtmlProblem("a bare '&' must be written &amp;", _near(html, pos)))
            pos += 1
        else:
            problems.append(HtmlProblem("a bare '>' must be written &gt;", _near(html, pos)))
            pos += 1
    problems.extend(HtmlProblem(f"<{name}> is never closed", f"<{name}>") for name in stack)
    length = visible_length(html)
    if length > MAX_MESSAGE_LENGTH:
        problems.append(
            HtmlProblem(
                f"text is {length} characters long; Telegram allows {MAX_MESSAGE_LENGTH}", ""
            )
        )
    if not strip_tags(html).strip():
        problems.append(HtmlProblem("the message has no visible text", ""))
    return problems


def validate(html: str) -> list[str]:
    """Problems Telegram would refuse the message for; an empty list means it will be accepted."""
    return [problem.message for problem in find_problems(html)]


def _check_tag(match: re.Match[str], stack: list[str]) -> list[HtmlProblem]:
    name = match["name"].lower()
    snippet = match.group(0)
    if name not in ALLOWED_TAGS or match["self"]:
        return [HtmlProblem(f"Telegram does not support the tag {snippet}", snippet)]
    if match["close"]:
        if not stack or stack[-1] != name:
            return [HtmlProblem(f"{snippet} does not close the innermost open tag", snippet)]
        stack.pop()
        return []
    problems = _check_attributes(name, match["attrs"] or "", snippet)
    if name == "a" and "a" in stack:
        problems.append(HtmlProblem("a link inside a link", snippet))
    stack.append(name)
    return problems


def _check_attributes(name: str, attrs: str, snippet: str) -> list[HtmlProblem]:
    problems: list[HtmlProblem] = []
    values: dict[str, str] = {}
    for attr in _ATTR.finditer(attrs):
        key = attr.group(1).lower()
        if key not in ALLOWED_TAGS[name]:
            problems.append(HtmlProblem(f"attribute {key!r} is not allowed on <{name}>", snippet))
        values[key] = _html.unescape(attr.group(2) or attr.group(3) or attr.group(4) or "")
    if name == "a":
        href = values.get("href", "")
        if not href.lower().startswith(LINK_SCHEMES):
            problems.append(HtmlProblem("links must start with http:// or https://", snippet))
    if name == "span" and values.get("class") != "tg-spoiler":
        problems.append(HtmlProblem('<span> needs class="tg-spoiler"', snippet))
    if name == "tg-emoji" and not values.get("emoji-id"):
        problems.append(HtmlProblem("<tg-emoji> needs emoji-id", snippet))
    return problems


def _near(text: str, pos: int) -> str:
    return text[max(0, pos - 15) : pos + 15]


def strip_tags(html: str) -> str:
    """The text Telegram shows: tags removed, entities decoded."""
    return _html.unescape(_ANY_TAG.sub("", html))


def visible_length(html: str) -> int:
    """Length as Telegram counts it: UTF-16 code units of the text after entity parsing.

    UTF-16 units are never fewer than code points, so this errs on the safe side for emoji.
    """
    return len(strip_tags(html).encode("utf-16-le")) // 2


def to_plain(html: str) -> str:
    """The same message without markup, for resending when Telegram refuses the HTML.

    Links keep their address in brackets, because the plain text cannot hide it behind words.
    """

    def keep_address(match: re.Match[str]) -> str:
        address = _html.unescape(match.group(1))
        words = strip_tags(match.group(2))
        return address if words.strip() == address else f"{words} ({address})"

    return strip_tags(_LINK.sub(keep_address, html))


def truncate_at_word(text: str, limit: int) -> str:
    """Shorten `text` to at most `limit` characters, at a word boundary, ending with '…'.

    Scripts without spaces between words (Thai, Khmer, Lao, Burmese, Chinese) fall back to
    punctuation, then to a cut that never separates a letter from its vowel sign or subscript.
    """
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit] if limit > 0 else ""
    room = limit - len(ELLIPSIS)
    head = text[: room + 1]
    floor = room * 6 // 10
    cut = _last_space(head, floor)
    if cut is None:
        cut = _last_soft_break(head[:room], floor)
    if cut is None:
        cut = _grapheme_safe(text, room)
    return text[:cut].rstrip(" \t\n,;:–-") + ELLIPSIS


def _last_space(head: str, floor: int) -> int | None:
    for index in range(len(head) - 1, floor - 1, -1):
        if head[index].isspace() or head[index] == "\u200b":
            return index
    return None


def _last_soft_break(head: str, floor: int) -> int | None:
    for index in range(len(head) - 1, floor - 1, -1):
        if head[index] in _SOFT_BREAKS:
            return index + 1
    return None


def _grapheme_safe(text: str, cut: int) -> int:
    while cut > 0 and (
        unicodedata.category(text[cut]).startswith("M") or text[cut - 1] in _JOINERS
    ):
        cut -= 1
    return cut
