"""Every Excel export printed through LibreOffice, read back as word boxes: what a person
who signs the paper would see. Each export is downloaded and rendered once per module.

Set SAVE_PRINT_SCREENSHOTS=1 to write each first page to docs/screenshots/print-<name>.png
(the user guides show them).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from danvankheo.awards import proposals
from danvankheo.awards.models import AwardForm
from danvankheo.core.roles import Role
from danvankheo.exports import documents
from danvankheo.exports.xlsx import workbook_bytes
from danvankheo.extensions import db
from danvankheo.registry.models import Field, Status
from danvankheo.units.models import UnitKind
from tests import factories
from tests.awards.builders import build_finalised_round
from tests.conftest import _clear_tables
from tests.render import Page, first_page_png, pages, problems, to_pdf

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SUBTITLE = "Độc lập - Tự do - Hạnh phúc"
SIGNATURE_ROOM = 71  # points: about 2,5 cm between the authority line and the name

LONG_UNIT = "Ủy ban Mặt trận Tổ quốc Việt Nam phường Hoa Lư, thành phố Ninh Bình, tỉnh Ninh Bình"
LONG_SUMMARY = (
    "Mô hình đã vận động Nhân dân hiến 12.500 m² đất, góp 3.200 ngày công để mở rộng 14 km đường "
    "giao thông nông thôn; giải quyết dứt điểm 27 vụ việc khiếu nại kéo dài, không để phát sinh đơn "
    "thư vượt cấp; tổ chức 48 buổi đối thoại trực tiếp giữa người đứng đầu cấp ủy, chính quyền với "
    "Nhân dân; 96,5% hộ dân được khảo sát hài lòng với kết quả thực hiện; mô hình được 5 xã, "
    "phường trong tỉnh học tập, nhân rộng."
)


@dataclass
class Printed:
    name: str
    data: bytes
    pages: list[Page]


def _download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    data = response.get_data()
    response.close()
    return data


def _print(name: str, data: bytes, tmp: Path) -> Printed:
    pdf = to_pdf(data, ".xlsx")
    if os.environ.get("SAVE_PRINT_SCREENSHOTS"):
        first_page_png(pdf, SCREENSHOTS / f"print-{name}.png")
    first_page_png(pdf, tmp / f"print-{name}.png")
    if os.environ.get("PRINT_PDF_DIR"):  # to look at every page
        (Path(os.environ["PRINT_PDF_DIR"]) / f"print-{name}.pdf").write_bytes(pdf)
    return Printed(name, data, pages(pdf))


def _realistic_data():
    """A finalised round with long names and summaries, a proposal of every line, a
    registry long enough for several pages, and units that registered nothing."""
    built = build_finalised_round()
    justice = built.models["justice"]
    justice.set_name("Tư pháp gần dân, vì dân: trợ giúp pháp lý lưu động tại các thôn, bản vùng sâu, vùng xa")
    front = factories.make_unit(LONG_UNIT, code="MTHL", kind=UnitKind.COMMUNE)
    factories.make_unit("UBND xã Gia Hưng", code="XGH", kind=UnitKind.COMMUNE)  # registered nothing
    for n in range(36):
        model = factories.make_initiative(
            front if n % 2 else built.units["commune"],
            name=f"Mô hình số {n + 1}: dân vận khéo trong vận động hiến đất làm đường giao thông nông thôn",
            status=Status.ACCEPTED if n % 3 else Status.SUBMITTED, year=2026,
            lead_name="Nguyễn Thị Phương Thảo", lead_position="Phó Chủ tịch Ủy ban Mặt trận Tổ quốc",
            beneficiaries=1250 + n, budget_state=150_000_000, budget_social=2_500_000_000,
            field=Field.ECONOMY,
        )
        model.submitted_at = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    provincial = db.session.scalar(select(AwardForm).where(AwardForm.name == "Bằng khen của Chủ tịch UBND tỉnh"))
    proposal = proposals.create_proposal(built.round, proposals.excellent_initiative_ids(built.round), provincial)
    proposals.add_line(proposal, justice, f"member:{justice.members[1].id}", provincial)
    details = proposals.ProposalDetails(
        title="Đề nghị khen thưởng phong trào thi đua “Dân vận khéo” năm 2026", submission_number="125",
        submission_date=date(2026, 10, 5), signer_name="Nguyễn Văn An", signer_title="Phó Giám đốc",
        signer_authority="KT. Giám đốc")
    changes = [proposals.LineChange(line.id, line.recipient_key, line.award_form_id, LONG_SUMMARY, "")
               for line in proposal.lines]
    proposals.update_proposal(proposal, details, changes, expected_version=proposal.version)
    db.session.commit()
    return built, proposal


@pytest.fixture(scope="module")
def printed(_app, tmp_path_factory) -> dict[str, Printed]:
    """Every export of the realistic data, downloaded and printed once."""
    tmp = tmp_path_factory.mktemp("print")
    ctx = _app.app_context()
    ctx.push()
    try:
        built, proposal = _realistic_data()
        client = _app.test_client()
        user = factories.make_user(Role.SECRETARIAT, login="in-an")
        db.session.commit()
        client.post("/dang-nhap", data={"login": user.login, "password": factories.PASSWORD})
        downloads = {
            "danh-sach-de-nghi": f"/xuat-excel/de-nghi/{proposal.id}",
            "xep-hang": f"/xuat-excel/dot-danh-gia/{built.round.id}/xep-hang",
            "tinh-hinh-dang-ky": "/xuat-excel/tinh-hinh-dang-ky?nam=2026",
            "bao-cao": "/bao-cao/excel?tu_ngay=2026-01-01&den_ngay=2026-12-31",
            "danh-sach-mo-hinh": "/xuat-excel/mo-hinh?nam=2026",
        }
        result = {name: _print(name, _download(client, url), tmp) for name, url in downloads.items()}
        admin = factories.make_user(Role.ADMIN, login="quan-tri-in")
        db.session.commit()
        admin_client = _app.test_client()
        admin_client.post("/dang-nhap", data={"login": admin.login, "password": factories.PASSWORD})
        result["mau-nhap-excel"] = _print("mau-nhap-excel", _download(admin_client, "/quan-tri/nhap-excel/mau"),
                                          tmp)
        return result
    finally:
        db.session.rollback()
        db.session.remove()
        _clear_tables()
        ctx.pop()


EXPORTS = ["danh-sach-de-nghi", "xep-hang", "tinh-hinh-dang-ky", "bao-cao", "danh-sach-mo-hinh"]


@pytest.mark.parametrize("name", EXPORTS)
def test_nothing_clipped_overlapping_or_small(printed, name):
    doc = printed[name]
    assert doc.pages, "nothing printed"
    assert all(abs(p.width - 595.3) < 2 or abs(p.width - 841.9) < 2 for p in doc.pages), "not A4"
    assert problems(doc.pages) == []


@pytest.mark.parametrize("name", EXPORTS)
def test_official_header_on_one_line_each(printed, name):
    first = printed[name].pages[0]
    motto = first.find(MOTTO)
    subtitle = first.find(MOTTO_SUBTITLE)
    assert motto is not None and subtitle is not None, first.line_texts()[:6]
    assert first.find("SỞ NỘI VỤ") is not None and first.find("UBND TỈNH NINH BÌNH") is not None
    # Motto right of the issuing body, on the same band at the top.
    assert motto[0].x0 > first.find("SỞ NỘI VỤ")[-1].x1
    assert subtitle[0].y0 > motto[0].y1 - 1


@pytest.mark.parametrize("name", EXPORTS)
def test_signer_block_has_room_for_signature_and_seal(printed, name):
    doc = printed[name]
    # The signer block ends the document's own sheet: find the page with "Nơi nhận:".
    page = next(p for p in doc.pages if p.find("Nơi nhận:"))
    words = {w.text for w in page.words}
    assert "Như" not in words or page.find("- Như trên;") is None, "Như trên without a Kính gửi"
    receive = page.find("Nơi nhận:")
    footer = page.height - 50  # "Trang n/m"
    right = [w for w in page.words if w.x0 > page.width / 2 and receive[0].y0 - 2 <= w.y0 < footer]
    right.sort(key=lambda w: w.y0)
    authority_bottom = right[0].y1
    name_top = max(w.y0 for w in right)
    assert name_top - authority_bottom >= SIGNATURE_ROOM


def test_the_import_template_prints_on_a4_too(printed):
    """A form to fill in, not a paper to sign: no document header, but A4 at 100 %, nothing
    cut off, the column names on every page."""
    doc = printed["mau-nhap-excel"]
    assert all(abs(p.width - 841.9) < 2 for p in doc.pages)
    assert problems(doc.pages) == []
    text = " ".join(p.text for p in doc.pages)
    assert "Tên đăng nhập *" in text and "Vai trò *" in text and "HƯỚNG DẪN NHẬP ĐƠN VỊ" in text


def test_proposal_list_reads_as_domain_columns_scores_and_parts(printed):
    doc = printed["danh-sach-de-nghi"]
    text = " ".join(p.text for p in doc.pages)
    first = doc.pages[0]
    assert first.find("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG")
    assert first.find("(Kèm theo Tờ trình số 125/TTr-SNV ngày 05/10/2026 của Sở Nội vụ)")
    assert "DỰ THẢO" in text  # not approved yet
    assert "94,5" in text and "94.5" not in text and "94.50" not in text
    assert first.find("I. TẬP THỂ") and "II. CÁ NHÂN" in text
    stt = next(w for w in first.words if w.text == "STT")
    band = [w for w in first.words if abs(w.y0 - stt.y0) < 40]
    order = ["STT", "thể", "Chức", "hình", "Lĩnh", "Điểm", "Xếp", "Tóm", "Hình", "Ghi"]
    positions = [next(w.x0 for w in band if w.text == word) for word in order]
    assert positions == sorted(positions), "columns out of DOMAIN.md's order"
    assert first.find("KT. GIÁM ĐỐC") or any(p.find("KT. GIÁM ĐỐC") for p in doc.pages)
    assert any(p.find("Nguyễn Văn An") for p in doc.pages)


def test_ranking_carries_anonymised_comments(printed):
    doc = printed["xep-hang"]
    text = " ".join(p.text for p in doc.pages)
    assert "Nhận xét justice" in text and "Thành viên 1" in text
    assert "Hoàng Văn Bình" not in text  # the evaluator's name
    assert "DỰ THẢO" not in doc.pages[0].text  # finalised
    assert "94,5" in text and "94.5" not in text


def test_long_list_repeats_its_header_on_every_page(printed):
    doc = printed["danh-sach-mo-hinh"]
    listing = [p for p in doc.pages if "Mô hình số" in p.text]
    assert len(listing) >= 2
    for page in listing[1:]:
        assert page.find("Tên mô hình") is not None and page.find("STT") is not None
    assert "2026" in doc.pages[0].text and "2,026" not in doc.pages[0].text and "2.026" not in doc.pages[0].text
    assert "2.500.000.000" in doc.pages[0].text
    proposal = printed["danh-sach-de-nghi"].pages
    assert len(proposal) >= 2 and all(p.find("Tóm tắt thành tích") for p in proposal)


def test_pages_are_numbered(printed):
    doc = printed["danh-sach-mo-hinh"]  # one sheet: its pages are the document's
    total = len(doc.pages)
    assert total >= 2
    for number, page in enumerate(doc.pages, 1):
        assert page.find(f"Trang {number}/{total}") is not None


def test_drafts_say_so_and_final_papers_do_not():
    ctx = documents.DocumentContext("UBND tỉnh Ninh Bình", "Sở Nội vụ", "Ninh Bình", "SNV", "Phòng Nội vụ",
                                    today=date(2026, 10, 5))
    draft = documents.ranking_sheets(ctx, round_name="Đợt 1", year=2026, criteria=[], lines=[], scores=[],
                                     finalised=False)
    final = documents.ranking_sheets(ctx, round_name="Đợt 1", year=2026, criteria=[], lines=[], scores=[])

    def texts(sheets):
        ws = load_workbook(io.BytesIO(workbook_bytes(sheets))).worksheets[0]
        return [c.value for row in ws.iter_rows(max_row=10) for c in row if c.value]

    assert "DỰ THẢO" in texts(draft) and "DỰ THẢO" not in texts(final)


def test_the_overlap_check_sees_overprint_but_not_line_spacing():
    """Word boxes are 1.30 em high, wrapped lines 1.15 em apart: touching boxes of two lines
    are not an overprint; words printed over each other (even half a line apart) are."""
    from tests.render import Word, overlaps

    size = 12
    first = Word("một", 0, 0, 20, 1.30 * size)
    next_line = Word("hai", 0, 1.15 * size, 20, 1.15 * size + 1.30 * size)
    half_line = Word("ba", 5, 0.6 * size, 25, 0.6 * size + 1.30 * size)
    assert not overlaps(first, next_line)
    assert overlaps(first, half_line) and overlaps(first, Word("bốn", 10, 0, 30, 1.30 * size))


# --- The demo's own exports ------------------------------------------------------------------

DEMO_EXPORTS = ["de-nghi-2025", "xep-hang-2025", "xep-hang-2026", "tinh-hinh-dang-ky-2026", "bao-cao-2025",
                "danh-sach-mo-hinh"]


@pytest.fixture(scope="module")
def demo_printed(_app) -> dict[str, Printed]:
    """Every export of `flask seed-demo`, as a user downloads it, printed once."""
    from danvankheo.awards.models import Proposal
    from danvankheo.demo import DEMO_PASSWORD, seed_demo
    from danvankheo.scoring.models import Round

    ctx = _app.app_context()
    ctx.push()
    try:
        seed_demo()
        db.session.commit()
        client = _app.test_client()
        client.post("/dang-nhap", data={"login": "noivu", "password": DEMO_PASSWORD})
        # The province's (noivu's) own: the demo's commune runs a 2025 round of its own.
        from danvankheo.organisers.models import Organiser

        province = select(Organiser.id).where(Organiser.is_default.is_(True)).scalar_subquery()
        rounds = {r.year: r.id for r in db.session.scalars(select(Round).where(Round.organiser_id == province))}
        proposal = db.session.scalar(select(Proposal).where(Proposal.round_id == rounds[2025]))
        downloads = {
            "de-nghi-2025": f"/xuat-excel/de-nghi/{proposal.id}",
            "xep-hang-2025": f"/xuat-excel/dot-danh-gia/{rounds[2025]}/xep-hang",
            "xep-hang-2026": f"/xuat-excel/dot-danh-gia/{rounds[2026]}/xep-hang",
            "tinh-hinh-dang-ky-2026": "/xuat-excel/tinh-hinh-dang-ky?nam=2026",
            "bao-cao-2025": "/bao-cao/excel?tu_ngay=2025-01-01&den_ngay=2025-12-31",
            "danh-sach-mo-hinh": "/xuat-excel/mo-hinh",
        }
        return {name: Printed(name, data := _download(client, url), pages(to_pdf(data, ".xlsx")))
                for name, url in downloads.items()}
    finally:
        db.session.rollback()
        db.session.remove()
        _clear_tables()
        ctx.pop()


def _prints_as_it_comes_out(doc: Printed) -> None:
    """Nothing cut off, overlapping or small; the motto on the first page; room to sign and seal."""
    assert problems(doc.pages) == []
    first = doc.pages[0]
    assert first.find(MOTTO) is not None and first.find(MOTTO_SUBTITLE) is not None
    page = next(p for p in doc.pages if p.find("Nơi nhận:"))
    receive = page.find("Nơi nhận:")
    right = sorted((w for w in page.words if w.x0 > page.width / 2 and receive[0].y0 - 2 <= w.y0 < page.height - 50),
                   key=lambda w: w.y0)
    assert max(w.y0 for w in right) - right[0].y1 >= SIGNATURE_ROOM


@pytest.mark.parametrize("name", DEMO_EXPORTS)
def test_every_demo_export_prints_as_it_comes_out(demo_printed, name):
    doc = demo_printed[name]
    _prints_as_it_comes_out(doc)
    first = doc.pages[0]
    # Drafts say so: the 2026 round is still being scored; the 2025 list is approved.
    assert ("DỰ THẢO" in first.text) == (name == "xep-hang-2026")


# --- The national report, by province ---------------------------------------------------------


@pytest.fixture(scope="module")
def national_printed(_app, tmp_path_factory) -> Printed:
    """The national observer's periodic report (one line per province, issue 15) over the two
    provinces of tests/reports/country.py and 32 more with a model each, printed once."""
    from bench.names import PROVINCES
    from danvankheo.organisers.models import OrganiserLevel
    from danvankheo.organisers.services import make_organiser
    from tests.reports.country import build_country

    ctx = _app.app_context()
    ctx.push()
    try:
        country = build_country()
        for n, name in enumerate([p for p in PROVINCES if p not in ("Ninh Bình", "Hà Nội")][:32], 3):
            unit = factories.make_unit(f"UBND tỉnh {name}", kind=UnitKind.PROVINCE, code=f"P{n:02d}",
                                       parent=country.national.unit)
            make_organiser(unit, level=OrganiserLevel.PROVINCE)
            department = factories.make_unit(f"Sở Nội vụ tỉnh {name}", code=f"P{n:02d}-SNV", parent=unit)
            factories.make_initiative(department, year=2026, name=f"Mô hình dân vận khéo {name}")
        db.session.commit()
        client = _app.test_client()
        client.post("/dang-nhap", data={"login": country.users["national_observer"].login,
                                        "password": factories.PASSWORD})
        data = _download(client, "/bao-cao/excel?tu_ngay=2026-01-01&den_ngay=2026-12-31")
        return _print("bao-cao-toan-quoc", data, tmp_path_factory.mktemp("national"))
    finally:
        db.session.rollback()
        db.session.remove()
        _clear_tables()
        ctx.pop()


def test_the_national_report_prints_by_province(national_printed):
    doc = national_printed
    assert all(abs(p.width - 595.3) < 2 or abs(p.width - 841.9) < 2 for p in doc.pages), "not A4"
    _prints_as_it_comes_out(doc)
    text = " ".join(p.text for p in doc.pages)
    assert "SỐ MÔ HÌNH, SỐ ĐƠN VỊ THEO TỈNH, THÀNH PHỐ" in text and "THEO TỈNH, THÀNH PHỐ" in text
    assert "UBND thành phố Hà Nội" in text and "Sở Tư pháp Ninh Bình" not in text  # provinces, no units
    # The province tables' column names on each of their pages (34 lines and a total spill over).
    province_pages = [p for p in doc.pages if p.find("UBND tỉnh")]
    assert len(province_pages) >= 3 and all(p.find("Tỉnh, thành phố") for p in province_pages)
