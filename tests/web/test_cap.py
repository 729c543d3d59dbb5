"""CAP 1.2 messages: every one produced here must validate against the OASIS schema."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from bot.web.cap import (
    CAP_NAMESPACE,
    CapPublisher,
    CapTexts,
    MsgType,
    cap_message,
    envelope_for,
    render_cap,
)
from tests.web.conftest import CapSchema
from tests.web.samples import (
    EN_TEXTS,
    HOSTILE,
    LURE_EN,
    LURE_VI,
    RESCUE_KM,
    TEXTS,
    VI_TEXTS,
    at,
    follow_up_of,
)

NS = {"cap": CAP_NAMESPACE}
PUBLISHER = CapPublisher.from_base_url("https://alerts.example.org/")


def parse(document: bytes) -> ET.Element:
    return ET.fromstring(document)


def text(root: ET.Element, path: str) -> str | None:
    return root.findtext(path, namespaces=NS)


def test_new_alert_is_a_valid_public_actual_alert_with_one_info_per_locale(
    cap_schema: CapSchema,
) -> None:
    document = render_cap(cap_message(LURE_VI, TEXTS, PUBLISHER))

    assert cap_schema.errors(document) == []
    root = parse(document)
    assert text(root, "cap:identifier") == "https://alerts.example.org/alerts/17"
    assert text(root, "cap:sender") == "alerts.example.org"
    assert text(root, "cap:sent") == "2026-11-20T07:30:00+00:00"
    assert text(root, "cap:status") == "Actual"
    assert text(root, "cap:msgType") == "Alert"
    assert text(root, "cap:scope") == "Public"
    assert root.find("cap:references", NS) is None
    languages = [text(info, "cap:language") for info in root.findall("cap:info", NS)]
    assert languages == ["vi", "en", "km"]


def test_each_info_carries_the_locale_texts_hotline_advice_link_and_area(
    cap_schema: CapSchema,
) -> None:
    document = render_cap(cap_message(LURE_VI, TEXTS, PUBLISHER))

    assert cap_schema.errors(document) == []
    vi = parse(document).findall("cap:info", NS)[0]
    assert [c.text for c in vi.findall("cap:category", NS)] == ["Safety", "Security"]
    assert text(vi, "cap:event") == VI_TEXTS.event
    assert text(vi, "cap:headline") == VI_TEXTS.headline
    assert text(vi, "cap:description") == VI_TEXTS.description
    assert text(vi, "cap:instruction") == VI_TEXTS.instruction
    assert text(vi, "cap:web") == LURE_VI.url
    assert text(vi, "cap:area/cap:areaDesc") == VI_TEXTS.area_desc
    assert (text(vi, "cap:urgency"), text(vi, "cap:severity"), text(vi, "cap:certainty")) == (
        "Future",
        "Severe",
        "Likely",
    )
    assert text(vi, "cap:responseType") == "Avoid"


def test_follow_up_is_an_update_referencing_the_earlier_alert(cap_schema: CapSchema) -> None:
    follow_up = follow_up_of(LURE_VI, 25, at(22, 8, 15))

    document = render_cap(cap_message(follow_up, TEXTS, PUBLISHER, followed=LURE_VI))

    assert cap_schema.errors(document) == []
    root = parse(document)
    assert text(root, "cap:msgType") == "Update"
    assert text(root, "cap:identifier") == "https://alerts.example.org/alerts/25"
    assert text(root, "cap:sent") == "2026-11-22T08:15:00+00:00"
    assert text(root, "cap:references") == (
        "alerts.example.org,https://alerts.example.org/alerts/17,2026-11-20T07:30:00+00:00"
    )


def test_update_whose_original_is_no_longer_public_stays_an_update_without_reference(
    cap_schema: CapSchema,
) -> None:
    follow_up = follow_up_of(LURE_VI, 25, at(22, 8))

    document = render_cap(cap_message(follow_up, TEXTS, PUBLISHER, followed=None))

    assert cap_schema.errors(document) == []
    root = parse(document)
    assert text(root, "cap:msgType") == "Update"
    assert root.find("cap:references", NS) is None


def test_retracted_alert_is_a_cancel_of_its_own_new_identity_referencing_the_original(
    cap_schema: CapSchema,
) -> None:
    retracted = replace(LURE_EN, retracted_at=at(21, 12, 5))

    document = render_cap(cap_message(retracted, TEXTS, PUBLISHER))

    assert cap_schema.errors(document) == []
    root = parse(document)
    assert text(root, "cap:msgType") == "Cancel"
    assert text(root, "cap:identifier") == "https://alerts.example.org/alerts/18/cancel"
    assert text(root, "cap:sent") == "2026-11-21T12:05:00+00:00"
    assert text(root, "cap:references") == (
        "alerts.example.org,https://alerts.example.org/alerts/18,2026-11-21T03:00:00+00:00"
    )
    info = root.findall("cap:info", NS)[0]
    assert text(info, "cap:urgency") == "Past"
    assert info.find("cap:responseType", NS) is None


def test_a_retracted_follow_up_is_a_cancel_not_an_update(cap_schema: CapSchema) -> None:
    retracted = replace(follow_up_of(LURE_VI, 25, at(22, 8)), retracted_at=at(22, 9))

    envelope = envelope_for(retracted, PUBLISHER, followed=LURE_VI)

    assert envelope.msg_type is MsgType.CANCEL
    assert [r.identifier for r in envelope.references] == ["https://alerts.example.org/alerts/25"]
    assert cap_schema.errors(render_cap(cap_message(retracted, TEXTS, PUBLISHER))) == []


def test_rescue_report_is_observed_and_a_single_locale_message_is_valid(
    cap_schema: CapSchema,
) -> None:
    document = render_cap(cap_message(RESCUE_KM, {"km": TEXTS["km"]}, PUBLISHER))

    assert cap_schema.errors(document) == []
    info = parse(document).findall("cap:info", NS)
    assert len(info) == 1
    assert text(info[0], "cap:certainty") == "Observed"
    assert text(info[0], "cap:headline") == TEXTS["km"].headline


def test_unknown_category_is_published_with_unknown_assessment(cap_schema: CapSchema) -> None:
    odd = replace(LURE_EN, category="something_new")

    document = render_cap(cap_message(odd, {"en": EN_TEXTS}, PUBLISHER))

    assert cap_schema.errors(document) == []
    info = parse(document).findall("cap:info", NS)[0]
    assert (text(info, "cap:urgency"), text(info, "cap:severity")) == ("Unknown", "Unknown")


def test_hostile_text_stays_text_and_control_characters_are_dropped(
    cap_schema: CapSchema,
) -> None:
    hostile_texts = CapTexts(
        event=HOSTILE,
        headline=HOSTILE,
        description=HOSTILE,
        instruction=HOSTILE,
        area_desc=HOSTILE,
    )
    alert = replace(LURE_VI, url="https://bao.example.vn/bài viết?a=1&b=<2>\x07")

    document = render_cap(cap_message(alert, {"vi": hostile_texts}, PUBLISHER))

    assert cap_schema.errors(document) == []
    info = parse(document).find("cap:info", NS)
    assert info is not None
    expected = "<b>Lương</b> cao & <script>alert(1)</script> ]]> &amp; "
    assert text(info, "cap:headline") == expected
    assert text(info, "cap:area/cap:areaDesc") == expected
    assert info.find("cap:headline/b", NS) is None
    assert text(info, "cap:web") == "https://bao.example.vn/b%C3%A0i%20vi%E1%BA%BFt?a=1&b=%3C2%3E"


def test_a_link_that_is_not_http_is_left_out(cap_schema: CapSchema) -> None:
    alert = replace(LURE_VI, url="javascript:alert(1)")

    document = render_cap(cap_message(alert, TEXTS, PUBLISHER))

    assert cap_schema.errors(document) == []
    assert parse(document).find("cap:info/cap:web", NS) is None


def test_times_are_utc_in_whole_seconds_with_an_offset_never_z(cap_schema: CapSchema) -> None:
    hanoi = timezone(timedelta(hours=7))
    alert = replace(LURE_VI, created_at=datetime(2026, 11, 22, 22, 0, 0, 987654, tzinfo=hanoi))

    document = render_cap(cap_message(alert, TEXTS, PUBLISHER))

    assert cap_schema.errors(document) == []
    assert text(parse(document), "cap:sent") == "2026-11-22T15:00:00+00:00"


def test_an_alert_without_area_words_has_no_area(cap_schema: CapSchema) -> None:
    nowhere = replace(EN_TEXTS, area_desc="  ")

    document = render_cap(cap_message(LURE_EN, {"en": nowhere}, PUBLISHER))

    assert cap_schema.errors(document) == []
    assert parse(document).find("cap:info/cap:area", NS) is None


def test_locale_names_become_language_tags(cap_schema: CapSchema) -> None:
    document = render_cap(cap_message(LURE_EN, {"pt_BR": EN_TEXTS}, PUBLISHER))

    assert cap_schema.errors(document) == []
    assert text(parse(document), "cap:info/cap:language") == "pt-BR"


def test_a_locale_that_is_no_language_tag_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="not a language tag"):
        render_cap(cap_message(LURE_EN, {"en US!": EN_TEXTS}, PUBLISHER))


@pytest.mark.parametrize(
    "base_url",
    [
        "alerts.example.org",
        "ftp://alerts.example.org",
        "https://a.example/x,y",
        "https://a.example/?q=1",
    ],
)
def test_publisher_refuses_a_base_url_that_cannot_name_cap_messages(base_url: str) -> None:
    with pytest.raises(ValueError):
        CapPublisher.from_base_url(base_url)


def test_publisher_keeps_a_path_prefix_for_documents() -> None:
    publisher = CapPublisher.from_base_url("https://example.org/bot/")

    assert publisher.sender == "example.org"
    assert publisher.document_url(7) == "https://example.org/bot/alerts/7.cap.xml"


def test_the_schema_check_itself_catches_a_time_in_z_form(cap_schema: CapSchema) -> None:
    """Guards the other tests: validation must be able to fail."""
    document = render_cap(cap_message(LURE_VI, TEXTS, PUBLISHER))

    broken = document.replace(b"2026-11-20T07:30:00+00:00", b"2026-11-20T07:30:00Z")

    assert broken != document
    assert cap_schema.errors(broken) != []
