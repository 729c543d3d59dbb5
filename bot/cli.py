"""`alertbot …` / `python -m bot …`: parse the command line and call the application.

Exit codes: 0 all well; 1 a check found problems or some input was bad; 2 the program could not
start (a setting, an operator file or the database), always with one plain line saying why.

Each command imports what it needs when it runs, not this module at import: every parser
process (`bot.ingest.workers`, spawned) imports the entry script again, and at module level
that would load Telegram, the database layer and the rest into each one (99 MB peak
apiece instead of 38).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.errors import ConfigError, OperatorFileError, StoreUnavailable

if TYPE_CHECKING:
    from bot.config import Settings

EXIT_OK, EXIT_PROBLEMS, EXIT_CANNOT_START = 0, 1, 2

Command = Callable[[argparse.Namespace, "Settings"], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "command"):
        parser.print_help()
        return EXIT_CANNOT_START
    # PTB 22 hands `retry_after` over as a timedelta when asked, as PTB 23 always will.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    from bot.config import load_settings
    from bot.logs import configure_logging

    try:
        settings = load_settings()
        secrets = [
            s.get_secret_value()
            for s in (settings.telegram_bot_token, settings.webhook_secret)
            if s
        ]
        configure_logging(settings.log_level, settings.log_format, secrets)
        command: Command = args.command
        return command(args, settings)
    except (ConfigError, StoreUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CANNOT_START
    except OperatorFileError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_CANNOT_START


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alertbot",
        description="Warn job seekers about scam-compound recruitment, on Telegram.",
    )
    subcommands = parser.add_subparsers(metavar="COMMAND")

    run = subcommands.add_parser("run", help="run the bot (long polling; --webhook for webhooks)")
    run.add_argument("--webhook", action="store_true", help="serve WEBHOOK_URL on $PORT")
    run.set_defaults(command=_run)

    check = subcommands.add_parser("check", help="validate settings, feeds, lexicons, templates")
    check.set_defaults(command=_check)

    scan = subcommands.add_parser("scan", help="poll feeds and show what would be sent")
    scan.add_argument("--once", action="store_true", required=True, help="one cycle, then exit")
    scan.set_defaults(command=_scan)

    classify = subcommands.add_parser("classify", help="classify JSON Lines items")
    classify.add_argument("file", nargs="?", default="-", help="input file, or - for stdin")
    classify.set_defaults(command=_classify)

    evaluate = subcommands.add_parser("eval", help="measure the classifier on labelled items")
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument("--json", action="store_true", help="one JSON object instead")
    evaluate.set_defaults(command=_eval)

    feeds = subcommands.add_parser("feeds", help="show the health of every feed")
    feeds.set_defaults(command=_feeds)

    preview = subcommands.add_parser("preview", help="show a template as a subscriber sees it")
    preview.add_argument("--template", default="alert")
    preview.add_argument("--locale", default="en")
    preview.add_argument("--item", type=Path, help="JSON file with the item to render")
    preview.add_argument("--all-locales", action="store_true")
    preview.add_argument("--plain", action="store_true", help="plain text, not Telegram HTML")
    preview.set_defaults(command=_preview)

    alerts = subcommands.add_parser("alerts", help="issued alerts and how their delivery went")
    alert_commands = alerts.add_subparsers(metavar="ACTION", required=True)
    listing = alert_commands.add_parser("list", help="the newest alerts with delivery counts")
    listing.add_argument("--limit", type=int, default=20)
    listing.set_defaults(command=_alerts_list)
    show = alert_commands.add_parser("show", help="one alert's delivery report")
    show.add_argument("alert_id", type=int)
    show.set_defaults(command=_alerts_show)
    retract = alert_commands.add_parser("retract", help="withdraw an alert and send corrections")
    retract.add_argument("alert_id", type=int)
    retract.add_argument("--reason", default="", help="shown to subscribers, in your words")
    retract.set_defaults(command=_alerts_retract)

    invite = subcommands.add_parser("invite", help="a deep link and a printable poster with its QR")
    invite.add_argument("--province", help="province code, e.g. an-giang")
    invite.add_argument("--locale", default="vi", help="language of the poster and the bot")
    invite.add_argument("--out", type=Path, help="write the poster here (PNG)")
    invite.add_argument("--bot", help="the bot's username; asked of Telegram (getMe) when absent")
    invite.add_argument("--font", type=Path, help="a font file with the locale's letters")
    invite.set_defaults(command=_invite)

    db = subcommands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(metavar="ACTION", required=True)
    upgrade = db_commands.add_parser("upgrade", help="apply migrations")
    upgrade.set_defaults(command=_db_upgrade)
    return parser


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot import runner

    settings.require_token()
    runner.run(settings, webhook=args.webhook)
    return EXIT_OK


def _check(args: argparse.Namespace, settings: Settings) -> int:
    from bot import app

    problems = app.check_operator_files(settings)
    for problem in problems:
        print(problem)
    errors = [p for p in problems if p.severity == "error"]
    print(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    return EXIT_PROBLEMS if errors else EXIT_OK


def _scan(args: argparse.Namespace, settings: Settings) -> int:
    from bot import commands

    return asyncio.run(commands.scan_once(settings, sys.stdout))


def _classify(args: argparse.Namespace, settings: Settings) -> int:
    from bot import app
    from bot.classify.cli_support import classify_jsonl

    classifier = app.load_classifier(settings)
    with _open_input(args.file) as stream:
        return classify_jsonl(classifier, stream, sys.stdout)


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot import app
    from bot.classify.cli_support import run_eval

    return run_eval(app.load_classifier(settings), args.file, args.json)


def _feeds(args: argparse.Namespace, settings: Settings) -> int:
    from bot import commands

    return asyncio.run(commands.print_feed_health(settings, sys.stdout))


def _preview(args: argparse.Namespace, settings: Settings) -> int:
    from bot import commands

    print(
        commands.preview(
            settings,
            template=args.template,
            locale=args.locale,
            item=args.item,
            all_locales=args.all_locales,
            plain=args.plain,
        )
    )
    return EXIT_OK


def _alerts_list(args: argparse.Namespace, settings: Settings) -> int:
    from bot import commands

    return asyncio.run(commands.print_alerts(settings, sys.stdout, limit=args.limit))


def _alerts_show(args: argparse.Namespace, settings: Settings) -> int:
    from bot import commands

    return asyncio.run(commands.print_alert_report(settings, sys.stdout, args.alert_id))


def _alerts_retract(args: argparse.Namespace, settings: Settings) -> int:
    from bot import commands

    return asyncio.run(commands.retract_alert(settings, sys.stdout, args.alert_id, args.reason))


def _invite(args: argparse.Namespace, settings: Settings) -> int:
    from bot.invite import InviteRequest, run_invite

    request = InviteRequest(args.locale, args.province, args.out, args.bot, args.font)
    return run_invite(request, settings, sys.stdout, sys.stderr)


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from bot import app

    asyncio.run(app.prepare_database(settings))
    print("database is up to date")
    return EXIT_OK


class _open_input:
    """`-` is standard input; anything else a UTF-8 file."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._file: TextIO | None = None

    def __enter__(self) -> TextIO:
        if self._name == "-":
            return sys.stdin
        try:
            self._file = open(self._name, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read {self._name}: {exc.strerror}") from None
        return self._file

    def __exit__(self, *_: object) -> None:
        if self._file is not None:
            self._file.close()
