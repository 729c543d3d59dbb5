"""Operators' commands: /review, /broadcast (+ /cancel), /stats, /feeds and /invite.

Operators are the Telegram users in ADMIN_IDS. Every command and every button here checks that
first; anyone else gets a polite refusal in their own language and nothing happens. /invite is
also open to a group's admins, for a poster of their own group's language and province.
Operator screens are plain text: they show feed titles and operators' drafts, which must never
become markup.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field, replace
from typing import Any

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    MessageEntity,
    Update,
    User,
)
from telegram.constants import ChatType, MessageEntityType
from telegram.error import TelegramError

from bot.chat import keyboards as kb
from bot.chat import words
from bot.chat.common import (
    NO_PREVIEW,
    Context,
    Speaker,
    chat_locale,
    edit,
    is_operator,
    refuse_unless_configurer,
    reply,
    services,
    speaker,
    user_locale,
)
from bot.chat.settings import province_label, stale
from bot.chat.subscription import hotlines_for, subscribe_link
from bot.classify.places import province_codes, provinces
from bot.errors import OperatorFileError
from bot.models import Category, FeedSource
from bot.render import SUPPORTED_LOCALES, ui_text
from bot.render.locales import country_name, locale_autonym
from bot.services import Services
from bot.store.alerts import KIND_OF_CATEGORY, AlertContent, Audience
from bot.store.review import APPROVE, RECATEGORISE, REJECT, ReviewItem, ReviewQueue
from bot.store.stats import Statistics, StatisticsQueries, count_audience

log = logging.getLogger(__name__)

# Where the composition root keeps the feed poller (bot.app): the poller itself while this
# replica polls, else a function that builds one.
POLLER_KEYS = ("poller", "poll-feeds")
MANUAL = "manual"  # the kind (and category) of an operator's message
BODY_LIMIT = 3000
PROGRESS_SECONDS = 1.0
PROGRESS_GIVE_UP_SECONDS = 3600.0
MAX_TEXT = 4000
CATEGORY_CODES = {
    "l": Category.RECRUITMENT_LURE,
    "v": Category.TRAFFICKING_VICTIMS,
    "c": Category.CRACKDOWN,
}
CATEGORY_WORDS = {
    Category.RECRUITMENT_LURE: words.CATEGORY_RECRUITMENT,
    Category.TRAFFICKING_VICTIMS: words.CATEGORY_VICTIMS,
    Category.CRACKDOWN: words.CATEGORY_CRACKDOWN,
}
DRAFT_KEY = "broadcast"


async def operators_only(update: Update, context: Context) -> bool:
    """True for an operator; anyone else is refused, politely, in their language."""
    user = update.effective_user
    if is_operator(context, user):
        return True
    text = speaker(context, user_locale(user))(words.ERROR_OPERATORS_ONLY)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await reply(update.effective_message, text)
    return False


def _speaker(context: Context, user: User | None) -> Speaker:
    return speaker(context, user_locale(user))


def _operator_name(user: User) -> str:
    return user.full_name or str(user.id)


# --- /review --------------------------------------------------------------------------------


async def review_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or not await operators_only(update, context):
        return
    await _show_next(context, message, _speaker(context, update.effective_user), edit_it=False)


async def _show_next(
    context: Context,
    message: Message,
    speak: Speaker,
    *,
    edit_it: bool,
    after: str | None = None,
) -> None:
    queue = ReviewQueue(services(context).engine)
    item = await queue.next_pending(after=after) or (await queue.next_pending() if after else None)
    if item is None:
        text, markup = speak(words.REVIEW_EMPTY), None
    else:
        text = review_card(speak, item, await queue.count_pending())
        markup = _review_buttons(speak, item)
    if edit_it:
        await edit(message, text, markup)
    else:
        await reply(message, text, markup)


def review_card(speak: Speaker, item: ReviewItem, waiting: int) -> str:
    """Everything needed to decide: the story, its score and category, the cues, the places."""
    category = (
        speak(CATEGORY_WORDS.get(Category(item.category), item.category))
        if (item.category in CATEGORY_WORDS)
        else item.category
    )
    cues = "; ".join(f"{c.phrase} ({c.group} {c.weight:g})" for c in item.cues) or "-"
    places = [country_name(code, speak.locale) for code in item.countries]
    places += [province_label(code, speak.locale) or code for code in item.provinces]
    lines = [
        speak(words.REVIEW_HEADING, count=waiting),
        "",
        item.title,
        item.summary[:600],
        item.url,
        "",
        speak(words.REVIEW_SOURCE, source=item.source),
        speak(words.REVIEW_SCORE, score=f"{item.score:.2f}", category=category),
        speak(words.REVIEW_CUES, cues=cues),
    ]
    if places:
        lines.append(speak(words.REVIEW_PLACES, places=", ".join(places)))
    return "\n".join(lines)[:MAX_TEXT]


def _review_buttons(speak: Speaker, item: ReviewItem) -> InlineKeyboardMarkup:
    ref = item.reference
    return InlineKeyboardMarkup(
        [
            [
                kb.button("✅ " + speak(words.BUTTON_APPROVE), f"rv:ok:{ref}"),
                kb.button("🚫 " + speak(words.BUTTON_REJECT), f"rv:no:{ref}"),
            ],
            [kb.button("🏷 " + speak(words.BUTTON_EDIT_CATEGORY), f"rv:cat:{ref}")],
            [kb.button(speak(words.BUTTON_NEXT) + " ▶", f"rv:next:{ref}")],
        ]
    )


def _category_buttons(speak: Speaker, item: ReviewItem) -> InlineKeyboardMarkup:
    choices = [
        kb.button(
            kb.mark(speak(CATEGORY_WORDS[category]), item.category == category),
            f"rv:set:{code}:{item.reference}",
        )
        for code, category in CATEGORY_CODES.items()
    ]
    back = kb.button(speak(ui_text.BUTTON_BACK), f"rv:show:{item.reference}")
    return InlineKeyboardMarkup([[c] for c in choices] + [[back]])


async def on_review_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None or not await operators_only(update, context):
        return
    message = query.message if isinstance(query.message, Message) else None
    parts = (query.data or "").split(":")
    if message is None or len(parts) < 3:
        await stale(query, context)
        return
    action, ref = parts[1], parts[-1]
    speak = _speaker(context, query.from_user)
    queue = ReviewQueue(services(context).engine)
    item = await queue.get(ref)
    if item is None:
        await stale(query, context)
        return
    if action == "next":
        await _show_next(context, message, speak, edit_it=True, after=item.item_id)
        await query.answer()
    elif action in ("show", "cat"):
        buttons = _review_buttons if action == "show" else _category_buttons
        card = review_card(speak, item, await queue.count_pending())
        await edit(message, card, buttons(speak, item))
        await query.answer()
    elif action == "set" and len(parts) == 4 and parts[2] in CATEGORY_CODES:
        await _recategorise(query, context, item, CATEGORY_CODES[parts[2]], message)
    elif action in ("ok", "no"):
        await _decide(query, context, item, approve=action == "ok", message=message)
    else:
        await stale(query, context)


async def _recategorise(
    query: CallbackQuery, context: Context, item: ReviewItem, category: Category, message: Message
) -> None:
    svc = services(context)
    queue = ReviewQueue(svc.engine)
    speak = _speaker(context, query.from_user)
    done = await queue.decide(
        item.item_id, RECATEGORISE, category=str(category), decided_by=query.from_user.id,
        now=svc.clock(),
    )  # fmt: skip
    if not done:
        await query.answer(speak(words.REVIEW_TAKEN), show_alert=True)
        return
    note = speak(
        words.REVIEW_RECATEGORISED,
        category=speak(CATEGORY_WORDS[category]),
        operator=_operator_name(query.from_user),
    )
    item = replace(item, category=str(category))
    await edit(
        message, review_card(speak, item, await queue.count_pending()), _review_buttons(speak, item)
    )
    await query.answer(note)


async def _decide(
    query: CallbackQuery, context: Context, item: ReviewItem, *, approve: bool, message: Message
) -> None:
    """Approve (publish to the category's audience) or reject; either way, record who."""
    svc = services(context)
    queue = ReviewQueue(svc.engine)
    speak = _speaker(context, query.from_user)
    operator = query.from_user
    now = svc.clock()
    if await queue.state(item.item_id) != "pending":
        await query.answer(speak(words.REVIEW_TAKEN), show_alert=True)
        return
    alert_id: int | None = None
    if approve:
        if item.category not in CATEGORY_WORDS:
            await query.answer(speak(words.REVIEW_CATEGORY_FIRST), show_alert=True)
            return
        alert_id = await svc.alerts.issue_alert(
            _content(item),
            Audience(kind=KIND_OF_CATEGORY[Category(item.category)]),
            kind="news",
            story_id=item.story_id,
            item_id=item.item_id,
            created_by=operator.id,
            now=now,
        )
    recorded = await queue.decide(
        item.item_id, APPROVE if approve else REJECT, category=item.category,
        decided_by=operator.id, now=now, alert_id=alert_id,
    )  # fmt: skip
    if not recorded:
        await query.answer(speak(words.REVIEW_TAKEN), show_alert=True)
        return
    name = _operator_name(operator)
    if not approve:
        outcome = speak(words.REVIEW_REJECTED, operator=name)
    elif alert_id is None:
        outcome = speak(words.REVIEW_ALREADY_ALERTED, operator=name)
    else:
        svc.sender.wake()
        report = await svc.alerts.report(alert_id)
        targeted = report.targeted if report else 0
        outcome = speak(words.REVIEW_APPROVED, operator=name, alert=alert_id, count=targeted)
    text = review_card(speak, item, await queue.count_pending()) + "\n\n" + outcome
    next_button = InlineKeyboardMarkup(
        [[kb.button(speak(words.BUTTON_NEXT) + " ▶", f"rv:next:{item.reference}")]]
    )
    await edit(message, text[:MAX_TEXT], next_button)
    await query.answer()


def _content(item: ReviewItem) -> AlertContent:
    return AlertContent(
        category=item.category,
        title=item.title,
        summary=item.summary,
        url=item.url,
        source=item.source,
        lang=item.lang,
        published=item.published or item.queued_at,
        countries=item.countries,
        provinces=item.provinces,
    )


# --- /broadcast -----------------------------------------------------------------------------


@dataclass(slots=True)
class Draft:
    """An operator's message on its way: the text, then whom it is for."""

    body: str = ""
    locales: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    chosen: bool = False
    previews: list[int] = field(default_factory=list)

    @property
    def audience(self) -> Audience:
        # kind "" matches every chat's alert kinds: an operator's message is for everyone
        # in the audience, whatever warnings they chose.
        return Audience(
            kind="", locales=self.locales, provinces=self.provinces, countries=self.countries
        )


async def broadcast_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or not await operators_only(update, context):
        return
    if context.user_data is None:
        return
    speak = _speaker(context, update.effective_user)
    context.user_data[DRAFT_KEY] = Draft()
    text = " ".join(context.args or ())
    if text:
        await _take_body(context, message, speak, text)
        return
    await reply(message, speak(words.BROADCAST_COMPOSE))


async def cancel_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or not await operators_only(update, context):
        return
    if context.user_data is not None:
        context.user_data.pop(DRAFT_KEY, None)
    await reply(message, _speaker(context, update.effective_user)(words.BROADCAST_CANCELLED))


async def take_broadcast_text(update: Update, context: Context) -> bool:
    """An operator composing a message: the next text is its body; True if handled."""
    message, user = update.effective_message, update.effective_user
    data = context.user_data
    if message is None or data is None or not is_operator(context, user):
        return False
    draft = data.get(DRAFT_KEY)
    if not isinstance(draft, Draft) or draft.body or not message.text:
        return False
    await _take_body(context, message, _speaker(context, user), message.text)
    return True


async def _take_body(context: Context, message: Message, speak: Speaker, body: str) -> None:
    data = context.user_data
    assert data is not None
    if len(body) > BODY_LIMIT:
        await reply(message, speak(ui_text.ERROR_TOO_LONG, limit=BODY_LIMIT))
        return
    data[DRAFT_KEY] = Draft(body=body)
    await reply(message, speak(words.BROADCAST_AUDIENCE), _audience_buttons(speak))


def _audience_buttons(speak: Speaker) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [kb.button(speak(words.BUTTON_AUDIENCE_ALL), "bc:all")],
            [
                kb.button(speak(words.BUTTON_AUDIENCE_LOCALE), "bc:loc"),
                kb.button(speak(words.BUTTON_AUDIENCE_COUNTRY), "bc:ctry"),
            ],
            [kb.button(speak(words.BUTTON_AUDIENCE_PROVINCE), "bc:pp:0")],
            [kb.button(speak(ui_text.BUTTON_CANCEL), "bc:cancel")],
        ]
    )


