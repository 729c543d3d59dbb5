"""Shared data for the render tests: the shipped operator files, and stories we wrote.

The stories are invented for these tests: a long Vietnamese item whose summary must be
shortened, a Khmer item, and one whose every field carries hostile markup.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.models import Category
from bot.render import AlertView, Renderer
from bot.render.renderer import TemplateCache

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"
HOTLINES = REPO / "hotlines" / "hotlines.yaml"
LOCALES = REPO / "locales"
SHARED = REPO / ".." / "shared"

HOSTILE = "<script>alert(1)</script> & <b>unclosed"

LONG_VIETNAMESE_SUMMARY = " ".join(
    [
        "Một nhóm thanh niên ở miền Trung kể lại rằng họ thấy quảng cáo tuyển người",
        "trực tổng đài trên mạng xã hội, được hứa trả mức lương rất cao, không cần bằng cấp,",
        "có người lo giấy tờ. Người môi giới hẹn gặp ở bến xe, đưa họ đi nhiều chặng bằng ô tô",
        "rồi đi bộ qua rừng vào ban đêm. Khi đến nơi, cả nhóm bị nhốt trong một toà nhà cao",
        "tầng có bảo vệ cầm gậy, phải làm",
        "việc mười lăm tiếng mỗi ngày để nhắn tin dụ người khác đầu tư vào các trang web giả.",
        "Ai không đủ chỉ tiêu thì bị phạt, bị bỏ đói hoặc bị đánh. Gia đình một nạn nhân cho biết",
        "đã nhận được tin nhắn đòi tiền chuộc rất lớn để con được về nước.",
    ]
    * 4
)


def vietnamese_story() -> AlertView:
    return AlertView(
        item_id="vi-long-1",
        title="Thanh niên bị dụ sang nước ngoài làm “việc nhẹ lương cao” rồi bị giam giữ",
        summary=LONG_VIETNAMESE_SUMMARY,
        url="https://news.example.net/xa-hoi/viec-nhe-luong-cao?utm=feed&id=42",
        source="Báo Thử Nghiệm",
        published=datetime(2025, 11, 21, 23, 45, tzinfo=UTC),
        lang="vi",
        category=Category.RECRUITMENT_LURE,
        countries=("KH", "MM"),
        provinces=("VN-40",),
        province_names=("Nghệ An",),
        also_reported_by=("Tin Nhanh Thử", "Thời Sự Mẫu"),
    )


def khmer_story() -> AlertView:
    return AlertView(
        item_id="km-1",
        title="ក្រុមគ្រួសារស្វែងរកកូនដែលបាត់ខ្លួន បន្ទាប់ពីទៅធ្វើការនៅក្រៅប្រទេស",
        summary=(
            "ម្តាយម្នាក់បាននិយាយថា កូនប្រុសរបស់គាត់ត្រូវបានគេសន្យាថានឹងទទួលបានការងារស្រួល "
            "ប៉ុន្តែឥឡូវនេះគាត់មិនអាចទាក់ទងកូនបានទេ។"
        ),
        url="https://km.example.net/news/missing-son",
        source="ព័ត៌មានសាកល្បង",
        published=datetime(2025, 11, 20, 4, 0, tzinfo=UTC),
        lang="km",
        category=Category.TRAFFICKING_VICTIMS,
        countries=("KH",),
    )


def hostile_story() -> AlertView:
    return AlertView(
        item_id="hostile-1",
        title=HOSTILE,
        summary=HOSTILE + " Police in the border town closed a building used by a fraud ring.",
        url='https://example.net/a?b=<c>&d="e"',
        source=HOSTILE,
        published=datetime(2025, 11, 19, 12, 0, tzinfo=UTC),
        lang="en",
        category=Category.CRACKDOWN,
        countries=("MM", "TH"),
        province_names=(HOSTILE,),
        also_reported_by=(HOSTILE,),
    )


def all_stories() -> tuple[AlertView, ...]:
    return (vietnamese_story(), khmer_story(), hostile_story())


@dataclass(frozen=True)
class OperatorFiles:
    """A private copy of the operator files a test may break."""

    templates: Path
    hotlines: Path
    locales: Path

    def load(self) -> Renderer:
        return Renderer.load(self.templates, self.hotlines, self.locales)


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    """The shipped templates, catalogs and hotline directory, loaded once."""
    return Renderer.load(TEMPLATES, HOTLINES, LOCALES, cache=TemplateCache())


@pytest.fixture
def operator_files(tmp_path: Path) -> OperatorFiles:
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    shutil.copytree(LOCALES, tmp_path / "locales")
    (tmp_path / "hotlines").mkdir()
    shutil.copy(HOTLINES, tmp_path / "hotlines" / "hotlines.yaml")
    return OperatorFiles(
        tmp_path / "templates", tmp_path / "hotlines" / "hotlines.yaml", tmp_path / "locales"
    )
