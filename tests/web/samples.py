"""Alerts, texts and a fake store for the web tests; every sentence here is our own invention."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot.web.cap import CapTexts

VI_TEXTS = CapTexts(
    event="Lừa đảo tuyển dụng",
    headline='Cẩn thận lời mời "việc nhẹ lương cao" ở nước ngoài',
    description=(
        "Một trang mạng xã hội mời người trẻ sang Campuchia làm nhập liệu, hứa bao vé máy bay "
        "và lo giấy tờ; người nhận lời bị giữ hộ chiếu khi qua biên giới."
    ),
    instruction=(
        "Không gửi hộ chiếu cho người tuyển dụng quen qua mạng. Nếu người thân đã đi, hãy gọi "
        "đường dây nóng phòng chống mua bán người."
    ),
    area_desc="Việt Nam; Campuchia",
)
EN_TEXTS = CapTexts(
    event="Recruitment scam",
    headline="Beware of easy-work, high-pay offers abroad",
    description=(
        "A social media page invites young people to data-entry jobs in Cambodia with a free "
        "flight and paperwork handled; those who accept lose their passports at the border."
    ),
    instruction=(
        "Do not hand your passport to a recruiter you met online. If a relative has already "
        "left, call an anti-trafficking hotline."
    ),
    area_desc="Viet Nam; Cambodia",
)
KM_TEXTS = CapTexts(
    event="ការបោកប្រាស់ជ្រើសរើសការងារ",
    headline="ប្រយ័ត្នការផ្ដល់ការងារស្រួល ប្រាក់ខែខ្ពស់ នៅបរទេស",
    description="ទំព័របណ្ដាញសង្គមមួយអញ្ជើញយុវជនឱ្យទៅធ្វើការបញ្ចូលទិន្នន័យ ដោយសន្យាចេញថ្លៃសំបុត្រយន្តហោះ។",
    instruction="កុំប្រគល់លិខិតឆ្លងដែនឱ្យអ្នកជ្រើសរើសដែលស្គាល់តាមអនឡាញ។",
    area_desc="កម្ពុជា",
)
TEXTS = {"vi": VI_TEXTS, "en": EN_TEXTS, "km": KM_TEXTS}

HOSTILE = "<b>Lương</b> cao & <script>alert(1)</script>\x00\x07\x1b ]]> &amp; \ufffe"


@dataclass(frozen=True, slots=True)
class StoredAlert:
    """`AlertRecord`'s fields plus the two the public feeds need from the store."""

    alert_id: int
    category: str
    title: str
    summary: str
    url: str
    lang: str
    published: datetime
    created_at: datetime
    source: str = "Báo Ví Dụ"
    kind: str = "news"
    state: str = "approved"
    countries: tuple[str, ...] = ("VN", "KH")
    provinces: tuple[str, ...] = ()
    also_reported_by: tuple[str, ...] = ()
    retracted_at: datetime | None = None
    follows_alert_id: int | None = None


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


LURE_VI = StoredAlert(
    alert_id=17,
    category="recruitment_lure",
    title='Nhóm Facebook mời "việc nhẹ lương cao" làm trực tuyến ở Campuchia',
    summary="Người tuyển hứa trả 1.500 USD mỗi tháng cho việc gõ phím, lo vé và hộ chiếu.",
    url="https://bao.example.vn/tuyen-dung-lua-dao-17.html",
    lang="vi",
    published=at(20, 6),
    created_at=at(20, 7, 30),
)
LURE_EN = StoredAlert(
    alert_id=18,
    category="recruitment_lure",
    title="Recruiters offer 'customer service' jobs near the border with airport pickup",
    summary="Posts promise USD 1,200 a month, no experience needed, and a visa sorted on arrival.",
    url="https://news.example.com/asia/border-job-offers",
    lang="en",
    published=at(21, 2),
    created_at=at(21, 3),
)
RESCUE_KM = StoredAlert(
    alert_id=19,
    category="trafficking_victims",
    title="អ្នកការងារចំនួន ៤០ នាក់ត្រូវបានជួយសង្គ្រោះពីអគារមួយ",
    summary="ពួកគេត្រូវបានគេសន្យាការងារស្រួល ប្រាក់ខែខ្ពស់ តាមបណ្ដាញសង្គម។",
    url="https://km.example.org/news/rescue-40",
    lang="km",
    published=at(21, 9),
    created_at=at(21, 10),
)


def follow_up_of(alert: StoredAlert, alert_id: int, created_at: datetime) -> StoredAlert:
    return replace(
        alert,
        alert_id=alert_id,
        title=f"{alert.title} (cập nhật)",
        created_at=created_at,
        follows_alert_id=alert.alert_id,
    )


class FakeIssuedAlerts:
    """The store's issued-alerts queries over a list; newest (highest id) first."""

    def __init__(self, alerts: Sequence[StoredAlert] = ()) -> None:
        self.alerts = list(alerts)

    async def issued_alerts(self, limit: int) -> list[StoredAlert]:
        return sorted(self.alerts, key=lambda a: a.alert_id, reverse=True)[:limit]

    async def issued_alert(self, alert_id: int) -> StoredAlert | None:
        return next((a for a in self.alerts if a.alert_id == alert_id), None)


def texts_for(alert: StoredAlert) -> dict[str, CapTexts]:
    """What the lead's template rendering would give: the same three locales for every alert."""
    return dict(TEXTS)