async def on_broadcast_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None or not await operators_only(update, context):
        return
    message = query.message if isinstance(query.message, Message) else None
    data = context.user_data
    draft = data.get(DRAFT_KEY) if data is not None else None
    if message is None or data is None or not isinstance(draft, Draft) or not draft.body:
        await stale(query, context)
        return
    speak = _speaker(context, query.from_user)
    _, _, rest = (query.data or "").partition(":")
    step, _, value = rest.partition(":")
    if step == "cancel":
        del data[DRAFT_KEY]
        await edit(message, speak(words.BROADCAST_CANCELLED))
        await query.answer()
        return
    if step == "send" and draft.chosen:
        del data[DRAFT_KEY]
        await _send(context, message, speak, draft, query.from_user)
        await query.answer()
        return
    picker = _audience_picker(speak, step, value)
    if picker is not None:
        await edit(message, speak(words.BROADCAST_AUDIENCE), picker)
        await query.answer()
        return
    chosen = _choose(draft, step, value)
    if chosen is None:
        await stale(query, context)
        return
    data[DRAFT_KEY] = chosen
    await _preview(context, message, speak, chosen)
    await query.answer()


def _audience_picker(speak: Speaker, step: str, value: str) -> InlineKeyboardMarkup | None:
    """The list to pick one language, country or province from (None: not a list step)."""
    cancel = [kb.button(speak(ui_text.BUTTON_CANCEL), "bc:cancel")]
    if step == "loc":
        choices = [kb.button(locale_autonym(code), f"bc:l:{code}") for code in SUPPORTED_LOCALES]
        return InlineKeyboardMarkup([*kb.rows(choices), cancel])
    if step == "ctry":
        choices = [
            kb.button(country_name(code, speak.locale), f"bc:c:{code}") for code in kb.CITIZENSHIPS
        ]
        return InlineKeyboardMarkup([*kb.rows(choices), cancel])
    if step == "pp":
        page = int(value) if value.isdigit() else 0
        per_page = kb.PROVINCES_PER_PAGE
        shown = provinces()[page * per_page : (page + 1) * per_page]
        layout = kb.rows([kb.button(p.name(speak.locale), f"bc:p:{p.code}") for p in shown])
        turn = []
        if page > 0:
            turn.append(kb.button("◀", f"bc:pp:{page - 1}"))
        if (page + 1) * per_page < len(provinces()):
            turn.append(kb.button("▶", f"bc:pp:{page + 1}"))
        return InlineKeyboardMarkup([*layout, turn, cancel] if turn else [*layout, cancel])
    return None


