"""The words of the chat interface that `bot.render.ui_text` does not already hold, as gettext ids.

Handlers translate them with `Speaker` (`bot.chat.common`), which fills `%(name)s` placeholders
after translation. Like `ui_text`, the English text is the id and every translation lives in
`locales/<locale>/LC_MESSAGES/messages.po`; `tests/chat/test_words.py` checks that each one is
there in every language. Longer texts (help, about, the verdict, the welcome) are templates.
"""

from __future__ import annotations

from bot.render.ui_text import N_

# --- commands menu (setMyCommands) and profile (setMyDescription) --------------------------
COMMAND_START = N_("Subscribe and choose your language")
COMMAND_SETTINGS = N_("Language, country, province and what you receive")
COMMAND_CHECK = N_("Check a job offer for warning signs")
COMMAND_HOTLINE = N_("Numbers to call for help")
COMMAND_LATEST = N_("The last five warnings")
COMMAND_HELP = N_("What I can do")
COMMAND_ABOUT = N_("Who runs this bot and what it stores")
COMMAND_STOP = N_("Stop the warnings")
COMMAND_FORGET = N_("Delete everything stored about this chat")
COMMAND_CHANNEL = N_("Post the warnings in a channel you run")
COMMAND_REVIEW = N_("Operators: the next item to review")
COMMAND_BROADCAST = N_("Operators: send a message to subscribers")
COMMAND_STATS = N_("Operators: subscribers and deliveries")
COMMAND_FEEDS = N_("Operators: the health of every news feed")
COMMAND_INVITE = N_("A poster with a code that opens this bot")
BOT_DESCRIPTION = N_(
    "Offers of easy work and high pay abroad often end in scam compounds, where people are "
    "locked up and forced to cheat others. I send warnings from the news in your language, "
    "check job offers for warning signs and give you the numbers to call for help."
)
BOT_SHORT_DESCRIPTION = N_("Warnings about fake job offers abroad, and numbers to call for help.")

# --- onboarding and settings ---------------------------------------------------------------
SETTINGS_TITLE = N_("Settings")
SETTINGS_LANGUAGE = N_("Language: %(value)s")
SETTINGS_COUNTRY = N_("Country: %(value)s")
SETTINGS_PROVINCE = N_("Province: %(value)s")
SETTINGS_KINDS = N_("Warnings about: %(value)s")
SETTINGS_DELIVERY = N_("Delivery: %(value)s")
SETTINGS_QUIET = N_("Quiet hours: %(value)s")
SETTINGS_TOPIC = N_("Topic: %(value)s")
VALUE_NOT_SET = N_("not set")
VALUE_OFF = N_("off")
VALUE_HOURS = N_("%(start)s:00 to %(end)s:00")
VALUE_THIS_TOPIC = N_("chosen")
VALUE_GENERAL_TOPIC = N_("General")
BUTTON_KINDS = N_("What I receive")
BUTTON_DELIVERY = N_("Instant or daily")
BUTTON_QUIET = N_("Quiet hours")
BUTTON_TOPIC_HERE = N_("Post warnings in this topic")
BUTTON_PREVIOUS = N_("Previous")
BUTTON_NEXT = N_("Next")
KIND_RECRUITMENT = N_("fake job offers")
KIND_RESCUE = N_("people rescued or held")
KIND_CRACKDOWN = N_("police action")
DELIVERY_INSTANT = N_("as soon as they come")
DELIVERY_DIGEST = N_("once a day")
PROMPT_KINDS = N_("Which warnings do you want? Tap to switch each on or off.")
PROMPT_DELIVERY = N_("Get each warning at once, or all of them once a day?")
PROMPT_QUIET = N_("Hours without messages, in your local time:")
ERROR_KINDS_EMPTY = N_("Keep at least one. To get nothing, send /stop.")
CONFIRM_TOPIC = N_("Warnings will be posted in this topic.")
CONFIRM_FORGOTTEN = N_("Everything stored about this chat was deleted. Send /start to come back.")
PROMPT_CONFIRM_FORGET = N_(
    "Delete your settings and everything stored about this chat? You will get no more warnings."
)
FORGET_KEPT = N_("Nothing was deleted.")
ALREADY_STOPPED = N_("You do not get warnings now. Send /start to get them again.")
NO_ALERTS_YET = N_("No warnings yet. I will send you the next one.")

# --- the job-offer check -------------------------------------------------------------------
ERROR_TEXT_ONLY = N_("I can only read text. Send /help to see what I can do.")

# --- groups and channels -------------------------------------------------------------------
GROUP_STOPPED = N_("This group will not get warnings any more. An admin can send /start to resume.")
GROUP_SUBSCRIBED = N_("This group will get warnings. Admins can change this with /settings.")
PROMPT_CHANNEL = N_(
    "Send me the channel's @username, or forward me a message from the channel. "
    "You and I must both be admins there."
)
CHANNEL_LINKED = N_("Done: I will post warnings in %(channel)s.")
CHANNEL_OFFER = N_("You made me an admin of %(channel)s. Post the warnings there?")
BUTTON_LINK_CHANNEL = N_("Yes, post warnings there")
ERROR_CHANNEL_NOT_FOUND = N_("I cannot find this channel. Check the name, and add me as an admin.")
ERROR_CHANNEL_NOT_ADMIN = N_("Only an admin of the channel can link it.")
ERROR_BOT_NOT_CHANNEL_ADMIN = N_("Make me an admin of the channel first, with the right to post.")

