"""The simulated Telegram world: users, chats, who is a member of what, and their JSON.

Each object renders itself as the Bot API object a bot would receive (`User`, `Chat`,
`ChatFullInfo`, `ChatMember…`), with every field PTB requires, so that updates built from them
parse in PTB exactly like Telegram's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

ChatType: TypeAlias = Literal["private", "group", "supergroup", "channel"]
MemberStatus: TypeAlias = Literal[
    "creator", "administrator", "member", "restricted", "left", "kicked"
]
MEMBER_STATUSES: frozenset[str] = frozenset(
    {"creator", "administrator", "member", "restricted", "left", "kicked"}
)
PRESENT_STATUSES: frozenset[str] = frozenset({"creator", "administrator", "member", "restricted"})


@dataclass(eq=False, slots=True)
class FakeUser:
    """A Telegram account; `started` means it has opened the chat with the bot."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_premium: bool = False
    is_bot: bool = False
    started: bool = True
    blocked_bot: bool = False
    deactivated: bool = False

    def to_json(self) -> dict[str, Any]:
        """The `User` object as other people's updates show it."""
        user: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for name in ("last_name", "username", "language_code"):
            value = getattr(self, name)
            if value is not None:
                user[name] = value
        if self.is_premium:
            user["is_premium"] = True
        return user


@dataclass(eq=False, slots=True)
class FakeChat:
    """A chat of any type, with its members' statuses and the bot's own."""

    id: int
    type: ChatType
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool = False
    members: dict[int, str] = field(default_factory=dict)
    bot_status: str = "member"
    topics: dict[int, str] = field(default_factory=dict)
    migrated_to: int | None = None
    migrated_from: int | None = None
    known: bool = True

    def to_json(self) -> dict[str, Any]:
        """The short `Chat` object carried by every message."""
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        for name in ("title", "username", "first_name", "last_name"):
            value = getattr(self, name)
            if value is not None:
                chat[name] = value
        if self.is_forum:
            chat["is_forum"] = True
        return chat

    def to_full_json(self) -> dict[str, Any]:
        """`ChatFullInfo`, as getChat answers; PTB requires the colour and gift fields."""
        full = self.to_json()
        full["accent_color_id"] = 0
        full["max_reaction_count"] = 11
        full["accepted_gift_types"] = {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        }
        if self.type in ("group", "supergroup"):
            full["permissions"] = {"can_send_messages": True}
        if self.migrated_from is not None:
            full["migrated_from_chat_id"] = self.migrated_from
        return full

    @property
    def is_private(self) -> bool:
        return self.type == "private"


def member_json(user: dict[str, Any], status: str, chat_type: str) -> dict[str, Any]:
    """A `ChatMember` of the given status, with every field PTB's subclass requires."""
    if status == "creator":
        return {"status": "creator", "user": user, "is_anonymous": False}
    if status == "administrator":
        return _administrator_json(user, chat_type)
    if status == "restricted":
        return _restricted_json(user)
    if status == "kicked":
        return {"status": "kicked", "user": user, "until_date": 0}
    return {"status": status, "user": user}


def _administrator_json(user: dict[str, Any], chat_type: str) -> dict[str, Any]:
    member: dict[str, Any] = {"status": "administrator", "user": user, "can_be_edited": False}
    for right in (
        "is_anonymous",
        "can_promote_members",
    ):
        member[right] = False
    for right in (
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
    ):
        member[right] = True
    if chat_type == "channel":
        member["can_post_messages"] = True
        member["can_edit_messages"] = True
    else:
        member["can_pin_messages"] = True
        if chat_type == "supergroup":
            member["can_manage_topics"] = True
    return member


def _restricted_json(user: dict[str, Any]) -> dict[str, Any]:
    member: dict[str, Any] = {"status": "restricted", "user": user, "is_member": True}
    for right in (
        "can_change_info",
        "can_invite_users",
        "can_pin_messages",
        "can_send_messages",
        "can_send_polls",
        "can_send_other_messages",
        "can_add_web_page_previews",
        "can_manage_topics",
        "can_send_audios",
        "can_send_documents",
        "can_send_photos",
        "can_send_videos",
        "can_send_video_notes",
        "can_send_voice_notes",
        "can_edit_tag",
    ):
        member[right] = False
    member["until_date"] = 0
    return member


def bot_command_entities(text: str) -> list[dict[str, Any]]:
    """The `bot_command` entity a Telegram client attaches to a leading /command."""
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}]