def _choose(draft: Draft, step: str, value: str) -> Draft | None:
    if step == "all":
        return replace(draft, locales=(), provinces=(), countries=(), chosen=True)
    if step == "l" and value in SUPPORTED_LOCALES:
        return replace(draft, locales=(value,), provinces=(), countries=(), chosen=True)
    if step == "c" and value in kb.CITIZENSHIPS:
        return replace(draft, locales=(), provinces=(), countries=(value,), chosen=True)
    if step == "p" and value in province_codes():
        return replace(draft, locales=(), provinces=(value,), countries=(), chosen=True)
    return None


async def _preview(context: Context, message: Message, speak: Speaker, draft: Draft) -> None:
    """The message as each language will see it, then the question: send to N chats?"""
    svc = services(context)
    link = subscribe_link(context)
    for locale in draft.locales or SUPPORTED_LOCALES:
        try:
            rendered = svc.renderer.render(
                "broadcast",
                locale,
                body=draft.body,
                hotlines=hotlines_for(context, None),
                subscribe_link=link,
            )
        except OperatorFileError:
            await edit(message, speak(ui_text.ERROR_TOO_LONG, limit=BODY_LIMIT))
            return
        await reply(message, rendered.html, html=True)
    count = await count_audience(
        svc.engine, locales=draft.locales, provinces=draft.provinces, countries=draft.countries
    )
    if count == 0:
        await reply(message, speak(words.BROADCAST_NOBODY), _audience_buttons(speak))
        return
    confirm = InlineKeyboardMarkup(
        [
            [
                kb.button("📢 " + speak(words.BUTTON_SEND), "bc:send"),
                kb.button(speak(ui_text.BUTTON_CANCEL), "bc:cancel"),
            ]
        ]
    )
    await reply(message, speak(words.BROADCAST_CONFIRM, count=count), confirm)


