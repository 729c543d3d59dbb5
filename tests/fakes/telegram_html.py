"""Telegram's HTML parse mode, ported from TDLib so that errors match Telegram's byte for byte.

The Bot API hands `parse_mode=HTML` text to TDLib's `parse_html` (td/telegram/MessageEntity.cpp,
https://github.com/tdlib/td) and prefixes its error with "Bad Request: can't parse entities: ".
This module follows that parser step by step — the same tag set, the same attribute grammar,
byte offsets into the UTF-8 text in the messages and UTF-16 offsets in the entities — so that
a message our renderer gets past this fake also gets past Telegram, and vice versa.

One deliberate difference, on by default: Telegram shows a bare `&` (one that does not start
`&lt;`, `&gt;`, `&amp;`, `&quot;` or a numeric reference) as it is, which hides an escaping bug
until someone's "&lt;b&gt;" comes out as bold. `strict_ampersand=True` rejects it instead, with
a message that says it is this fake's check; pass `strict_ampersand=False` for Telegram's own
behaviour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Telegram counts these limits in code points of the parsed, trimmed text: TDLib compares
# utf8_length(text) with the "message_text_length_max" option (td/telegram/MessageContent.cpp).
MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

_SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_ENTITY_TYPES = {
    "i": "italic",
    "em": "italic",
    "b": "bold",
    "strong": "bold",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
# TDLib's MessageEntity::get_type_priority, used to order entities that start and end together.
_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "text_mention": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}
_NAMED_ENTITIES = {b"lt": 0x3C, b"gt": 0x3E, b"amp": 0x26, b"quot": 0x22}
# TDLib's is_space(): the NUL that ends a C string counts as a space, which is how every scan
# below stops at the end of the text.
_SPACES = frozenset(b" \t\r\n\v\0")
_LT, _GT, _AMP, _SLASH, _EQ, _SEMI = (ord(c) for c in "<>&/=;")
_SPECIAL = re.compile(rb"[<&]")
_COMMON_ENTITY = re.compile(rb"&(lt|gt|amp|quot);")
_BARE_START_TAG = re.compile(rb"<([A-Za-z][A-Za-z-]*)>")
_BARE_OK = frozenset(tag.encode() for tag in _SUPPORTED_TAGS - {"span"})
_USER_LINK = re.compile(r"^tg://user\?id=(\d+)$", re.IGNORECASE)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_HOST = re.compile(r"^[\w-]+(\.[\w-]+)+(:\d+)?(/.*)?$")
_TRIMMED = " \t\r\n"


class EntityParseError(Exception):
    """The text is not valid Telegram HTML; `str(error)` is TDLib's message."""


@dataclass(frozen=True, slots=True)
class ParsedText:
    """Plain text and Bot API `MessageEntity` dicts, as Telegram would store the message."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    result_pos: int


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit of every Bot API entity offset."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Parse like Telegram's `parse_mode=HTML`, or raise `EntityParseError` with its message."""
    return _HtmlParser(source.encode("utf-8"), strict_ampersand).parse()


def trim_message(parsed: ParsedText) -> ParsedText:
    """Drop leading and trailing whitespace the way Telegram does before it stores a message."""
    text = parsed.text
    lead = len(text) - len(text.lstrip(_TRIMMED))
    trimmed = text.strip(_TRIMMED)
    if lead == 0 and len(trimmed) == len(text):
        return parsed
    limit = utf16_length(trimmed)
    entities = []
    for entity in parsed.entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, limit)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return ParsedText(trimmed, entities)