# --- everywhere ----------------------------------------------------------------------------
ERROR_OPERATORS_ONLY = N_("Sorry, only the team that runs this bot can use this command.")
UNKNOWN_COMMAND = N_("I do not know this command. Send /help to see what I can do.")
ERROR_STALE_BUTTON = N_("This button is no longer active. Please send the command again.")
ERROR_SLOW_DOWN_ALL = N_("You are sending messages very fast. Please wait a minute.")

# --- operators: /review --------------------------------------------------------------------
REVIEW_EMPTY = N_("The review queue is empty.")
REVIEW_HEADING = N_("To review (%(count)s waiting)")
REVIEW_SCORE = N_("Score: %(score)s, category: %(category)s")
REVIEW_SOURCE = N_("Source: %(source)s")
REVIEW_CUES = N_("Cues: %(cues)s")
REVIEW_PLACES = N_("Places: %(places)s")
REVIEW_APPROVED = N_("Approved by %(operator)s: alert %(alert)s, %(count)s chats.")
REVIEW_ALREADY_ALERTED = N_("Approved by %(operator)s; this story had already been sent.")
REVIEW_REJECTED = N_("Rejected by %(operator)s.")
REVIEW_RECATEGORISED = N_("Category changed to %(category)s by %(operator)s.")
REVIEW_CATEGORY_FIRST = N_("Choose a category before you approve this item.")
REVIEW_TAKEN = N_("Someone else already decided on this item.")
BUTTON_APPROVE = N_("Approve")
BUTTON_REJECT = N_("Reject")
BUTTON_EDIT_CATEGORY = N_("Edit category")
CATEGORY_RECRUITMENT = N_("recruitment lure")
CATEGORY_VICTIMS = N_("trafficking victims")
CATEGORY_CRACKDOWN = N_("crackdown")

# --- operators: /broadcast -----------------------------------------------------------------
BROADCAST_COMPOSE = N_("Send me the text of the message. /cancel stops.")
BROADCAST_AUDIENCE = N_("Who should get it?")
BROADCAST_CONFIRM = N_("This is what each language sees. Send it to %(count)s chats?")
BROADCAST_NOBODY = N_("No active chat matches this audience.")
BROADCAST_PROGRESS = N_("Sending: %(sent)s of %(total)s sent, %(failed)s failed.")
BROADCAST_REPORT = N_(
    "Done: %(sent)s of %(total)s sent, %(failed)s failed, in %(seconds)s seconds."
)
BROADCAST_FAILURE = N_("Failed, %(reason)s: %(count)s")
BROADCAST_CANCELLED = N_("Cancelled. Nothing was sent.")
BUTTON_AUDIENCE_ALL = N_("Everyone")
BUTTON_AUDIENCE_LOCALE = N_("One language")
BUTTON_AUDIENCE_PROVINCE = N_("One province")
BUTTON_AUDIENCE_COUNTRY = N_("One country")
BUTTON_SEND = N_("Send")

# --- operators: /stats, /feeds, /invite, errors ---------------------------------------------
STATS_TITLE = N_("Subscribers: %(count)s (review queue: %(pending)s)")
STATS_BY_LOCALE = N_("By language: %(values)s")
STATS_BY_PROVINCE = N_("By province: %(values)s")
STATS_BY_TYPE = N_("By kind of chat: %(values)s")
STATS_WINDOW = N_("Last %(days)s days: %(alerts)s alerts; deliveries %(values)s")
FEEDS_UNAVAILABLE = N_("Feed health is not available yet.")
OPERATOR_FILES_REJECTED = N_(
    "An edit to the templates, catalogs or hotlines was refused; the last good version stays "
    "in use. Run alertbot check. First problem: %(problem)s"
)
FEED_DEAD_NOTICE = N_(
    "A news feed has failed for days and is now paused: %(name)s (%(url)s). Last error: "
    "%(reason)s. Check its address in the feeds folder."
)
INVITE_CAPTION = N_("Print this and put it up. Scanning the code opens the bot: %(link)s")
INVITE_NO_FONT = N_("I cannot draw this language's letters here. The link: %(link)s")
INVITE_USAGE = N_("Usage: /invite [province] [language], for example /invite an-giang vi")
ADMIN_ERROR_NOTICE = N_("Error while handling update %(update)s: %(error)s")

# --- the invite poster (alertbot invite) ---------------------------------------------------
POSTER_HEADLINE = N_("Easy work, high pay abroad? It can be a trap.")
POSTER_BODY = N_("Scan the code to get free warnings and the numbers to call for help.")

ALL: tuple[str, ...] = tuple(
    value for name, value in sorted(globals().items()) if name.isupper() and isinstance(value, str)
)