async def _send(
    context: Context, message: Message, speak: Speaker, draft: Draft, operator: User
) -> None:
    svc = services(context)
    now = svc.clock()
    first_line = draft.body.strip().splitlines()[0] if draft.body.strip() else ""
    content = AlertContent(
        category=MANUAL,
        title=first_line[:200],
        summary=draft.body,
        url="",
        source="",
        lang=speak.locale,
        published=now,
        provinces=draft.provinces,
        countries=draft.countries,
    )
    alert_id = await svc.alerts.issue_alert(
        content, draft.audience, kind=MANUAL, now=now, created_by=operator.id
    )
    assert alert_id is not None  # only news stories are deduplicated
    svc.sender.wake()
    context.application.create_task(
        follow_delivery(context, message, speak, alert_id), name=f"broadcast-{alert_id}"
    )


async def follow_delivery(
    context: Context, message: Message, speak: Speaker, alert_id: int
) -> None:
    """Edit the confirmation into a progress line until every delivery is settled."""
    svc = services(context)
    shown = ""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + PROGRESS_GIVE_UP_SECONDS
    while True:
        report = await svc.alerts.report(alert_id)
        if report is None:
            return
        done = report.pending == 0 and report.inflight == 0
        if done:
            seconds = f"{report.duration_s:.1f}" if report.duration_s is not None else "0"
            lines = [
                speak(
                    words.BROADCAST_REPORT,
                    sent=report.sent,
                    total=report.targeted,
                    failed=report.failed,
                    seconds=seconds,
                )
            ]
            lines += [
                speak(words.BROADCAST_FAILURE, reason=reason, count=count)
                for reason, count in sorted(report.failed_by_reason.items())
            ]
            text = "\n".join(lines)
        else:
            text = speak(
                words.BROADCAST_PROGRESS,
                sent=report.sent,
                total=report.targeted,
                failed=report.failed,
            )
        if text != shown:
            with contextlib.suppress(TelegramError):
                await edit(message, text)
            shown = text
        if done or loop.time() > give_up or not context.application.running:
            return  # a stopping bot does not wait for a report nobody will read
        await asyncio.sleep(PROGRESS_SECONDS)


