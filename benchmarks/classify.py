"""How many news items per second the classifier judges on one process, against a naive baseline.

Items are a title plus a ~500-character summary, composed from sentences written for this
benchmark in thirteen languages (scam-compound warnings and hard negatives alike). The naive
baseline does what a first version would: lower-case the text and test every lexicon phrase
with `in`, then score with the same scorer. Both run on the same items in the same process.

    python benchmarks/classify.py [--items N] [--lexicons PATH]

Each rate is items per second of process CPU time, best of five passes (the two classifiers
take turns). Prints a table, then one JSON line:
{"bench": "classify", "items_per_s": …, "naive_items_per_s": …, "speedup": …}.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.classify import Classifier
from bot.classify.lexicons import LexiconEntry
from bot.classify.scorer import assess

ROOT = Path(__file__).resolve().parents[1]
SUMMARY_CHARS = 500
ROUNDS = 5

# Sentences written for this benchmark; each language mixes warnings and ordinary news.
SENTENCES: dict[str, tuple[str, ...]] = {
    "vi": (
        "Công an tỉnh cảnh báo thủ đoạn tuyển người sang Campuchia làm việc nhẹ lương cao.",
        "Nam thanh niên 22 tuổi được hứa trả 1.200 USD/tháng nhưng bị giam lỏng trong khu lừa đảo.",
        "Gia đình phải nộp 150 triệu đồng tiền chuộc mới đưa được con về nước.",
        "Giá lúa gạo tại Đồng Tháp tăng nhẹ trong tuần qua nhờ nhu cầu xuất khẩu.",
        "Ngân hàng khuyến cáo khách hàng không cung cấp mã OTP cho bất kỳ ai qua điện thoại.",
        "Trường đại học công bố điểm chuẩn, ngành công nghệ thông tin lấy điểm cao nhất.",
        "Nhiều người tìm việc qua mạng xã hội đã bị dụ dỗ xuất cảnh trái phép qua đường mòn.",
        "Lễ hội hoa xuân ở Đà Lạt thu hút hàng chục nghìn lượt du khách trong dịp cuối tuần.",
    ),
    "en": (
        "Police warned job seekers about fake job offers promising $2,500 a month in Cambodia.",
        "Victims were trafficked to a scam compound near Myawaddy and forced to run romance scams.",
        "Embassy staff helped repatriate 40 citizens who had escaped from the guarded complex.",
        "The central bank kept interest rates unchanged, citing slowing inflation.",
        "Shoppers were urged not to click links in text messages claiming a parcel was held.",
        "The city council approved a new bus route linking the airport with the old town.",
        "Recruiters on Telegram offered free flights and accommodation for customer service work.",
        "The football team won its third straight match after a late goal in the rain.",
    ),
    "id": (
        "Polisi mengimbau warga waspada terhadap tawaran kerja ke Kamboja dengan gaji tinggi.",
        "Korban dijanjikan gaji Rp15 juta per bulan, namun paspornya ditahan setibanya di sana.",
        "Pemerintah daerah membuka bursa kerja untuk lulusan sekolah kejuruan bulan depan.",
        "Harga cabai di pasar tradisional turun setelah panen raya di beberapa daerah.",
        "Sindikat penipuan online memaksa para pekerja menipu warga negaranya sendiri.",
    ),
    "ms": (
        "Kementerian menasihatkan belia supaya tidak terpedaya dengan tawaran kerja luar negara.",
        "Mangsa sindiket penipuan pekerjaan di Kemboja berjaya dibawa pulang ke tanah air.",
        "Harga minyak sawit mentah meningkat berikutan permintaan yang tinggi dari India.",
        "Pasukan bola sepak negeri layak ke separuh akhir selepas menang dua gol.",
    ),
    "fr": (
        "Des centaines de personnes attirées par de fausses offres d'emploi ont été secourues.",
        "Les victimes devaient travailler de force dans des centres d'escroquerie au Cambodge.",
        "La mairie a inauguré une nouvelle médiathèque dans le quartier nord.",
        "Les prix de l'énergie ont légèrement baissé au cours du dernier trimestre.",
    ),
    "tl": (
        "Nagbabala ang ahensya laban sa pekeng trabaho sa ibang bansa na may mataas na sahod.",
        "Nasagip ang 30 Pilipino na pinilit magtrabaho sa isang scam hub sa Cambodia.",
        "Tumaas ang presyo ng bigas sa mga pamilihan ngayong linggo.",
    ),
    "th": (
        "ตำรวจเตือนประชาชนอย่าหลงเชื่อประกาศรับสมัครงานเงินดีในประเทศเพื่อนบ้าน",
        "ผู้เสียหายถูกหลอกไปทำงานแก๊งคอลเซ็นเตอร์และถูกกักขังในอาคารแห่งหนึ่ง",
        "กรมอุตุนิยมวิทยาคาดว่าฝนจะตกหนักในภาคใต้ช่วงสุดสัปดาห์นี้",
        "ตลาดหุ้นปิดบวกเล็กน้อยจากแรงซื้อหุ้นกลุ่มพลังงาน",
    ),
    "km": (
        "អាជ្ញាធរព្រមានពលរដ្ឋកុំជឿការផ្សាយការងារស្រួល ប្រាក់ខែខ្ពស់ នៅលើបណ្តាញសង្គម",
        "ជនរងគ្រោះដោយសារអំពើជួញដូរមនុស្សត្រូវបានជួយសង្គ្រោះនិងបញ្ជូនមកវិញ",
        "តម្លៃស្រូវនៅខេត្តបាត់ដំបងបានកើនឡើងបន្តិចក្នុងសប្តាហ៍នេះ",
    ),
    "lo": (
        "ເຈົ້າໜ້າທີ່ເຕືອນໄວໜຸ່ມໃຫ້ລະວັງວຽກເງິນດີທີ່ຫຼອກລວງໄປເຮັດວຽກຢູ່ຕ່າງປະເທດ",
        "ລາຄາເຂົ້າຢູ່ຕະຫຼາດນະຄອນຫຼວງວຽງຈັນໝັ້ນທ່ຽງໃນອາທິດນີ້",
    ),
    "my": (
        "အလုပ်အကိုင်လိမ်လည်မှုကြောင့် မြဝတီသို့ ရောက်ရှိသွားသူများကို ကယ်ဆယ်ခဲ့သည်",
        "ရန်ကုန်မြို့တွင် မိုးသည်းထန်စွာ ရွာသွန်းခဲ့သည်",
    ),
    "zh": (
        "警方提醒求职者警惕境外高薪招聘，不少人被骗至缅北电诈园区。",
        "受害者护照被收走，家属被要求支付赎金才能放人。",
        "本市新开通一条地铁线路，方便市民出行。",
        "今年粮食产量再创新高，农民收入稳步增长。",
    ),
    "ko": (
        "캄보디아 고수익 해외취업 광고에 속아 출국한 청년들이 감금 피해를 호소했다.",
        "경찰은 현지 범죄단지에서 한국인 2명을 구출했다고 밝혔다.",
        "서울 지하철 요금이 다음 달부터 인상된다.",
    ),
    "ja": (
        "高収入をうたう闇バイトに応募し、カンボジアの詐欺拠点で監禁される事件が相次いでいる。",
        "政府は海外での求人に注意するよう呼びかけた。",
        "桜の開花が例年より早く、各地で花見客が増えている。",
    ),
}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--lexicons", type=Path, default=ROOT / "lexicons")
    args = parser.parse_args(argv)
    classifier = Classifier.from_directory(args.lexicons)
    items = realistic_items(args.items, seed=20250701)
    naive = NaiveClassifier(classifier.entries, classifier.review_threshold)
    naive_items = items[: max(1, len(items) // 10)]
    fast_rate, naive_rate = _items_per_second(
        (classifier.classify, items), (naive.score, naive_items)
    )
    print(f"{'classifier':<34}{'items':>8}{'items/s':>12}")
    print(f"{'Aho-Corasick (bot.classify)':<34}{len(items):>8}{fast_rate:>12,.0f}")
    print(f"{'naive: every phrase with `in`':<34}{len(naive_items):>8}{naive_rate:>12,.0f}")
    print(f"{len(classifier.entries)} lexicon phrases; items of title + {SUMMARY_CHARS} characters")
    loop_seconds = _python_loop_seconds()
    print(f"this machine runs a 10-million-step Python loop in {loop_seconds:.2f} s of CPU time")
    result = {
        "bench": "classify",
        "items_per_s": round(fast_rate),
        "naive_items_per_s": round(naive_rate),
        "speedup": round(fast_rate / naive_rate, 1),
        "items": len(items),
        "phrases": len(classifier.entries),
        "python_loop_1e7_s": round(loop_seconds, 2),
    }
    print(json.dumps(result))


# How often each language comes up: the languages of the candidate feeds listed in
# ../shared/data/feed_sources.md (26 vi, 17 en, 9 th, 9 id, 7 ko, 4 km, 2 zh, 2 my, 1 ms),
# and 1 for each language with no candidate feed yet (fr, tl, lo, ja).
LANGUAGE_WEIGHTS = {
    "vi": 26, "en": 17, "th": 9, "id": 9, "ko": 7, "km": 4, "zh": 2, "my": 2, "ms": 1,
    "fr": 1, "tl": 1, "lo": 1, "ja": 1,
}  # fmt: skip


def realistic_items(count: int, seed: int) -> list[tuple[str, str, str]]:
    """(title, summary, lang) triples: sentences of one language shuffled into ~500 chars."""
    rng = random.Random(seed)
    languages = sorted(SENTENCES)
    weights = [LANGUAGE_WEIGHTS[lang] for lang in languages]
    items = []
    for _ in range(count):
        lang = rng.choices(languages, weights)[0]
        sentences = SENTENCES[lang]
        title = rng.choice(sentences)
        summary = ""
        while len(summary) < SUMMARY_CHARS:
            summary += rng.choice(sentences) + " "
        items.append((title, summary[:SUMMARY_CHARS], lang))
    return items


class NaiveClassifier:
    """The obvious first version: lower-case, then `phrase in text` for every phrase."""

    def __init__(self, entries: Sequence[LexiconEntry], review_threshold: float) -> None:
        self._phrases = [(entry.text.lower(), entry.group, entry.weight) for entry in entries]
        self._review_threshold = review_threshold

    def score(self, title: str, text: str, lang: str) -> float:
        lowered = f"{title}\n{text}".lower()
        weights: dict[str, float] = {}
        for phrase, group, weight in self._phrases:
            if phrase in lowered:
                weights[group] = weights.get(group, 0.0) + weight
        return assess(weights, self._review_threshold).score


def _items_per_second(
    *runs: tuple[Callable[[str, str, str], object], Sequence[tuple[str, str, str]]],
) -> list[float]:
    """Items per second of this process's CPU time for each (classify, items), best of
    `ROUNDS` passes. The passes of the runs alternate, so that a stretch of time when the
    shared machine is slow costs every run alike and their ratio stays fair."""
    for classify, items in runs:
        for title, text, lang in items[:200]:  # warm caches and lazy tables
            classify(title, text, lang)
    fastest = [float("inf")] * len(runs)
    for _ in range(ROUNDS):
        for number, (classify, items) in enumerate(runs):
            started = time.process_time()
            for title, text, lang in items:
                classify(title, text, lang)
            fastest[number] = min(fastest[number], time.process_time() - started)
    return [len(items) / seconds for (_, items), seconds in zip(runs, fastest, strict=True)]


def _python_loop_seconds() -> float:
    """A yardstick for comparing figures taken on different machines."""
    started = time.process_time()
    total = 0
    for step in range(10_000_000):
        total += step
    return time.process_time() - started


if __name__ == "__main__":
    main()
