"""The job-offer check: three levels, the signs explained, the hotlines, and nothing kept.

The offers below were written for these tests in the manner of real adverts.
"""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from bot.store.schema import metadata
from tests.chat.conftest import World

VI_LURE = (
    "Tuyển gấp 10 bạn làm chăm sóc khách hàng online tại Campuchia, việc nhẹ lương cao "
    "1500 USD/tháng, bao vé máy bay, không cần kinh nghiệm. Liên hệ Zalo."
)
EN_CAREFUL = "Work in Cambodia as a hotel receptionist. Apply now."
EN_PLAIN = "Part-time cashier wanted at our bakery in Da Nang, mornings only."
KM_LURE = "ការងារស្រួល ប្រាក់ខែខ្ពស់ នៅថៃ ធ្វើការនៅកាស៊ីណូ"


async def test_a_pasted_lure_in_vietnamese_is_called_a_trap_with_its_signs_explained(
    world: World,
) -> None:
    lan = world.api.add_user("Lan", language_code="vi")

    world.api.send_text(lan, VI_LURE)
    verdict = await world.reply_to(lan)

    assert "dấu hiệu lừa đảo" in verdict.text
    assert "Đừng đi" in verdict.text
    assert "“việc nhẹ lương cao”" in verdict.text
    assert "hứa việc nhẹ, lương cao hoặc bao vé đi lại" in verdict.text  # the sign, explained
    assert "nơi có nhiều trại lừa đảo" in verdict.text  # Campuchia, explained
    assert "111" in verdict.text or "+84" in verdict.text  # a hotline from the directory


async def test_check_command_in_english_says_be_careful_for_a_job_in_a_scam_hub_country(
    world: World,
) -> None:
    sam = world.api.add_user("Sam", language_code="en")

    world.api.send_command(sam, "/check", EN_CAREFUL)
    verdict = await world.reply_to(sam)

    assert "Be careful with this offer." in verdict.text
    assert "a place known for scam compounds" in verdict.text


async def test_an_offer_without_known_signs_is_never_called_safe(world: World) -> None:
    sam = world.api.add_user("Sam", language_code="en")

    world.api.send_command(sam, "/check", EN_PLAIN)
    verdict = await world.reply_to(sam)

    assert "No known warning signs found." in verdict.text
    assert "no guarantee" in verdict.text
    assert "safe" not in verdict.text.lower()


async def test_a_forwarded_khmer_offer_is_checked_in_khmer(world: World) -> None:
    dara = world.api.add_user("Dara", language_code="km")

    world.api.forward_text(dara, KM_LURE, origin="Job Agent")
    verdict = await world.reply_to(dara)

    assert verdict.text.startswith("🚫")
    assert "ការងារស្រួល ប្រាក់ខែខ្ពស់" in verdict.text
    assert verdict.parse_mode == "HTML"


async def test_check_without_text_asks_for_the_offer_and_checks_the_next_message(
    world: World,
) -> None:
    sam = world.api.add_user("Sam", language_code="en")

    world.api.send_command(sam, "/check")
    prompt = await world.reply_to(sam)
    world.api.send_text(sam, VI_LURE)
    verdict = await world.reply_to(sam, after=1)

    assert "Paste or forward the job offer" in prompt.text
    assert verdict.text.startswith("🚫")


async def test_an_oversized_offer_is_judged_by_its_start_without_failing(world: World) -> None:
    sam = world.api.add_user("Sam", language_code="en")
    long_offer = EN_CAREFUL + " " + "We offer training and a friendly team. " * 110

    world.api.send_text(sam, long_offer[:4096])
    verdict = await world.reply_to(sam)

    assert "Be careful" in verdict.text


@pytest.mark.parametrize(
    ("kind", "expected"), [("sticker", "only read text"), ("photo", "as text")]
)
async def test_stickers_and_photos_get_a_short_helpful_answer(
    world: World, kind: str, expected: str
) -> None:
    sam = world.api.add_user("Sam", language_code="en")

    if kind == "sticker":
        world.api.send_sticker(sam)
    else:
        world.api.send_photo(sam)
    answer = await world.reply_to(sam)

    assert expected in answer.text


async def test_a_photo_caption_is_checked_like_text(world: World) -> None:
    sam = world.api.add_user("Sam", language_code="en")

    world.api.send_photo(sam, caption=EN_CAREFUL)

    assert "Be careful" in (await world.reply_to(sam)).text


async def test_the_offer_is_not_stored_or_logged(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    lan = world.api.add_user("Lan", language_code="vi")

    world.api.send_text(lan, VI_LURE)
    await world.reply_to(lan)

    async with world.services.engine.connect() as connection:
        for table in metadata.sorted_tables:
            rows = (await connection.execute(sa.select(table))).all()
            assert all("Zalo" not in str(row) for row in rows), table.name
    ours = [record.getMessage() for record in caplog.records if record.name.startswith("bot")]
    assert all("Zalo" not in message for message in ours)


async def test_text_in_a_group_is_not_read_but_check_in_a_group_answers(world: World) -> None:
    admin = world.api.add_user("Admin", language_code="en")
    group = world.api.add_group("Village", members={admin: "creator"})

    world.api.send_text(admin, VI_LURE, chat=group)
    world.api.send_command(admin, "/check", EN_CAREFUL, chat=group)
    answer = await world.reply_to(group)

    assert "Be careful" in answer.text
    assert world.count(group) == 1