# --- /stats, /feeds -------------------------------------------------------------------------


async def stats_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or not await operators_only(update, context):
        return
    svc = services(context)
    speak = _speaker(context, update.effective_user)
    stats = await StatisticsQueries(svc.engine).collect(now=svc.clock())
    await reply(message, stats_text(speak, stats))
    from bot.chat.charts import stats_chart

    png = stats_chart(stats)
    await message.reply_photo(InputFile(png, filename="stats.png"), do_quote=False)


def stats_text(speak: Speaker, stats: Statistics) -> str:
    def pairs(counts: dict[str, int]) -> str:
        return ", ".join(f"{key or '-'} {count}" for key, count in counts.items()) or "-"

    lines = [
        speak(words.STATS_TITLE, count=stats.subscribers, pending=stats.pending_review),
        speak(words.STATS_BY_LOCALE, values=pairs(stats.subscribers_by_locale)),
        speak(words.STATS_BY_PROVINCE, values=pairs(stats.subscribers_by_province)),
        speak(words.STATS_BY_TYPE, values=pairs(stats.subscribers_by_type)),
    ]
    lines += [
        speak(
            words.STATS_WINDOW,
            days=window.days,
            alerts=window.alerts,
            values=pairs(window.deliveries),
        )
        for window in stats.windows
    ]
    return "\n".join(lines)[:MAX_TEXT]


