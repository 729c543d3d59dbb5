"""The job-offer check: `/check <text>`, or any text pasted or forwarded in a private chat.

The classifier was built for news, but a recruiter's advert uses the same words ("easy work,
high pay", free flights, a named border town), so its verdict is read as one of three levels.
"No warning signs found" is never "safe": the template says so. The text is judged in memory
and forgotten: nothing of it is stored or logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Message, Update

from bot.chat import words
from bot.chat.common import Context, chat_locale, reply, services, speaker
from bot.chat.subscription import hotlines_for
from bot.models import Decision, Verdict
from bot.render import ui_text

# Telegram's own message limit; longer input (a caption plus text) is judged by its start.
CHECK_LIMIT = 4096
MAX_CUES = 6
# Groups that count as warning signs in an offer; "negative" and "crackdown" do not.
SIGN_GROUPS = frozenset({"lure", "channel", "destination", "operation", "victim"})
# Enough sign weight for "be careful" even below the review threshold: one clear lure phrase,
# or a job in a scam-hub place. A stated salary alone (weight 0.5) is not enough.
CAREFUL_WEIGHT = 1.0

LURE, CAREFUL, NO_SIGNS = "lure", "careful", "no_signs"


@dataclass(frozen=True, slots=True)
class CueView:
    """A warning sign as the verdict template shows it: the words, and what kind of sign."""

    phrase: str
    group: str
    weight: float


def level_of(verdict: Verdict) -> str:
    if verdict.decision == Decision.ALERT:
        return LURE
    signs = sum(c.weight for c in verdict.cues if c.group in SIGN_GROUPS)
    if verdict.decision == Decision.REVIEW or signs >= CAREFUL_WEIGHT:
        return CAREFUL
    return NO_SIGNS


def shown_cues(verdict: Verdict) -> tuple[CueView, ...]:
    """The strongest signs, each once, with the lexicon's wildcard mark taken off."""
    seen: set[str] = set()
    cues: list[CueView] = []
    for cue in verdict.cues:
        phrase = cue.phrase.rstrip("*").strip()
        if cue.group not in SIGN_GROUPS or not phrase or phrase.lower() in seen:
            continue
        seen.add(phrase.lower())
        cues.append(CueView(phrase, cue.group, cue.weight))
    return tuple(cues[:MAX_CUES])


async def check_command(update: Update, context: Context) -> None:
    """`/check <text>`; without text, ask for the offer (the next text in private is checked)."""
    message = update.effective_message
    if message is None:
        return
    text = " ".join(context.args or ())
    if not text and message.reply_to_message is not None:
        text = message.reply_to_message.text or message.reply_to_message.caption or ""
    if not text.strip():
        locale = await chat_locale(context, message.chat, update.effective_user)
        await reply(message, speaker(context, locale)(ui_text.PROMPT_CHECK_OFFER))
        return
    await answer_check(update, context, message, text)


async def check_private_text(update: Update, context: Context) -> None:
    """Any text, forward or caption in a private chat is taken as an offer to check."""
    message = update.effective_message
    if message is None:
        return
    text = message.text or message.caption or ""
    if not text.strip():
        await needs_text(update, context)
        return
    await answer_check(update, context, message, text)


async def needs_text(update: Update, context: Context) -> None:
    """Stickers, photos without words, voice: say what the bot can read."""
    message = update.effective_message
    if message is None:
        return
    locale = await chat_locale(context, message.chat, update.effective_user)
    speak = speaker(context, locale)
    if message.photo or message.voice or message.video or message.document:
        await reply(message, speak(ui_text.ERROR_NEED_TEXT))
    else:
        await reply(message, speak(words.ERROR_TEXT_ONLY))


async def answer_check(update: Update, context: Context, message: Message, text: str) -> None:
    svc = services(context)
    verdict = svc.classifier.classify(text[:CHECK_LIMIT], "", None)
    chat = await svc.chats.get(message.chat.id)
    locale = await chat_locale(context, message.chat, update.effective_user)
    rendered = svc.renderer.render(
        "check_verdict",
        locale,
        level=level_of(verdict),
        cues=shown_cues(verdict),
        countries=verdict.countries,
        hotlines=hotlines_for(context, chat, verdict.countries, locale=locale),
    )
    await reply(message, rendered.html, html=True)
