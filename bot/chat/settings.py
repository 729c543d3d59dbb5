"""/settings and the /start questions: language, country, province, what and when to receive.

One callback handler serves every settings button (see `bot.chat.keyboards` for the data).
Private chats configure themselves; in groups each press is checked with getChatMember, and a
channel is configured from its admin's private chat. The choices are only stored here: quiet
hours and digests are applied by delivery.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType

from bot.chat import keyboards as kb
from bot.chat import words
from bot.chat.common import (
    GROUP_TYPES,
    Context,
    Speaker,
    edit,
    is_chat_admin,
    message_to_configure,
    reply,
    services,
    speaker,
    user_locale,
)
from bot.chat.subscription import send_welcome, subscribe_chat
from bot.classify.places import province, province_codes
from bot.render import ui_text
from bot.render.locales import DEFAULT_CITIZENSHIP, country_name, join_list, locale_autonym
from bot.store.chats import Chat

# Local time for quiet hours and digests follows the citizenship chosen.
TIMEZONES = {
    "VN": "Asia/Ho_Chi_Minh",
    "KH": "Asia/Phnom_Penh",
    "TH": "Asia/Bangkok",
    "LA": "Asia/Vientiane",
    "MM": "Asia/Yangon",
    "ID": "Asia/Jakarta",
    "CN": "Asia/Shanghai",
    "KR": "Asia/Seoul",
    "PH": "Asia/Manila",
}


@dataclass(frozen=True, slots=True)
class Screen:
    text: str
    markup: InlineKeyboardMarkup | None


def summary(speak: Speaker, chat: Chat, *, is_forum: bool = False) -> str:
    """The chat's settings in plain words, one per line."""
    none = speak(words.VALUE_NOT_SET)
    chosen = [k for k in kb.KINDS if k in kb.kinds_of(chat.alert_kinds)]
    lines = [
        "⚙️ " + speak(words.SETTINGS_TITLE),
        speak(words.SETTINGS_LANGUAGE, value=locale_autonym(chat.locale)),
    ]
    if chat.type == ChatType.PRIVATE:
        country = country_name(chat.country, speak.locale) if chat.country else none
        lines.append(speak(words.SETTINGS_COUNTRY, value=country))
    place = province_label(chat.province, speak.locale) or none
    lines += [
        speak(words.SETTINGS_PROVINCE, value=place),
        speak(
            words.SETTINGS_KINDS,
            value=join_list((speak(kb.KIND_WORDS[k]) for k in chosen), speak.locale),
        ),
        speak(
            words.SETTINGS_DELIVERY,
            value=speak(words.DELIVERY_DIGEST if chat.digest else words.DELIVERY_INSTANT),
        ),
        speak(words.SETTINGS_QUIET, value=kb.quiet_label(speak, chat.quiet_hours)),
    ]
    if is_forum:
        topic = words.VALUE_THIS_TOPIC if chat.thread_id else words.VALUE_GENERAL_TOPIC
        lines.append(speak(words.SETTINGS_TOPIC, value=speak(topic)))
    return "\n".join(lines)


def province_label(code: str | None, locale: str) -> str:
    if not code or code not in province_codes():
        return ""
    return province(code).name(locale)


def menu_screen(speak: Speaker, chat: Chat, scope: str, message: Message | None) -> Screen:
    is_forum = bool(message is not None and message.chat.is_forum)
    in_topic = is_forum and message is not None and bool(message.is_topic_message)
    return Screen(
        summary(speak, chat, is_forum=is_forum),
        kb.menu(scope, speak, is_private=chat.type == ChatType.PRIVATE, in_topic=in_topic),
    )


def language_screen(speak: Speaker, scope: str, selected: str | None) -> Screen:
    return Screen(speak(ui_text.PROMPT_LANGUAGE), kb.languages(scope, selected))


def country_screen(speak: Speaker, scope: str, chat: Chat) -> Screen:
    selected = chat.country or DEFAULT_CITIZENSHIP.get(chat.locale)
    return Screen(
        speak(ui_text.PROMPT_COUNTRY),
        kb.countries(scope, speak, selected, back=scope != "o"),
    )


def province_screen(speak: Speaker, scope: str, chat: Chat, page: int) -> Screen:
    return Screen(
        speak(ui_text.PROMPT_PROVINCE),
        kb.province_picker(scope, speak, chat.province, page, back=scope != "o"),
    )


