"""Operators edit templates while the bot runs: a broken edit is refused, the operators are
told, and subscribers keep getting the last good wording."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bot.app import RELOAD_JOB
from tests.e2e.harness import REPO, bot_settings, running_bot, services
from tests.fakes.bot_api import FakeBotApi
from tests.production.processes import quiet_feeds


async def run_reload_job(bot: object) -> None:
    [job] = bot.job_queue.get_jobs_by_name(RELOAD_JOB)  # type: ignore[attr-defined]
    await job.run(bot)


async def test_a_broken_template_edit_is_refused_and_the_operators_are_told(
    tmp_path: Path, database_url: str
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    async with FakeBotApi() as api:
        operator = api.add_user("Operator", language_code="en")
        settings = bot_settings(
            api,
            database_url,
            quiet_feeds(tmp_path / "feeds"),
            templates_path=templates,
            admin_ids=(operator.id,),
        )
        async with running_bot(settings) as bot:
            before = services(bot).renderer

            welcome = templates / "en" / "welcome.html"
            welcome.write_text(welcome.read_text(encoding="utf-8") + "{% if %}", encoding="utf-8")
            os.utime(welcome, (welcome.stat().st_atime, welcome.stat().st_mtime + 5))
            await run_reload_job(bot)

            [notice] = await api.wait_for_messages(operator, count=1)
            assert "welcome.html" in notice.text
            assert services(bot).renderer is before  # the last good version stays in use

            welcome.write_text((REPO / "templates" / "en" / "welcome.html").read_text(
                encoding="utf-8") + "\n", encoding="utf-8")  # fmt: skip
            os.utime(welcome, (welcome.stat().st_atime, welcome.stat().st_mtime + 10))
            await run_reload_job(bot)
            assert services(bot).renderer is not before  # a good edit is applied
            assert len(api.sent(operator)) == 1
