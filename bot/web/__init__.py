"""The bot's HTTP side: Telegram webhook, health, metrics and public alert feeds (Atom, CAP).

Nothing here reads settings or touches the database: `create_web_app` is given callables and
small protocols (`bot.web.issued`) by the composition root.
"""