class _HtmlParser:
    """One pass over the UTF-8 bytes, mirroring TDLib's loop so offsets and messages agree."""

    def __init__(self, data: bytes, strict_ampersand: bool) -> None:
        self._data = data
        self._strict = strict_ampersand
        self._out = bytearray()
        self._utf16 = 0
        self._open: list[_OpenTag] = []
        self._entities: list[dict[str, Any]] = []

    def _at(self, i: int) -> int:
        return self._data[i] if i < len(self._data) else 0

    def parse(self) -> ParsedText:
        data, i = self._data, 0
        while i < len(data):
            match = _SPECIAL.search(data, i)
            stop = match.start() if match else len(data)
            if stop > i:
                self._append_raw(data[i:stop])
                i = stop
                continue
            if data[i] == _AMP:
                i = self._ampersand(i)
            elif self._at(i + 1) == _SLASH:
                i = self._end_tag(i)
            else:
                i = self._start_tag(i)
        if self._open:
            raise EntityParseError(
                f"Can't find end tag corresponding to start tag {self._open[-1].name}"
            )
        for entity in self._entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self._entities.sort(key=lambda e: (e["offset"], -e["length"], _PRIORITY[e["type"]]))
        return ParsedText(self._out.decode("utf-8"), self._entities)

    def _append_raw(self, chunk: bytes) -> None:
        self._out += chunk
        self._utf16 += len(chunk) if chunk.isascii() else utf16_length(chunk.decode("utf-8"))

    def _ampersand(self, i: int) -> int:
        common = _COMMON_ENTITY.match(self._data, i)
        if common is not None:  # fast path for the four named references
            self._out.append(_NAMED_ENTITIES[common.group(1)])
            self._utf16 += 1
            return common.end()
        decoded = _decode_entity(self._data, i)
        if decoded is None:
            if self._strict:
                raise EntityParseError(
                    f'Character "&" at byte offset {i} must be escaped as "&amp;" '
                    "(fake Bot API strict check; Telegram itself would show it as is)"
                )
            self._append_raw(b"&")
            return i + 1
        code, end = decoded
        self._append_code(code)
        return end

    def _append_code(self, code: int) -> None:
        if 0xD800 <= code <= 0xDFFF:
            raise EntityParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        self._out += chr(code).encode("utf-8")
        self._utf16 += 2 if code > 0xFFFF else 1

    def _start_tag(self, begin: int) -> int:
        simple = _BARE_START_TAG.match(self._data, begin)
        if simple is not None and simple.group(1).lower() in _BARE_OK:  # no attributes to read
            name = simple.group(1).lower().decode("ascii")
            self._open.append(_OpenTag(name, "", self._utf16, len(self._out)))
            return simple.end()
        i = begin + 1
        while self._at(i) not in _SPACES and self._at(i) != _GT:
            i += 1
        if self._at(i) == 0:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        name = self._data[begin + 1 : i].decode("utf-8", "replace").lower()
        if name not in _SUPPORTED_TAGS:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {begin}')
        argument = ""
        while self._at(i) != _GT:
            i, attribute = self._attribute(i, name, begin)
            if attribute is not None:
                argument = _argument_for(name, *attribute) or argument
        if name == "span" and argument != "spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
            )
        self._open.append(_OpenTag(name, argument, self._utf16, len(self._out)))
        return i + 1

    def _attribute(self, i: int, tag: str, begin: int) -> tuple[int, tuple[str, str] | None]:
        """Read one `name=value` (or a bare `expandable`); return where the scan stopped."""
        at = self._at
        while at(i) != 0 and at(i) in _SPACES:
            i += 1
        if at(i) == _GT:
            return i, None
        name_begin = i
        while at(i) not in _SPACES and at(i) not in (_EQ, _GT):
            i += 1
        name = self._data[name_begin:i].decode("utf-8", "replace")
        if not name:
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
            )
        while at(i) != 0 and at(i) in _SPACES:
            i += 1
        if at(i) != _EQ:
            if tag == "blockquote" and name == "expandable" and at(i) != 0:
                return i, (name, "")
            raise EntityParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {begin}'
            )
        i += 1
        while at(i) != 0 and at(i) in _SPACES:
            i += 1
        if at(i) == 0:
            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        i, value = self._attribute_value(i)
        if at(i) == 0:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        return i, (name, value)

    def _attribute_value(self, i: int) -> tuple[int, str]:
        at = self._at
        if at(i) not in (ord("'"), ord('"')):
            token_begin = i
            while chr(at(i)).isascii() and (chr(at(i)).isalnum() or at(i) in b".-"):
                i += 1
            if at(i) not in _SPACES and at(i) != _GT:
                raise EntityParseError(f"Unexpected end of name token at byte offset {token_begin}")
            return i, self._data[token_begin:i].decode("ascii").lower()
        quote = at(i)
        i += 1
        value = bytearray()
        while at(i) != quote and at(i) != 0:
            if at(i) == _AMP:
                decoded = _decode_entity(self._data, i)
                if decoded is not None:
                    value += chr(decoded[0]).encode("utf-8", "surrogatepass")
                    i = decoded[1]
                    continue
                if self._strict:
                    raise EntityParseError(
                        f'Character "&" at byte offset {i} must be escaped as "&amp;" '
                        "(fake Bot API strict check; Telegram itself would keep it as is)"
                    )
            value.append(at(i))
            i += 1
        if at(i) == quote:
            i += 1
        return i, value.decode("utf-8", "replace")

    def _end_tag(self, begin: int) -> int:
        if not self._open:
            raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
        i = begin + 2
        while self._at(i) not in _SPACES and self._at(i) != _GT:
            i += 1
        end_name = self._data[begin + 2 : i].decode("utf-8", "replace").lower()
        while self._at(i) in _SPACES and self._at(i) != 0:
            i += 1
        if self._at(i) != _GT:
            raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
        tag = self._open[-1]
        if end_name and end_name != tag.name:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        if self._utf16 > tag.utf16_offset:
            self._close(tag)
        self._open.pop()
        return i + 1

    def _close(self, tag: _OpenTag) -> None:
        offset, length = tag.utf16_offset, self._utf16 - tag.utf16_offset
        span = {"offset": offset, "length": length}
        last = self._entities[-1] if self._entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (offset, length)
        if tag.name in _SIMPLE_ENTITY_TYPES:
            self._entities.append({"type": _SIMPLE_ENTITY_TYPES[tag.name], **span})
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                raise EntityParseError("Invalid custom emoji identifier specified")
            self._entities.append({"type": "custom_emoji", **span, "custom_emoji_id": tag.argument})
        elif tag.name == "a":
            url = tag.argument or self._out[tag.result_pos :].decode("utf-8", "replace")
            link = _checked_link(url)
            if link is not None:
                self._entities.append({**link, **span})
        elif tag.name == "pre":
            if last is not None and same_span and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
            else:
                self._entities.append({"type": "pre", **span})
        elif tag.name == "code":
            if last is not None and same_span and last["type"] == "pre" and tag.argument:
                last["language"] = tag.argument
            else:
                code = {"type": "code", **span}
                if tag.argument:
                    code["language"] = tag.argument
                self._entities.append(code)
        else:  # blockquote
            kind = "expandable_blockquote" if tag.argument else "blockquote"
            self._entities.append({"type": kind, **span})


