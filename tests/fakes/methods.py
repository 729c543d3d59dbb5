"""The Bot API methods the fake answers, each checked the way Telegram checks it.

Every handler takes the state (its lock already held) and the request's `Params`, and either
returns the `result` Telegram would return or raises `ApiError` with Telegram's wording.
`getUpdates` is not here: it waits, so `FakeBotApi` serves it. Names are matched
case-insensitively, as Telegram does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from tests.fakes.errors import ApiError
from tests.fakes.params import Params
from tests.fakes.state import BotApiState, SentMessage, StoredFile
from tests.fakes.telegram_html import (
    MAX_CAPTION_LENGTH,
    MAX_MESSAGE_LENGTH,
    EntityParseError,
    ParsedText,
    parse_html,
    trim_message,
)
from tests.fakes.world import PRESENT_STATUSES, FakeChat, member_json

Method = Callable[[BotApiState, Params], Any]

_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_CHAT_KIND = {"group": "group chat", "supergroup": "supergroup chat", "channel": "channel chat"}
_STALE_QUERY = "query is too old and response timeout expired or query ID is invalid"
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


# --- checks shared by the sending methods ---------------------------------------------


def _chat_to_write(state: BotApiState, params: Params) -> FakeChat:
    """The target chat, if the bot may write there; else Telegram's 400/403."""
    chat = state.chat_for_request(params)
    if chat.is_private:
        user = state.users.get(chat.id)
        if user is None:
            raise ApiError.chat_not_found()
        if user.is_bot:
            raise ApiError.forbidden("bot can't send messages to bots")
        if user.deactivated:
            raise ApiError.forbidden("user is deactivated")
        if user.blocked_bot:
            raise ApiError.forbidden("bot was blocked by the user")
        if not user.started:
            raise ApiError.forbidden("bot can't initiate conversation with a user")
        return chat
    kind = _CHAT_KIND[chat.type]
    if chat.bot_status == "kicked":
        raise ApiError.forbidden(f"bot was kicked from the {kind}")
    if chat.bot_status not in PRESENT_STATUSES:
        raise ApiError.forbidden(f"bot is not a member of the {kind}")
    if chat.type == "channel" and chat.bot_status not in ("administrator", "creator"):
        raise ApiError.bad_request("need administrator rights in the channel chat")
    return chat


def _thread(chat: FakeChat, params: Params) -> int | None:
    thread_id = params.get_int("message_thread_id")
    if thread_id is not None and chat.is_forum and thread_id not in chat.topics:
        raise ApiError.bad_request("message thread not found")
    return thread_id


def _formatted(
    state: BotApiState, params: Params, field: str, entities_field: str
) -> tuple[ParsedText, str | None, str | None]:
    """Parse text or caption as Telegram does; return it with the raw source and parse_mode."""
    source = params.get_str(field)
    parse_mode = params.get_str("parse_mode")
    mode = (parse_mode or "").strip().lower()
    text = source or ""
    if mode == "html":
        try:
            parsed = parse_html(text, strict_ampersand=state.strict_html)
        except EntityParseError as exc:
            raise ApiError.bad_request(f"can't parse entities: {exc}") from None
    elif mode == "":
        entities = params.get_json(entities_field)
        parsed = ParsedText(text, list(entities) if isinstance(entities, list) else [])
    elif mode in ("markdown", "markdownv2"):
        parsed = ParsedText(text, [])  # not validated by this fake; use HTML
    else:
        raise ApiError.bad_request("unsupported parse_mode")
    return trim_message(parsed), source, parse_mode


def _message_text(state: BotApiState, params: Params) -> tuple[ParsedText, str | None, str | None]:
    parsed, source, parse_mode = _formatted(state, params, "text", "entities")
    if not parsed.text:
        raise ApiError.bad_request("message text is empty")
    if len(parsed.text) > MAX_MESSAGE_LENGTH:
        raise ApiError.bad_request("message is too long")
    return parsed, source, parse_mode


def _caption(state: BotApiState, params: Params) -> tuple[ParsedText, str | None, str | None]:
    parsed, source, parse_mode = _formatted(state, params, "caption", "caption_entities")
    if len(parsed.text) > MAX_CAPTION_LENGTH:
        raise ApiError.bad_request("message caption is too long")
    return parsed, source, parse_mode


