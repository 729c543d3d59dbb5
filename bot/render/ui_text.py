"""The words Telegram handlers use (buttons, prompts, confirmations, errors), as gettext ids.

Handlers translate them with `renderer.translator(locale).gettext(ui_text.BUTTON_HOTLINES)`;
placeholders are filled afterwards with `%`, e.g. `... % {"language": name}`. Keeping the ids
here, rather than scattered through handlers, lets `pybabel extract` find every one and keeps
a typo from silently falling back to English. The English text is the message id; every
translation lives in `locales/<locale>/LC_MESSAGES/messages.po`.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it yet."""
    return message


# Buttons
BUTTON_SUBSCRIBE = N_("Get warnings")
BUTTON_UNSUBSCRIBE = N_("Stop warnings")
BUTTON_LANGUAGE = N_("Language")
BUTTON_COUNTRY = N_("My country")
BUTTON_PROVINCE = N_("My province")
BUTTON_OTHER_COUNTRY = N_("Other country")
BUTTON_CHECK_OFFER = N_("Check a job offer")
BUTTON_HOTLINES = N_("Hotlines")
BUTTON_SETTINGS = N_("Settings")
BUTTON_SHARE = N_("Share this warning")
BUTTON_READ_NEWS = N_("Read the news")
BUTTON_BACK = N_("Back")
BUTTON_CANCEL = N_("Cancel")
BUTTON_SKIP = N_("Skip")
BUTTON_YES = N_("Yes")
BUTTON_NO = N_("No")
BUTTON_DONE = N_("Done")

# Prompts
PROMPT_LANGUAGE = N_("Choose your language.")
PROMPT_COUNTRY = N_(
    "Which country's passport do you have? I use it to show you the right hotlines."
)
PROMPT_PROVINCE = N_("Which province do you live in? You can skip this.")
PROMPT_CHECK_OFFER = N_("Paste or forward the job offer here. I will look for warning signs.")
PROMPT_CONFIRM_STOP = N_("Stop all warnings?")

# Confirmations
CONFIRM_LANGUAGE = N_("Done. I will write to you in %(language)s.")
CONFIRM_COUNTRY = N_("Saved: %(country)s.")
CONFIRM_PROVINCE = N_("Saved: %(province)s.")
CONFIRM_SUBSCRIBED = N_("You will now get warnings. Send /stop at any time to end them.")
CONFIRM_UNSUBSCRIBED = N_("You will not get warnings any more. Send /start to come back.")
CONFIRM_SAVED = N_("Saved.")
CONFIRM_CHECKING = N_("Checking…")

# Errors
ERROR_GENERIC = N_("Sorry, something went wrong. Please try again later.")
ERROR_NOT_UNDERSTOOD = N_("I did not understand. Please use the buttons below.")
ERROR_NEED_TEXT = N_("Please send the job offer as text. I cannot read pictures or voice messages.")
ERROR_TOO_LONG = N_("This is too long. Please send at most %(limit)s characters.")
ERROR_GROUP_ONLY = N_("This command works only in groups.")
ERROR_ADMIN_ONLY = N_("Only group admins can do this.")
ERROR_PRIVATE_ONLY = N_("Please send me this in a private chat.")
ERROR_SLOW_DOWN = N_("Please wait a moment before you send another offer.")

# Inline mode
INLINE_HOTLINES_TITLE = N_("Hotlines for help")
INLINE_HOTLINES_DESCRIPTION = N_("Numbers to call if you or someone you know is in danger")

ALL: tuple[str, ...] = tuple(
    value for name, value in sorted(globals().items()) if name.isupper() and isinstance(value, str)
)
