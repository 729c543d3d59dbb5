"""Retracting an alert: those who got it get a correction in their language; the public CAP
feed says Cancel; copies not yet sent are never sent."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bot.render import ReloadingRenderer
from bot.services import utc_now
from bot.web.cap import CAP_NAMESPACE, CapPublisher, cap_message, render_cap
from bot.web.texts import cap_texts_for
from tests.deliver.conftest import CONTENT, World, drain_until_settled
from tests.web.conftest import CapSchema

NS = {"cap": CAP_NAMESPACE}


async def test_retraction_corrects_every_recipient_and_cancels_unsent_copies(
    world: World, renderers: ReloadingRenderer, cap_schema: CapSchema
) -> None:
    lan = world.api.add_user("Lan", language_code="vi")
    sok = world.api.add_user("Sok", language_code="km")
    late = world.api.add_user("Late", language_code="en")
    await world.subscribe(lan.id, "vi")
    await world.subscribe(sok.id, "km")
    alert_id = await world.issue()
    await drain_until_settled(world.sender(), world.alerts)
    await world.subscribe(late.id, "en")  # joined after the alert: nothing to correct

    correction = await world.alerts.retract(alert_id, reason="", retracted_by=42, now=utc_now())
    await drain_until_settled(world.sender(), world.alerts)

    assert correction is not None
    [_, vi_fix] = world.api.sent(lan)
    [_, km_fix] = world.api.sent(sok)
    assert vi_fix.text != km_fix.text
    assert CONTENT.title in vi_fix.text and CONTENT.title in km_fix.text
    assert world.api.sent(late) == []
    assert await world.alerts.retract(alert_id, reason="", retracted_by=42, now=utc_now()) is None

    issued = await world.alerts.issued_alerts(10)
    assert [a.alert_id for a in issued] == [alert_id]  # the correction itself is not public
    original = issued[0]
    assert original.retracted_at is not None
    document = render_cap(
        cap_message(original, cap_texts_for(renderers.current, original),
                    CapPublisher.from_base_url("https://alerts.example.org/"))
    )  # fmt: skip
    assert cap_schema.errors(document) == []
    root = ET.fromstring(document)
    assert root.findtext("cap:msgType", namespaces=NS) == "Cancel"
    assert str(alert_id) in (root.findtext("cap:references", namespaces=NS) or "")