def _reply_markup(params: Params) -> dict[str, Any] | None:
    markup = params.get_json("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
    return markup


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError.bad_request("can't parse inline keyboard button: field must be an Array")
    for button in (b for row in rows for b in row):
        if not isinstance(button, dict) or not button.get("text"):
            raise ApiError.bad_request("can't parse inline keyboard button: Text must be non-empty")
        if "callback_data" in button:
            size = len(str(button["callback_data"]).encode("utf-8"))
            if not 1 <= size <= 64:
                raise ApiError.bad_request("BUTTON_DATA_INVALID")
        elif "url" in button:
            scheme = urlsplit(str(button["url"])).scheme.lower()
            if scheme not in ("http", "https", "tg"):
                raise ApiError.bad_request(
                    f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL"
                )
        elif len(button) == 1:
            raise ApiError.bad_request("text buttons are unallowed in the inline keyboard")


def _reply_to(state: BotApiState, chat: FakeChat, params: Params) -> int | None:
    reply = params.get_json("reply_parameters")
    if isinstance(reply, dict):
        message_id = reply.get("message_id")
        allow_missing = bool(reply.get("allow_sending_without_reply"))
    else:
        message_id = params.get_int("reply_to_message_id")
        allow_missing = params.get_bool("allow_sending_without_reply")
    if message_id is None:
        return None
    exists = 0 < int(message_id) <= state.last_message_id.get(chat.id, 0)
    if not exists and not allow_missing:
        raise ApiError.bad_request("message to be replied not found")
    return int(message_id) if exists else None


def _link_preview(params: Params) -> dict[str, Any] | None:
    options = params.get_json("link_preview_options")
    if isinstance(options, dict):
        return options
    if params.get_bool("disable_web_page_preview"):
        return {"is_disabled": True}
    return None


def _message_json(
    state: BotApiState,
    chat: FakeChat,
    message_id: int,
    date: int,
    thread_id: int | None,
    markup: dict[str, Any] | None,
    protect: bool,
) -> dict[str, Any]:
    message: dict[str, Any] = {"message_id": message_id, "date": date, "chat": chat.to_json()}
    if chat.type == "channel":
        message["sender_chat"] = chat.to_json()
    else:
        message["from"] = state.bot_json()
    if thread_id is not None:
        message["message_thread_id"] = thread_id
        if chat.is_forum:
            message["is_topic_message"] = True
    if markup is not None and "inline_keyboard" in markup:
        message["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
    if protect:
        message["has_protected_content"] = True
    return message


def _deliver(
    state: BotApiState,
    method: str,
    chat: FakeChat,
    params: Params,
    content: tuple[ParsedText, str | None, str | None],
    fill: Callable[[dict[str, Any]], None],
    file: StoredFile | None = None,
) -> dict[str, Any]:
    """Take a flood token, number the message and record it; the last step of every send."""
    thread_id = _thread(chat, params)
    markup = _reply_markup(params)
    reply_to = _reply_to(state, chat, params)
    state.take_flood_token(chat)
    parsed, source, parse_mode = content
    message_id = state.next_message_id(chat.id)
    date = int(state.now())
    protect = params.get_bool("protect_content")
    message = _message_json(state, chat, message_id, date, thread_id, markup, protect)
    fill(message)
    state.record_delivery(
        SentMessage(
            chat_id=chat.id,
            message_id=message_id,
            method=method,
            text=parsed.text,
            source_text=source,
            parse_mode=parse_mode,
            entities=parsed.entities,
            reply_markup=markup,
            message_thread_id=thread_id,
            disable_notification=params.get_bool("disable_notification"),
            protect_content=protect,
            allow_paid_broadcast=params.get_bool("allow_paid_broadcast"),
            link_preview_options=_link_preview(params),
            reply_to_message_id=reply_to,
            date=date,
            sent_at=state.clock(),
            message=message,
            file=file,
        )
    )
    return message


def _with_text(parsed: ParsedText, key: str, entities_key: str) -> Callable[[dict[str, Any]], None]:
    def fill(message: dict[str, Any]) -> None:
        if parsed.text:
            message[key] = parsed.text
        if parsed.entities:
            message[entities_key] = parsed.entities

    return fill


# --- sending ----------------------------------------------------------------------------


def send_message(state: BotApiState, params: Params) -> Any:
    chat = _chat_to_write(state, params)
    content = _message_text(state, params)
    return _deliver(
        state, "sendMessage", chat, params, content, _with_text(content[0], "text", "entities")
    )


def send_photo(state: BotApiState, params: Params) -> Any:
    chat = _chat_to_write(state, params)
    stored = _input_file(state, params, "photo", folder="photos")
    content = _caption(state, params)
    caption = _with_text(content[0], "caption", "caption_entities")

    def fill(message: dict[str, Any]) -> None:
        message["photo"] = _photo_sizes(stored)
        caption(message)

    return _deliver(state, "sendPhoto", chat, params, content, fill, stored)


def send_document(state: BotApiState, params: Params) -> Any:
    chat = _chat_to_write(state, params)
    stored = _input_file(state, params, "document", folder="documents")
    content = _caption(state, params)
    caption = _with_text(content[0], "caption", "caption_entities")

    def fill(message: dict[str, Any]) -> None:
        document: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }
        if stored.file_name:
            document["file_name"] = stored.file_name
        if stored.mime_type:
            document["mime_type"] = stored.mime_type
        message["document"] = document
        caption(message)

    return _deliver(state, "sendDocument", chat, params, content, fill, stored)


def _input_file(state: BotApiState, params: Params, field: str, *, folder: str) -> StoredFile:
    upload = params.get_file(field)
    if upload is not None:
        return state.store_file(
            upload.data, file_name=upload.filename, mime_type=upload.content_type, folder=folder
        )
    reference = params.get_str(field)
    if not reference:
        raise ApiError.bad_request(f"there is no {field} in the request")
    if reference in state.files:
        return state.files[reference]
    if urlsplit(reference).scheme in ("http", "https"):
        name = reference.rstrip("/").rpartition("/")[2] or None
        return state.store_file(b"", file_name=name, mime_type=None, folder=folder)
    raise ApiError.bad_request("wrong file identifier/HTTP URL specified")


def _photo_sizes(stored: StoredFile) -> list[dict[str, Any]]:
    return [
        {
            "file_id": f"{stored.file_id}-s",
            "file_unique_id": f"{stored.file_unique_id}-s",
            "width": 90,
            "height": 60,
            "file_size": min(len(stored.data), 1500),
        },
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": 1280,
            "height": 853,
            "file_size": len(stored.data),
        },
    ]


