"""The fake Bot API, specified through the real python-telegram-bot talking to it over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    MessageOriginChannel,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)
from telegram.request import HTTPXRequest

from tests.fakes.bot_api import FakeBotApi, FloodLimits
from tests.fakes.control import FakeBotApiProcess
from tests.fakes.flood import FloodLimiter


class Ticker:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


def bot_for(fake: FakeBotApi | FakeBotApiProcess, token: str | None = None, **request: Any) -> Bot:
    """A real PTB Bot pointed at the fake (plain HTTP on loopback, so no certificates to load)."""
    plain: dict[str, Any] = {"verify": False}
    return Bot(
        token or fake.token,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        request=HTTPXRequest(httpx_kwargs=plain, **request),
        get_updates_request=HTTPXRequest(httpx_kwargs=plain),
    )


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with bot_for(api) as client:
        yield client


@asynccontextmanager
async def polling_app(
    fake: FakeBotApi, *handlers: BaseHandler[Any, Any, Any]
) -> AsyncIterator[None]:
    app = (
        Application.builder()
        .token(fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    for handler in handlers:
        app.add_handler(handler)
    async with app:
        await app.updater.start_polling(poll_interval=0)  # type: ignore[union-attr]
        await app.start()
        try:
            yield
        finally:
            await app.updater.stop()  # type: ignore[union-attr]
            await app.stop()


async def bad_request(call: Callable[[], Any]) -> str:
    with pytest.raises(BadRequest) as caught:
        await call()
    return caught.value.message


def as_ptb_message(description: str) -> str:
    """What PTB makes of a "Bad Request: …" description (prefix dropped, then capitalised)."""
    return description.removeprefix("Bad Request: ").capitalize()


# --- identity and routing ---------------------------------------------------------------


async def test_get_me_answers_with_the_fake_bot_account(bot: Bot, api: FakeBotApi) -> None:
    me = await bot.get_me()

    assert me.id == api.bot.id
    assert me.is_bot
    assert me.username == api.bot.username


async def test_a_token_of_another_bot_is_unauthorized(api: FakeBotApi) -> None:
    with pytest.raises(InvalidToken):
        async with bot_for(api, token="42:another-bots-token"):
            pass
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"{api.base_url}42:another-bots-token/getMe")

    assert answer.status_code == 401
    assert answer.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_an_unknown_method_is_not_found(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathicMessage", api_kwargs={"chat_id": 1})


# --- updates ----------------------------------------------------------------------------


async def test_long_polling_delivers_start_to_a_handler_that_replies(api: FakeBotApi) -> None:
    lan = api.add_user("Lan", language_code="vi")

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        payload = " ".join(context.args or [])
        await update.effective_message.reply_text(
            f"hello {update.effective_user.language_code} {payload}"
        )

    async with polling_app(api, CommandHandler("start", start)):
        api.send_command(lan, "/start", "from-poster")
        [reply] = await api.wait_for_messages(lan, 1)

    assert reply.text == "hello vi from-poster"
    assert reply.chat_id == lan.id


async def test_an_injected_update_wakes_a_waiting_long_poll_at_once(
    bot: Bot, api: FakeBotApi
) -> None:
    minh = api.add_user("Minh")
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await api.wait_for_request("getUpdates", answered=False)

    api.send_text(minh, "is this job real?")
    updates = await asyncio.wait_for(poll, timeout=2)  # far less than the 30 s poll

    assert [u.message.text for u in updates if u.message] == ["is this job real?"]


async def test_updates_below_the_offset_are_confirmed_and_not_sent_again(
    bot: Bot, api: FakeBotApi
) -> None:
    user = api.add_user()
    api.send_text(user, "one")
    api.send_text(user, "two")

    first = await bot.get_updates()
    again = await bot.get_updates(offset=first[-1].update_id + 1)

    assert [u.message.text for u in first if u.message] == ["one", "two"]
    assert again == ()
    assert api.pending_updates == []


async def test_a_second_poller_terminates_the_first_with_conflict(
    bot: Bot, api: FakeBotApi
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30))
    await api.wait_for_request("getUpdates", answered=False)

    async with bot_for(api) as other_instance:
        await other_instance.get_updates(timeout=0)

    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, timeout=2)


# --- Telegram HTML ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "text", "entities"),
    [
        ("<b>Cảnh báo</b> lừa đảo", "Cảnh báo lừa đảo", [("bold", 0, 8)]),
        ("<i>one <u>two</u></i>", "one two", [("italic", 0, 7), ("underline", 4, 3)]),
        (
            '<a href="https://example.org/a?x=1&amp;y=2">read</a>',
            "read",
            [("text_link", 0, 4)],
        ),
        (
            "<s>old</s> <tg-spoiler>new</tg-spoiler>",
            "old new",
            [("strikethrough", 0, 3), ("spoiler", 4, 3)],
        ),
        ('<span class="tg-spoiler">x</span>', "x", [("spoiler", 0, 1)]),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1", [("pre", 0, 5)]),
        ("<blockquote expandable>quoted</blockquote>", "quoted", [("expandable_blockquote", 0, 6)]),
        ("1 &lt; 2 &amp;&amp; &quot;ok&quot; &#128274;", '1 < 2 && "ok" 🔒', []),
        ("😀 <b>bold</b>", "😀 bold", [("bold", 3, 4)]),
    ],
)
async def test_telegram_html_is_delivered_as_text_and_entities(
    bot: Bot, api: FakeBotApi, html: str, text: str, entities: list[tuple[str, int, int]]
) -> None:
    user = api.add_user()

    message = await bot.send_message(user.id, html, parse_mode="HTML")

    assert message.text == text
    assert [(e.type, e.offset, e.length) for e in message.entities] == entities
    assert api.last_sent(user).source_text == html


@pytest.mark.parametrize(
    ("html", "description"),
    [
        (
            "<script>alert(1)</script>",
            'Bad Request: can\'t parse entities: Unsupported start tag "script" at byte offset 0',
        ),
        (
            "<b>bold for ever",
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag b",
        ),
        (
            "<b><i>crossed</b></i>",
            "Bad Request: can't parse entities: Unmatched end tag at byte offset 13, "
            'expected "</i>", found "</b>"',
        ),
        (
            "salary 5 < 6 million",
            'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 9',
        ),
        (
            "Tom & Jerry",
            'Bad Request: can\'t parse entities: Character "&" at byte offset 4 must be escaped '
            'as "&amp;" (fake Bot API strict check; Telegram itself would show it as is)',
        ),
        (
            '<span class="red">x</span>',
            'Bad Request: can\'t parse entities: Tag "span" must have '
            'class "tg-spoiler" at byte offset 0',
        ),
    ],
)
async def test_malformed_html_is_refused_with_telegrams_words_and_not_delivered(
    bot: Bot, api: FakeBotApi, html: str, description: str
) -> None:
    user = api.add_user()

    message = await bad_request(lambda: bot.send_message(user.id, html, parse_mode="HTML"))

    assert message == as_ptb_message(description)
    assert api.requests_for("sendMessage")[-1].description == description
    assert api.sent(user) == []


async def test_text_over_4096_characters_after_parsing_is_too_long(
    bot: Bot, api: FakeBotApi
) -> None:
    user = api.add_user()

    message = await bad_request(
        lambda: bot.send_message(user.id, "<b>" + "a" * 4097 + "</b>", parse_mode="HTML")
    )

    assert message == "Message is too long"


async def test_markup_does_not_count_towards_the_length_limit(bot: Bot, api: FakeBotApi) -> None:
    user = api.add_user()

    sent = await bot.send_message(user.id, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")

    assert len(sent.text or "") == 4096


async def test_text_that_is_only_markup_and_spaces_is_empty(bot: Bot, api: FakeBotApi) -> None:
    user = api.add_user()

    message = await bad_request(lambda: bot.send_message(user.id, "<b> </b>", parse_mode="HTML"))

    assert message == "Message text is empty"


async def test_send_options_are_recorded_with_the_message(bot: Bot, api: FakeBotApi) -> None:
    forum = api.add_supergroup("Job seekers", forum=True)
    topic = api.create_forum_topic(forum, "Warnings")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Stop", callback_data="unsub")]])

    sent = await bot.send_message(
        forum.id,
        "alert",
        message_thread_id=topic,
        reply_markup=keyboard,
        disable_notification=True,
        protect_content=True,
        allow_paid_broadcast=True,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )

    record = api.last_sent(forum)
    assert sent.message_thread_id == topic and sent.is_topic_message
    assert record.message_thread_id == topic
    assert record.callback_data == ["unsub"]
    assert record.disable_notification and record.protect_content and record.allow_paid_broadcast
    assert record.link_preview_options == {"is_disabled": True}
    assert record.message_id == sent.message_id


async def test_a_topic_that_does_not_exist_is_refused(bot: Bot, api: FakeBotApi) -> None:
    forum = api.add_supergroup(forum=True)

    message = await bad_request(lambda: bot.send_message(forum.id, "hi", message_thread_id=999))

    assert message == "Message thread not found"


async def test_message_ids_increase_per_chat(bot: Bot, api: FakeBotApi) -> None:
    first, second = api.add_user(), api.add_user()

    ids = [(await bot.send_message(chat.id, "x")).message_id for chat in (first, first, second)]

    assert ids == [1, 2, 1]


# --- errors the delivery code must handle -------------------------------------------------


async def test_a_user_who_blocked_the_bot_raises_forbidden(bot: Bot, api: FakeBotApi) -> None:
    user = api.add_user()
    api.block_bot(user)

    with pytest.raises(Forbidden, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(user.id, "alert")
    assert api.sent(user) == []
    [blocked] = [u for u in api.pending_updates if "my_chat_member" in u]
    assert blocked["my_chat_member"]["new_chat_member"]["status"] == "kicked"


async def test_a_forgotten_chat_is_not_found(bot: Bot, api: FakeBotApi) -> None:
    group = api.add_group()
    api.forget_chat(group)

    assert await bad_request(lambda: bot.send_message(group.id, "x")) == "Chat not found"


async def test_rate_limit_raises_retry_after_with_its_seconds(
    bot: Bot, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    user = api.add_user()
    api.rate_limit_next(retry_after=5, chat=user)

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(user.id, "alert")

    assert caught.value.retry_after.total_seconds() == 5  # type: ignore[union-attr]
    assert api.requests_for("sendMessage")[-1].description == "Too Many Requests: retry after 5"
    assert api.too_many_requests_count == 1
    assert api.sent(user) == []


async def test_a_migrated_group_raises_chat_migrated_with_the_new_id(
    bot: Bot, api: FakeBotApi
) -> None:
    admin = api.add_user("Admin")
    group = api.add_group("Old group", members={admin: "creator"})

    supergroup = api.migrate_group_to_supergroup(group)

    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(group.id, "alert")
    assert caught.value.new_chat_id == supergroup.id
    assert await bot.send_message(supergroup.id, "alert")
    updates = await bot.get_updates()
    assert [
        (u.message.migrate_to_chat_id, u.message.migrate_from_chat_id) for u in updates if u.message
    ] == [
        (supergroup.id, None),
        (None, group.id),
    ]


async def test_three_messages_at_once_to_one_private_chat_hit_the_flood_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    ticker = Ticker()
    async with FakeBotApi(clock=ticker, flood_limits=FloodLimits()) as fake:
        user = fake.add_user()
        async with bot_for(fake) as client:
            results = await asyncio.gather(
                *(client.send_message(user.id, f"alert {n}") for n in range(3)),
                return_exceptions=True,
            )
            ticker.now += 1.0
            await client.send_message(user.id, "after a second")

    refused = [r for r in results if isinstance(r, RetryAfter)]
    assert len(refused) == 1
    assert refused[0].retry_after.total_seconds() >= 1  # type: ignore[union-attr]
    assert len(fake.sent(user)) == 3
    assert fake.too_many_requests_count == 1


def test_groups_get_twenty_messages_a_minute_and_a_whole_second_retry_after() -> None:
    ticker = Ticker()
    limiter = FloodLimiter(FloodLimits(), ticker)

    allowed = [limiter.try_send(-100, private=False) is None for _ in range(21)]
    retry_after = limiter.try_send(-100, private=False)
    ticker.now += 3.0

    assert allowed == [True] * 20 + [False]
    assert retry_after == 3
    assert limiter.try_send(-100, private=False) is None


async def test_a_server_error_raises_network_error(bot: Bot, api: FakeBotApi) -> None:
    user = api.add_user()
    api.fail_next(status=502, description="Bad Gateway", method="sendMessage")

    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(user.id, "alert")
    assert (await bot.send_message(user.id, "alert")).text == "alert"


async def test_a_dropped_connection_raises_network_error(bot: Bot, api: FakeBotApi) -> None:
    user = api.add_user()
    api.drop_next(chat=user)

    with pytest.raises(NetworkError):
        await bot.send_message(user.id, "alert")
    assert api.sent(user) == []


async def test_a_connection_dropped_after_delivery_leaves_the_message_delivered(
    bot: Bot, api: FakeBotApi
) -> None:
    user = api.add_user()
    api.drop_next(chat=user, after_processing=True)

    with pytest.raises(NetworkError):
        await bot.send_message(user.id, "alert")
    assert [m.text for m in api.sent(user)] == ["alert"]


async def test_a_delayed_answer_times_out_in_the_client(api: FakeBotApi) -> None:
    user = api.add_user()
    api.delay_next(2.0, method="sendMessage")

    async with bot_for(api, read_timeout=0.2) as client:
        with pytest.raises(TimedOut):
            await client.send_message(user.id, "alert")


# --- buttons, commands, profile, webhook ------------------------------------------------


async def test_a_pressed_button_reaches_the_callback_handler_whose_answer_is_recorded(
    api: FakeBotApi,
) -> None:
    user = api.add_user()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Vietnamese", callback_data="vi")]])
        assert update.effective_message is not None
        await update.effective_message.reply_text("Language?", reply_markup=keyboard)

    async def chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer(f"saved {query.data}")
        await query.edit_message_text("Language: vi")

    async with polling_app(api, CommandHandler("start", start), CallbackQueryHandler(chosen)):
        api.send_command(user, "/start")
        [question] = await api.wait_for_messages(user, 1)
        press = api.press_button(user, question, "vi")
        await api.wait_for_request("editMessageText")

    assert api.callback_answer(press["callback_query"]["id"]) == {
        "text": "saved vi",
        "show_alert": False,
        "url": None,
        "cache_time": 0,
    }
    assert question.text == "Language: vi"
    assert question.history[0]["text"] == "Language?"


async def test_pressing_a_button_the_message_does_not_have_is_a_mistake_in_the_test(
    bot: Bot, api: FakeBotApi
) -> None:
    user = api.add_user()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])
    await bot.send_message(user.id, "Subscribe?", reply_markup=keyboard)

    with pytest.raises(ValueError, match="no button with callback_data 'no'"):
        api.press_button(user, api.last_sent(user), "no")


async def test_commands_are_kept_per_scope_and_language(bot: Bot, api: FakeBotApi) -> None:
    await bot.set_my_commands([BotCommand("start", "Bắt đầu")], language_code="vi")
    await bot.set_my_commands(
        [BotCommand("alerts", "Alerts in this group")], scope=BotCommandScopeAllGroupChats()
    )
    await api.wait_for_request("setMyCommands")

    vietnamese = await bot.get_my_commands(language_code="vi")
    groups = await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())

    assert [(c.command, c.description) for c in vietnamese] == [("start", "Bắt đầu")]
    assert [c.command for c in groups] == ["alerts"]
    assert await bot.get_my_commands() == ()
    assert api.commands(language_code="vi") == [{"command": "start", "description": "Bắt đầu"}]


async def test_descriptions_are_kept_per_language(bot: Bot, api: FakeBotApi) -> None:
    await bot.set_my_description("Cảnh báo việc làm lừa đảo", language_code="vi")
    await bot.set_my_short_description("Scam job alerts")

    assert (await bot.get_my_description("vi")).description == "Cảnh báo việc làm lừa đảo"
    assert api.short_description() == "Scam job alerts"


async def test_a_webhook_is_recorded_and_blocks_polling(bot: Bot, api: FakeBotApi) -> None:
    await bot.set_webhook("https://alerts.example.org/hook", secret_token="s3cret-token")

    info = await bot.get_webhook_info()

    assert info.url == "https://alerts.example.org/hook"
    assert api.webhook is not None and api.webhook["secret_token"] == "s3cret-token"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""


# --- chats and members ------------------------------------------------------------------


async def test_chat_members_are_answered_truthfully(bot: Bot, api: FakeBotApi) -> None:
    owner, admin, member, gone, banned = (api.add_user(n) for n in "ABCDE")
    group = api.add_supergroup(
        members={owner: "creator", admin: "administrator", member: "member", banned: "kicked"},
        bot_status="administrator",
    )

    kinds = [
        type(await bot.get_chat_member(group.id, u.id))
        for u in (owner, admin, member, gone, banned)
    ]
    admins = await bot.get_chat_administrators(group.id)

    assert kinds == [
        ChatMemberOwner,
        ChatMemberAdministrator,
        ChatMemberMember,
        ChatMemberLeft,
        ChatMemberBanned,
    ]
    assert {a.user.id for a in admins} == {owner.id, admin.id, api.bot.id}
    assert (await bot.get_chat(group.id)).type == "supergroup"


async def test_a_channel_where_the_bot_is_not_admin_refuses_posts(
    bot: Bot, api: FakeBotApi
) -> None:
    channel = api.add_channel("Alerts", bot_status="member")

    message = await bad_request(lambda: bot.send_message(channel.id, "alert"))

    assert message == "Need administrator rights in the channel chat"


async def test_a_group_the_bot_left_is_forbidden(bot: Bot, api: FakeBotApi) -> None:
    user = api.add_user()
    group = api.add_group(members=[user])
    api.remove_bot(user, group)

    with pytest.raises(Forbidden, match="bot is not a member of the group chat"):
        await bot.send_message(group.id, "alert")


async def test_membership_changes_arrive_as_my_chat_member_updates(
    bot: Bot, api: FakeBotApi
) -> None:
    user = api.add_user()
    group = api.add_group(members=[user], bot_status="left")
    channel = api.add_channel(bot_status="left")

    api.add_bot_to_group(user, group)
    api.promote_bot_in_channel(user, channel)
    updates = await bot.get_updates()

    changes = [u.my_chat_member for u in updates if u.my_chat_member]
    assert [(c.chat.id, c.new_chat_member.status) for c in changes] == [
        (group.id, "member"),
        (channel.id, "administrator"),
    ]
    joined = [u.message for u in updates if u.message]
    assert [m.new_chat_members[0].id for m in joined] == [api.bot.id]


async def test_every_injected_kind_of_update_parses_in_ptb(bot: Bot, api: FakeBotApi) -> None:
    user = api.add_user("Hoa", language_code="vi")
    channel = api.add_channel("News")
    original = api.send_text(user, "first words")
    api.forward_text(user, "forwarded lure", origin=channel)
    api.edit_text(user, original, "edited words")
    api.send_sticker(user)
    api.send_photo(user, b"jpeg bytes", caption="poster")
    api.send_inline_query(user, "lừa đảo")

    first, forwarded, edited, sticker, photo, inline = await bot.get_updates()

    assert first.message is not None and first.message.text == "first words"
    assert forwarded.message is not None
    assert isinstance(forwarded.message.forward_origin, MessageOriginChannel)
    assert forwarded.message.forward_origin.chat.id == channel.id
    assert edited.edited_message is not None and edited.edited_message.text == "edited words"
    assert sticker.message is not None and sticker.message.sticker is not None
    assert photo.message is not None and photo.message.caption == "poster"
    assert inline.inline_query is not None and inline.inline_query.query == "lừa đảo"
    download = await bot.get_file(photo.message.photo[-1].file_id)
    assert bytes(await download.download_as_bytearray()) == b"jpeg bytes"
    await bot.answer_inline_query(inline.inline_query.id, [], cache_time=0)
    assert api.inline_answer(inline.inline_query.id) == {
        "results": [],
        "cache_time": 0,
        "is_personal": False,
        "next_offset": "",
        "button": None,
    }


async def test_an_uploaded_document_is_recorded_byte_for_byte(bot: Bot, api: FakeBotApi) -> None:
    user = api.add_user()
    content = bytes(range(256)) * 4

    sent = await bot.send_document(
        user.id, content, filename="alert.pdf", caption="<b>PDF</b>", parse_mode="HTML"
    )

    record = api.last_sent(user)
    assert record.file is not None and record.file.data == content
    assert record.text == "PDF"
    assert sent.document is not None and sent.document.file_name == "alert.pdf"


# --- other ways to run the fake ---------------------------------------------------------


async def test_a_server_in_a_background_thread_serves_a_bot_on_this_loop() -> None:
    with FakeBotApi() as fake:
        user = fake.add_user()
        async with bot_for(fake) as client:
            await client.send_message(user.id, "from another loop")
        [message] = await fake.wait_for_messages(user, 1)

    assert message.text == "from another loop"


async def test_a_server_in_a_subprocess_prints_its_url_and_obeys_the_control_api() -> None:
    with FakeBotApiProcess() as fake:
        user = fake.call("add_user", first_name="Lan", language_code="vi")
        fake.call("send_command", user_id=user["id"], command="/start", payload="x")
        async with bot_for(fake) as client:
            [update] = await client.get_updates()
            await client.send_message(user["id"], "<b>xin chào</b>", parse_mode="HTML")
            fake.call("block_bot", user_id=user["id"])
            with pytest.raises(Forbidden):
                await client.send_message(user["id"], "again")
        [sent] = await fake.acall("wait_for_messages", chat_id=user["id"], count=1, timeout=2)
        with pytest.raises(TimeoutError):
            await fake.acall("wait_for_messages", chat_id=user["id"], count=2, timeout=0.1)
        process_id = fake.pid

    assert fake.root_url.startswith("http://127.0.0.1:")
    assert update.message is not None and update.message.text == "/start x"
    assert sent["text"] == "xin chào" and sent["entities"][0]["type"] == "bold"
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as client:
            await client.post(f"{fake.root_url}/_control/info", timeout=1)
    assert process_id > 0