async def feeds_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or not await operators_only(update, context):
        return
    poller = _poller(context)
    if poller is None:
        await reply(message, _speaker(context, update.effective_user)(words.FEEDS_UNAVAILABLE))
        return
    from bot.ingest.poller import format_health_table

    table = format_health_table(await poller.health())
    for chunk in _chunks(table, MAX_TEXT):
        await message.reply_text(
            chunk,
            entities=[MessageEntity(MessageEntityType.PRE, 0, _utf16_length(chunk))],
            link_preview_options=NO_PREVIEW,
            do_quote=False,
        )


def _poller(context: Context) -> Any:
    for key in POLLER_KEYS:
        found = context.bot_data.get(key)
        if found is not None and not hasattr(found, "health") and callable(found):
            found = found()
        if found is not None and hasattr(found, "health"):
            return found
    return None


def _chunks(text: str, limit: int) -> list[str]:
    """Whole lines, at most `limit` characters a message."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines():
        line = line[:limit]
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --- /invite --------------------------------------------------------------------------------


async def invite_command(update: Update, context: Context) -> None:
    """A printable poster whose code opens the bot, preset to a language and province."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    if message.chat.type == ChatType.PRIVATE:
        if not await operators_only(update, context):
            return
        locale, place, ok = _invite_arguments(context.args or [], user_locale(user))
        if not ok:
            await reply(message, _speaker(context, user)(words.INVITE_USAGE))
            return
    else:
        if await refuse_unless_configurer(context, message, user):
            return
        stored = await services(context).chats.get(message.chat.id)
        locale = await chat_locale(context, message.chat, user)
        place = stored.province if stored else None
    await send_poster(context, message, locale, place)


def _invite_arguments(args: list[str], default_locale: str) -> tuple[str, str | None, bool]:
    locale, place = default_locale, None
    for arg in args:
        if arg in SUPPORTED_LOCALES:
            locale = arg
        elif arg in province_codes():
            place = arg
        else:
            return locale, place, False
    return locale, place, True


async def send_poster(context: Context, message: Message, locale: str, place: str | None) -> None:
    from bot.chat.deeplink import start_link
    from bot.invite import NoFontError, draw_poster, poster_text

    speak = speaker(context, locale)
    link = start_link(context.bot.username, locale, place)
    try:
        png = await asyncio.to_thread(draw_poster, poster_text(speak.translations, link), locale)
    except NoFontError:
        await reply(message, speak(words.INVITE_NO_FONT, link=link))
        return
    name = "-".join(part for part in ("poster", locale, place) if part) + ".png"
    await message.reply_document(
        InputFile(png, filename=name),
        caption=speak(words.INVITE_CAPTION, link=link),
        do_quote=False,
    )


async def tell_operators(bot: Bot, running: Services, word: str, **values: object) -> None:
    """A notice to every operator, each in their own language, from outside any update."""
    for admin_id in sorted(running.admin_ids):
        stored = await running.chats.get(admin_id)
        locale = running.renderer.best_locale(stored.locale if stored else "en")
        speak = Speaker(locale, running.renderer.translator(locale))
        try:
            await bot.send_message(admin_id, speak(word, **values))
        except TelegramError:
            log.info("could not send an operator notice", extra={"chat_id": admin_id})


async def tell_operators_feed_dead(
    bot: Bot, running: Services, source: FeedSource, reason: str
) -> None:
    """Once per dead feed (the poller remembers it told us)."""
    await tell_operators(
        bot, running, words.FEED_DEAD_NOTICE, name=source.name, url=source.url, reason=reason
    )