def _argument_for(tag: str, name: str, value: str) -> str | None:
    """The one attribute each tag cares about, as TDLib picks it; others are ignored."""
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    if tag == "blockquote" and name == "expandable":
        return "1"
    return None


def _decode_entity(data: bytes, pos: int) -> tuple[int, int] | None:
    """TDLib's decode_html_entity: the code point and the position after the reference."""

    def at(i: int) -> int:
        return data[i] if i < len(data) else 0

    end = pos + 1
    code = 0
    if at(pos + 1) == ord("#"):
        end += 1
        if at(pos + 2) == ord("x"):
            end += 1
            while chr(at(end)) in "0123456789abcdefABCDEF" and at(end) != 0:
                code = code * 16 + int(chr(at(end)), 16)
                end += 1
        else:
            while ord("0") <= at(end) <= ord("9"):
                code = code * 10 + at(end) - ord("0")
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
    else:
        while chr(at(end)).isascii() and chr(at(end)).isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(data[pos + 1 : end])
        if named is None:
            return None
        code = named
    if at(end) == _SEMI:
        end += 1
    return code, end


def _checked_link(url: str) -> dict[str, Any] | None:
    """A text_link or text_mention entity for `<a href>`, or None where Telegram drops the link."""
    mention = _USER_LINK.match(url)
    if mention:
        user = {"id": int(mention.group(1)), "is_bot": False, "first_name": ""}
        return {"type": "text_mention", "user": user}
    url = url.strip()
    if not url or any(c.isspace() for c in url):
        return None
    if _SCHEME.match(url):
        return {"type": "text_link", "url": url}
    if not _HOST.match(url):
        return None
    link = "http://" + url
    if "/" not in url:
        link += "/"
    return {"type": "text_link", "url": link}