# --- commands ---------------------------------------------------------------------------------


async def settings_command(update: Update, context: Context) -> None:
    """Show the settings menu: to anyone in a private chat, to admins in a group."""
    message, user = await message_to_configure(update, context), update.effective_user
    if message is None:
        return
    stored = await services(context).chats.get(message.chat.id)
    if stored is None:  # the first contact subscribes, as /start would
        stored = await subscribe_chat(context, message.chat, user_locale(user))
    speak = speaker(context, stored.locale)
    screen = menu_screen(speak, stored, "s", message)
    await reply(message, screen.text, screen.markup)


# --- buttons --------------------------------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    """What a press leads to: the screen to show next, and a short note for the presser."""

    screen: Screen | None = None
    note: str | None = None
    alert: bool = False
    finished: bool = False  # the /start questions are all answered
    stale: bool = False


async def on_settings_button(update: Update, context: Context) -> None:
    """Every button of the settings screens and of the /start questions."""
    query = update.callback_query
    if query is None:
        return
    press = kb.parse(query.data)
    message = query.message if isinstance(query.message, Message) else None
    if press is None or message is None:
        await stale(query, context)
        return
    target = await _permitted_target(query, context, press, message)
    if target is None:
        return
    chat = await services(context).chats.get(target)
    if chat is None:
        await stale(query, context)
        return
    if press.field == kb.OPEN:
        screen = menu_screen(speaker(context, chat.locale), chat, "s", message)
        await reply(message, screen.text, screen.markup)
        await query.answer()
        return
    outcome = await _change(context, press, chat, message)
    if outcome.stale:
        await stale(query, context)
        return
    chat = await _reload(context, chat)
    speak = speaker(context, chat.locale)
    if outcome.finished:
        await edit(message, summary(speak, chat))
        await send_welcome(context, message, chat, query.from_user.first_name)
    else:
        screen = outcome.screen or menu_screen(speak, chat, press.scope, message)
        await edit(message, screen.text, screen.markup)
    # Answered last, so the spinner stops once the screen has changed.
    await query.answer(outcome.note, show_alert=outcome.alert)


async def stale(query: CallbackQuery, context: Context) -> None:
    """An old or unknown button: say so, in the presser's language, and change nothing."""
    speak = speaker(context, user_locale(query.from_user))
    await query.answer(speak(words.ERROR_STALE_BUTTON), show_alert=True)


async def refuse(query: CallbackQuery, context: Context, text: str) -> None:
    """A refusal in the presser's own language, shown only to them."""
    await query.answer(speaker(context, user_locale(query.from_user))(text), show_alert=True)


async def _permitted_target(
    query: CallbackQuery, context: Context, press: kb.Press, message: Message
) -> int | None:
    """The chat this press configures, if the presser may; else answer with a refusal."""
    user = query.from_user
    if press.scope.startswith("c"):
        channel_id = press.channel_id
        if channel_id is None or message.chat.type != ChatType.PRIVATE:
            await stale(query, context)
            return None
        if not await is_chat_admin(context, channel_id, user.id):
            await refuse(query, context, words.ERROR_CHANNEL_NOT_ADMIN)
            return None
        return channel_id
    if message.chat.type in GROUP_TYPES and not await is_chat_admin(
        context, message.chat.id, user.id
    ):
        await refuse(query, context, ui_text.ERROR_ADMIN_ONLY)
        return None
    return message.chat.id


