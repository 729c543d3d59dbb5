"""Fakes at the seams: a fake Telegram Bot API server (`tests.fakes.bot_api.FakeBotApi`).

Import from the submodules (`from tests.fakes.bot_api import FakeBotApi`); this package stays
empty so that `python -m tests.fakes.bot_api` does not import its own module twice.
"""
