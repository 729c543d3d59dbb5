"""Sample data that `alertbot check` and `alertbot preview` render every template with.

The stories are invented for this purpose. They are deliberately awkward: a long Vietnamese
summary that must be shortened, a Khmer item, hostile markup in a title, a link that is not
http(s), and the longest hotline list the directory can produce.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from bot.models import Category, Cue
from bot.render.hotlines import HotlineDirectory
from bot.render.locales import DEFAULT_CITIZENSHIP, DEFAULT_TIMEZONE
from bot.render.views import AlertView

HOSTILE_TEXT = "<script>alert(1)</script> & <b>unclosed"

_VI_SUMMARY = (
    "Theo lời kể của gia đình, các thanh niên được một người quen trên mạng xã hội giới thiệu "
    "công việc chăm sóc khách hàng trực tuyến, lương hai mươi triệu đồng mỗi tháng, không cần "
    "kinh nghiệm, được bao vé máy bay và chỗ ở. Sau khi qua biên giới bằng đường mòn vào ban đêm, "
    "họ bị đưa vào một khu nhà có tường cao và rào kẽm gai, bị thu hộ chiếu và điện thoại. "
    "Người nào không đạt chỉ tiêu lừa đảo qua mạng thì bị đánh, bị phạt tiền và bị dọa bán sang "
    "công ty khác. Một người đã lén nhắn tin cho mẹ, nhờ gia đình báo cho cơ quan chức năng. "
    "Công an tỉnh cho biết đang phối hợp với các đơn vị liên quan để xác minh và đưa các nạn nhân "
    "về nước. Cơ quan chức năng khuyến cáo người dân không tin những lời mời làm việc ở nước "
    "ngoài với thu nhập cao bất thường, không giao giấy tờ tùy thân cho người lạ, không tự ý "
    "vượt biên trái phép và kiểm tra kỹ thông tin doanh nghiệp tuyển dụng trước khi đi. "
    "Nhiều gia đình cho biết họ đã phải vay mượn để nộp tiền chuộc nhưng người thân vẫn chưa "
    "được thả. Các chuyên gia nhắc rằng những quảng cáo tuyển dụng hứa hẹn lương cao, việc nhẹ, "
    "không cần bằng cấp thường là bước đầu của đường dây mua bán người."
)

_KM_SUMMARY = (
    "ជនរងគ្រោះបានប្រាប់ថា ពួកគេត្រូវបានគេសន្យាផ្តល់ការងារស្រួល ប្រាក់ខែខ្ពស់ "
    "ប៉ុន្តែពេលមកដល់ ត្រូវបានគេដកហូតលិខិតឆ្លងដែន ហើយបង្ខំឱ្យធ្វើការបោកប្រាស់តាមអ៊ីនធឺណិត "
    "ពីព្រឹករហូតដល់យប់។ អ្នកដែលមិនព្រមធ្វើការ ត្រូវគេវាយដំ និងឃុំខ្លួន។"
)


def sample_alerts() -> tuple[AlertView, ...]:
    """One story per category, in three languages, each with something hard to render."""
    published = datetime(2025, 11, 20, 1, 30, tzinfo=UTC)
    return (
        AlertView(
            item_id="sample-vi",
            title="Hàng chục thanh niên bị lừa sang Campuchia vì lời mời 'việc nhẹ lương cao'",
            summary=_VI_SUMMARY * 3,
            url="https://example.org/tin-tuc/viec-nhe-luong-cao?id=1&nguon=rss",
            source="Báo Mẫu",
            published=published,
            lang="vi",
            category=Category.RECRUITMENT_LURE,
            countries=("KH", "MM"),
            provinces=("VN-22",),
            province_names=("Nghệ An", "Hà Tĩnh"),
            also_reported_by=("Tin Mẫu", "Thời Báo Mẫu"),
        ),
        AlertView(
            item_id="sample-km",
            title="ប៉ូលិសជួយសង្គ្រោះជនបរទេសជាងហាសិបនាក់ ពីអគារបោកប្រាស់តាមអ៊ីនធឺណិត",
            summary=_KM_SUMMARY,
            url="https://example.org/km/news/rescue",
            source="កាសែតគំរូ",
            published=published,
            lang="km",
            category=Category.TRAFFICKING_VICTIMS,
            countries=("KH",),
        ),
        AlertView(
            item_id="sample-hostile",
            title=HOSTILE_TEXT,
            summary=HOSTILE_TEXT + " Police closed two buildings used by a fraud ring.",
            url="javascript:alert(1)",
            source=HOSTILE_TEXT,
            published=published,
            lang="en",
            category=Category.CRACKDOWN,
            countries=("MM", "TH", "LA"),
            also_reported_by=(HOSTILE_TEXT,),
        ),
    )


def _hotline_variants(directory: HotlineDirectory, locale: str) -> Iterator[list[Any]]:
    citizenship = DEFAULT_CITIZENSHIP.get(locale, "VN")
    yield directory.select(
        citizenship=citizenship,
        province=None,
        destinations=("KH", "MM", "TH", "LA"),
        include_possibly_outdated=True,
    )
    yield []


def sample_contexts(
    template: str, directory: HotlineDirectory, locale: str
) -> Iterator[dict[str, Any]]:
    """Contexts that together reach every branch of the shipped `template`."""
    alerts = sample_alerts()
    common: dict[str, Any] = {"tz": DEFAULT_TIMEZONE, "subscribe_link": "https://t.me/example_bot"}
    for index, hotlines in enumerate(_hotline_variants(directory, locale)):
        base = {**common, "hotlines": hotlines}
        if index:
            base["subscribe_link"] = None
        yield from _contexts_for(template, base, alerts, index)


def _contexts_for(
    template: str, base: dict[str, Any], alerts: tuple[AlertView, ...], variant: int
) -> Iterator[dict[str, Any]]:
    if template in ("alert", "story_update"):
        for alert in alerts:
            yield {**base, "alert": alert}
    elif template == "retraction":
        for alert, reason in zip(
            alerts, (None, HOSTILE_TEXT, "The story was not about jobs."), strict=True
        ):
            yield {**base, "alert": alert, "reason": reason}
    elif template == "digest":
        many = tuple(alerts) * 5 if variant == 0 else alerts[:1]
        yield {
            **base,
            "alerts": many,
            "period_start": datetime(2025, 11, 14, tzinfo=UTC),
            "period_end": datetime(2025, 11, 21, tzinfo=UTC),
        }
    elif template == "welcome":
        yield {**base, "name": HOSTILE_TEXT if variant == 0 else None}
    elif template == "hotline_card":
        yield {**base, "citizenship": "VN" if variant == 0 else None, "destinations": ("KH", "MM")}
    elif template == "check_verdict":
        cues = (
            Cue(phrase="lương cao, việc nhẹ", group="pay", weight=2.0),
            Cue(phrase=HOSTILE_TEXT, group="travel", weight=1.5),
        )
        for level in ("lure", "careful", "no_signs"):
            yield {
                **base,
                "level": level,
                "cues": cues if level != "no_signs" else (),
                "countries": ("KH",),
            }
    elif template == "broadcast":
        yield {**base, "body": HOSTILE_TEXT + "\n\n" + _VI_SUMMARY[:600]}
    elif template == "group_intro":
        yield {**base, "group_title": HOSTILE_TEXT if variant == 0 else None}