async def _change(context: Context, press: kb.Press, chat: Chat, message: Message) -> Outcome:
    """Store the choice a press makes, and say what comes next."""
    svc = services(context)
    now = svc.clock()
    scope, field, value = press.scope, press.field, press.value
    speak = speaker(context, chat.locale)
    onboarding = scope == "o"
    saved = speak(ui_text.CONFIRM_SAVED)
    if field == kb.DONE:
        done = summary(speak, chat, is_forum=bool(message.chat.is_forum))
        return Outcome(Screen(done, None), saved)
    if field == kb.MENU:
        return Outcome()
    if field == kb.LANG and not value:
        return Outcome(language_screen(speak, scope, chat.locale))
    if field == kb.LANG:
        if value not in svc.renderer.locales:
            return Outcome(stale=True)
        await svc.chats.update(chat.chat_id, locale=value, now=now)
        speak = speaker(context, value)
        note = speak(ui_text.CONFIRM_LANGUAGE, language=locale_autonym(value))
        if not onboarding:
            return Outcome(note=note)
        chat = await _reload(context, chat)
        return Outcome(country_screen(speak, scope, chat), note)
    if field == kb.COUNTRY and not value:
        return Outcome(country_screen(speak, scope, chat))
    if field == kb.COUNTRY:
        return await _set_country(context, scope, chat, value, speak)
    if field == kb.PAGE:
        return Outcome(province_screen(speak, scope, chat, _page(value)))
    if field == kb.PROVINCE and value:
        place = None if value == kb.SKIP else value
        if place is not None and place not in province_codes():
            return Outcome(stale=True)
        await svc.chats.update(chat.chat_id, province=place, now=now)
        return Outcome(note=saved, finished=onboarding)
    if field == kb.KIND:
        return await _toggle_kind(context, scope, chat, value, speak)
    if field == kb.DIGEST and not value:
        return Outcome(Screen(speak(words.PROMPT_DELIVERY), kb.delivery(scope, speak, chat.digest)))
    if field == kb.DIGEST:
        await svc.chats.update(chat.chat_id, digest=value == "1", now=now)
        return Outcome(note=saved)
    if field == kb.QUIET and not value:
        return Outcome(Screen(speak(words.PROMPT_QUIET), kb.quiet(scope, speak, chat.quiet_hours)))
    if field == kb.QUIET:
        hours = None if value == kb.SKIP else value
        if hours is not None and hours not in kb.QUIET_PRESETS:
            return Outcome(stale=True)
        await svc.chats.update(chat.chat_id, quiet_hours=hours, now=now)
        return Outcome(note=saved)
    if field == kb.TOPIC and message.chat.is_forum:
        await svc.chats.update(chat.chat_id, thread_id=message.message_thread_id, now=now)
        return Outcome(note=speak(words.CONFIRM_TOPIC), alert=True)
    return Outcome(stale=True)


async def _set_country(
    context: Context, scope: str, chat: Chat, value: str, speak: Speaker
) -> Outcome:
    """Citizenship picks the hotlines and the local time; Vietnamese are asked their province."""
    country = None if value == kb.SKIP else value
    if country is not None and country not in kb.CITIZENSHIPS:
        return Outcome(stale=True)
    changes: dict[str, object] = {"country": country}
    if country in TIMEZONES:
        changes["timezone"] = TIMEZONES[country]
    svc = services(context)
    await svc.chats.update(chat.chat_id, now=svc.clock(), **changes)
    saved = speak(ui_text.CONFIRM_SAVED)
    if scope == "o" and country == "VN" and chat.province is None:
        return Outcome(province_screen(speak, scope, chat, 0), saved)
    return Outcome(note=saved, finished=scope == "o")


async def _toggle_kind(
    context: Context, scope: str, chat: Chat, value: str, speak: Speaker
) -> Outcome:
    stored = chat.alert_kinds
    if not value:
        return Outcome(_kinds_screen(speak, scope, stored))
    if value not in kb.KINDS:
        return Outcome(stale=True)
    chosen = set(kb.kinds_of(stored)) ^ {value}
    if not chosen:
        empty = speak(words.ERROR_KINDS_EMPTY)
        return Outcome(_kinds_screen(speak, scope, stored), empty, alert=True)
    stored = kb.stored_kinds(chosen)
    svc = services(context)
    await svc.chats.update(chat.chat_id, alert_kinds=stored, now=svc.clock())
    return Outcome(_kinds_screen(speak, scope, stored), speak(ui_text.CONFIRM_SAVED))


def _kinds_screen(speak: Speaker, scope: str, stored: str) -> Screen:
    return Screen(speak(words.PROMPT_KINDS), kb.kinds(scope, speak, stored))


async def _reload(context: Context, chat: Chat) -> Chat:
    fresh = await services(context).chats.get(chat.chat_id)
    return fresh if fresh is not None else chat


def _page(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


async def stale_button(update: Update, context: Context) -> None:
    """Any button no handler knows (an old keyboard, a changed version of the bot)."""
    if update.callback_query is not None:
        await stale(update.callback_query, context)