def send_chat_action(state: BotApiState, params: Params) -> Any:
    _chat_to_write(state, params)
    return True


# --- changing what was sent -------------------------------------------------------------


def _message_to_change(state: BotApiState, params: Params, missing: str) -> SentMessage:
    chat = _chat_to_write(state, params)
    message_id = params.get_int("message_id")
    message = state.find_sent(chat.id, message_id) if message_id is not None else None
    if message is None or message.deleted:
        raise ApiError.bad_request(missing)
    return message


def edit_message_text(state: BotApiState, params: Params) -> Any:
    if params.get_str("inline_message_id"):
        _message_text(state, params)
        return True
    message = _message_to_change(state, params, "message to edit not found")
    parsed, source, parse_mode = _message_text(state, params)
    markup = _reply_markup(params)
    _apply_edit(state, message, parsed, markup)
    message.source_text, message.parse_mode = source, parse_mode
    return message.message


def edit_message_reply_markup(state: BotApiState, params: Params) -> Any:
    if params.get_str("inline_message_id"):
        return True
    message = _message_to_change(state, params, "message to edit not found")
    parsed = ParsedText(message.text, message.entities)
    _apply_edit(state, message, parsed, _reply_markup(params))
    return message.message


def _apply_edit(
    state: BotApiState,
    message: SentMessage,
    parsed: ParsedText,
    markup: dict[str, Any] | None,
) -> None:
    unchanged = (
        parsed.text == message.text
        and parsed.entities == message.entities
        and markup == message.reply_markup
    )
    if unchanged:
        raise ApiError.bad_request(_NOT_MODIFIED)
    message.history.append(
        {"text": message.text, "entities": message.entities, "reply_markup": message.reply_markup}
    )
    message.text, message.entities, message.reply_markup = parsed.text, parsed.entities, markup
    body = message.message
    key = "text" if "text" in body or message.method == "sendMessage" else "caption"
    body[key] = parsed.text
    entities_key = "entities" if key == "text" else "caption_entities"
    body.pop(entities_key, None)
    if parsed.entities:
        body[entities_key] = parsed.entities
    body.pop("reply_markup", None)
    if markup is not None and "inline_keyboard" in markup:
        body["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
    body["edit_date"] = int(state.now())


def delete_message(state: BotApiState, params: Params) -> Any:
    chat = state.chat_for_request(params)
    message_id = params.get_int("message_id") or 0
    key = (chat.id, message_id)
    sent = state.find_sent(chat.id, message_id)
    known = 0 < message_id <= state.last_message_id.get(chat.id, 0)
    if not known or key in state.deleted_ids:
        raise ApiError.bad_request("message to delete not found")
    state.deleted_ids.add(key)
    if sent is not None:
        sent.deleted = True
    return True


# --- answering users --------------------------------------------------------------------


def answer_callback_query(state: BotApiState, params: Params) -> Any:
    query = state.callback_queries.get(params.get_str("callback_query_id") or "")
    if query is None or query.get("answer") is not None:
        raise ApiError.bad_request(_STALE_QUERY)
    text = params.get_str("text")
    if text is not None and len(text) > 200:
        raise ApiError.bad_request("MESSAGE_TOO_LONG")
    query["answer"] = {
        "text": text,
        "show_alert": params.get_bool("show_alert"),
        "url": params.get_str("url"),
        "cache_time": params.get_int("cache_time", 0),
    }
    return True


def answer_inline_query(state: BotApiState, params: Params) -> Any:
    query = state.inline_queries.get(params.get_str("inline_query_id") or "")
    if query is None or query.get("answer") is not None:
        raise ApiError.bad_request(_STALE_QUERY)
    results = params.get_json("results")
    if not isinstance(results, list):
        raise ApiError.bad_request("can't parse inline query results JSON object")
    if len(results) > 50:
        raise ApiError.bad_request("RESULTS_TOO_MUCH")
    query["answer"] = {
        "results": results,
        "cache_time": params.get_int("cache_time", 300),
        "is_personal": params.get_bool("is_personal"),
        "next_offset": params.get_str("next_offset", ""),
        "button": params.get_json("button"),
    }
    return True


# --- the bot's profile ------------------------------------------------------------------


def get_me(state: BotApiState, params: Params) -> Any:
    return {
        **state.bot_json(),
        "can_join_groups": True,
        "can_read_all_group_messages": True,  # privacy mode off: all group messages arrive
        "supports_inline_queries": True,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def _language(params: Params) -> str:
    code = params.get_str("language_code", "") or ""
    if code and not _LANGUAGE.match(code):
        raise ApiError.bad_request("LANG_CODE_INVALID")
    return code


def _scope_key(params: Params) -> str:
    scope = params.get_json("scope") or {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise ApiError.bad_request("can't parse BotCommandScope JSON object")
    return json.dumps(scope, sort_keys=True)


def set_my_commands(state: BotApiState, params: Params) -> Any:
    commands = params.get_json("commands")
    if not isinstance(commands, list):
        raise ApiError.bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise ApiError.bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND.match(str(command.get("command", ""))):
            raise ApiError.bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise ApiError.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = (_scope_key(params), _language(params))
    state.commands[key] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


def get_my_commands(state: BotApiState, params: Params) -> Any:
    return state.commands.get((_scope_key(params), _language(params)), [])


def delete_my_commands(state: BotApiState, params: Params) -> Any:
    state.commands.pop((_scope_key(params), _language(params)), None)
    return True


def _profile_text(store_name: str, field: str, limit: int) -> tuple[Method, Method]:
    """A setter and getter for one per-language profile text (description, name, …)."""

    def store_of(state: BotApiState) -> dict[str, str]:
        store: dict[str, str] = getattr(state, store_name)
        return store

    def setter(state: BotApiState, params: Params) -> Any:
        value = params.get_str(field, "") or ""
        if len(value) > limit:
            raise ApiError.bad_request(f"{field.replace('_', ' ')} is too long")
        language = _language(params)
        if value:
            store_of(state)[language] = value
        else:
            store_of(state).pop(language, None)
        return True

    def getter(state: BotApiState, params: Params) -> Any:
        store = store_of(state)
        return {field: store.get(_language(params), store.get("", ""))}

    return setter, getter


set_my_description, get_my_description = _profile_text("descriptions", "description", 512)
set_my_short_description, get_my_short_description = _profile_text(
    "short_descriptions", "short_description", 120
)
set_my_name, get_my_name = _profile_text("names", "name", 64)


# --- webhook ----------------------------------------------------------------------------


def set_webhook(state: BotApiState, params: Params) -> Any:
    url = params.get_str("url", "") or ""
    if not url:
        return delete_webhook(state, params)
    parts = urlsplit(url)
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise ApiError.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.get_str("secret_token")
    if secret is not None and not _SECRET_TOKEN.match(secret):
        raise ApiError.bad_request("secret token contains unallowed characters")
    allowed = params.get_json("allowed_updates")
    if isinstance(allowed, list):
        state.allowed_updates = frozenset(allowed) if allowed else None
    if params.get_bool("drop_pending_updates"):
        state.updates.clear()
    state.webhook = {
        "url": url,
        "secret_token": secret,
        "max_connections": params.get_int("max_connections", 40),
        "ip_address": params.get_str("ip_address"),
        "allowed_updates": allowed if isinstance(allowed, list) else None,
        "has_custom_certificate": params.get_file("certificate") is not None,
    }
    return True


def delete_webhook(state: BotApiState, params: Params) -> Any:
    state.webhook = None
    if params.get_bool("drop_pending_updates"):
        state.updates.clear()
    return True


def get_webhook_info(state: BotApiState, params: Params) -> Any:
    pending = len(state.deliverable_updates())
    hook = state.webhook
    if hook is None:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": pending}
    info: dict[str, Any] = {
        "url": hook["url"],
        "has_custom_certificate": hook["has_custom_certificate"],
        "pending_update_count": pending,
        "max_connections": hook["max_connections"],
    }
    if hook["allowed_updates"] is not None:
        info["allowed_updates"] = hook["allowed_updates"]
    if hook["ip_address"]:
        info["ip_address"] = hook["ip_address"]
    return info


# --- chats ------------------------------------------------------------------------------


def get_chat(state: BotApiState, params: Params) -> Any:
    return state.chat_for_request(params).to_full_json()


def _member_status(state: BotApiState, chat: FakeChat, user_id: int) -> str:
    if user_id == state.bot.id:
        if chat.is_private:
            return "kicked" if state.users[chat.id].blocked_bot else "member"
        return chat.bot_status
    if chat.is_private:
        return "member" if user_id == chat.id else "left"
    return chat.members.get(user_id, "left")


def get_chat_member(state: BotApiState, params: Params) -> Any:
    chat = state.chat_for_request(params)
    user_id = params.get_int("user_id")
    if user_id is None:
        raise ApiError.bad_request("user_id is empty")
    if user_id == state.bot.id:
        user_json = state.bot_json()
    elif user_id in state.users:
        user_json = state.users[user_id].to_json()
    else:
        raise ApiError.bad_request("user not found")
    return member_json(user_json, _member_status(state, chat, user_id), chat.type)


def get_chat_administrators(state: BotApiState, params: Params) -> Any:
    chat = state.chat_for_request(params)
    if chat.is_private:
        raise ApiError.bad_request("there are no administrators in the private chat")
    admins = []
    for user_id, status in chat.members.items():
        if status in ("creator", "administrator") and user_id in state.users:
            admins.append(member_json(state.users[user_id].to_json(), status, chat.type))
    if chat.bot_status == "administrator":
        admins.append(member_json(state.bot_json(), "administrator", chat.type))
    return admins


def get_chat_member_count(state: BotApiState, params: Params) -> Any:
    chat = state.chat_for_request(params)
    if chat.is_private:
        return 2
    present = sum(1 for status in chat.members.values() if status in PRESENT_STATUSES)
    return present + (1 if chat.bot_status in PRESENT_STATUSES else 0)


# --- files and session ------------------------------------------------------------------


def get_file(state: BotApiState, params: Params) -> Any:
    file_id = params.get_str("file_id", "") or ""
    stored = state.files.get(file_id.removesuffix("-s"))
    if stored is None:
        raise ApiError.bad_request("invalid file_id")
    return {
        "file_id": file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }


def harmless(state: BotApiState, params: Params) -> Any:
    """close and logOut: accepted and forgotten, since the fake has no session to end."""
    return True


METHODS: dict[str, Method] = {
    name.lower(): method
    for name, method in {
        "getMe": get_me,
        "sendMessage": send_message,
        "sendPhoto": send_photo,
        "sendDocument": send_document,
        "sendChatAction": send_chat_action,
        "editMessageText": edit_message_text,
        "editMessageReplyMarkup": edit_message_reply_markup,
        "deleteMessage": delete_message,
        "answerCallbackQuery": answer_callback_query,
        "answerInlineQuery": answer_inline_query,
        "setMyCommands": set_my_commands,
        "getMyCommands": get_my_commands,
        "deleteMyCommands": delete_my_commands,
        "setMyDescription": set_my_description,
        "getMyDescription": get_my_description,
        "setMyShortDescription": set_my_short_description,
        "getMyShortDescription": get_my_short_description,
        "setMyName": set_my_name,
        "getMyName": get_my_name,
        "setWebhook": set_webhook,
        "deleteWebhook": delete_webhook,
        "getWebhookInfo": get_webhook_info,
        "getChat": get_chat,
        "getChatMember": get_chat_member,
        "getChatAdministrators": get_chat_administrators,
        "getChatMemberCount": get_chat_member_count,
        "getFile": get_file,
        "close": harmless,
        "logOut": harmless,
    }.items()
}

# Methods that put a message in a chat, and so count against flood limits and faults by chat.
SENDING_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument"})
