"""Demo models for `flask seed-demo`: a dozen 2026 models in every state, and 2025 ones
that they continue or replicate, with a few evidence files (drawn here, nothing downloaded)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from ..auth.models import User
from ..core.roles import Role
from ..core.timeutil import local_end_of_day
from ..extensions import db
from ..units.models import Unit
from .deadlines import general_deadline, grant_extension
from .models import Field, Initiative, InitiativeKind, InitiativeMember, InitiativeTag, Status, Transition


@dataclass
class DemoModel:
    key: str
    unit: str
    year: int
    name: str
    field: Field
    status: Status
    tags: list[str]
    situation: str
    content: str
    results: str
    beneficiaries: int
    budget: int = 0
    social: int = 0
    kind: InitiativeKind = InitiativeKind.COLLECTIVE
    lead: tuple[str, str] = ("Nguyễn Văn An", "Phó Giám đốc")
    members: list[tuple[str, str]] = field(default_factory=list)
    continues: str | None = None
    replicates: str | None = None
    reason: str | None = None
    late: bool = False
    photo: tuple[int, int, int] | None = None
    reviewer: str = "noivu"  # the secretariat of the unit's organiser


DEMO_MODELS = [
    DemoModel("hoa-giai-2025", "STP", 2025, "Tổ hòa giải “Ba cùng” ở khu dân cư", Field.POLITICAL_SYSTEM,
              Status.ACCEPTED, ["hòa giải cơ sở", "pháp luật"],
              "Mâu thuẫn đất đai, hàng xóm kéo dài, nhiều vụ việc chuyển lên cấp trên.",
              "Hòa giải viên cùng ăn, cùng ở, cùng làm với người dân; họp tổ hằng tháng.",
              "Hòa giải thành 92% trong 148 vụ việc; không phát sinh khiếu kiện vượt cấp.", 1300,
              budget=30_000_000, lead=("Lê Minh Đức", "Trưởng phòng Phổ biến, giáo dục pháp luật"),
              photo=(40, 90, 160)),
    DemoModel("kham-2025", "SYT", 2025, "Khám bệnh lưu động cho người cao tuổi vùng cao", Field.CULTURE_SOCIETY,
              Status.ACCEPTED, ["y tế", "người cao tuổi"],
              "Người cao tuổi ở xã vùng cao đi khám bệnh xa, tốn kém.",
              "Đội y tế lưu động khám, phát thuốc tại nhà văn hóa thôn mỗi quý.",
              "4.200 lượt khám; 310 người được phát hiện sớm bệnh mạn tính.", 4200,
              budget=120_000_000, social=80_000_000, lead=("Phạm Thị Lan", "Phó Giám đốc"), photo=(20, 140, 90)),
    DemoModel("sang-xanh-2025", "PHL", 2025, "Phường Hoa Lư sáng - xanh - sạch", Field.CULTURE_SOCIETY,
              Status.ACCEPTED, ["môi trường", "đô thị văn minh"],
              "Rác thải sinh hoạt tồn đọng ở các ngõ nhỏ.",
              "Mỗi tổ dân phố nhận một tuyến phố; thu gom rác giờ cố định; thi đua giữa các tổ.",
              "100% tuyến phố có đèn chiếu sáng; 26 điểm đen rác thải được xóa.", 18_000,
              social=450_000_000, lead=("Đinh Công Tráng", "Phó Chủ tịch UBND phường"), photo=(90, 160, 60)),
    DemoModel("hoa-giai-2026", "STP", 2026, "Tổ hòa giải “Ba cùng” - giai đoạn 2: hòa giải trực tuyến",
              Field.POLITICAL_SYSTEM, Status.ACCEPTED, ["hòa giải cơ sở", "chuyển đổi số"],
              "Nhiều người trẻ làm ăn xa, khó tham gia buổi hòa giải trực tiếp.",
              "Kết hợp họp hòa giải qua Zalo nhóm với gặp trực tiếp; lưu biên bản điện tử.",
              "210 vụ việc, hòa giải thành 94%; 60 vụ có đương sự ở xa tham gia trực tuyến.", 1600,
              budget=25_000_000, continues="hoa-giai-2025",
              lead=("Lê Minh Đức", "Trưởng phòng Phổ biến, giáo dục pháp luật"),
              members=[("Trần Văn Cùng", "Chuyên viên"), ("Ngô Thị Mai", "Hòa giải viên")], photo=(50, 70, 170)),
    DemoModel("tro-giup-2026", "STP", 2026, "Trợ giúp pháp lý lưu động tại thôn, bản", Field.POLITICAL_SYSTEM,
              Status.SUBMITTED, ["trợ giúp pháp lý"],
              "Người dân tộc thiểu số ít tiếp cận dịch vụ trợ giúp pháp lý.",
              "Trợ giúp viên về thôn vào ngày chợ phiên, tư vấn bằng tiếng dân tộc.",
              "35 buổi tư vấn, 520 lượt người được trợ giúp.", 520, budget=40_000_000),
    DemoModel("kham-2026", "SYT", 2026, "Khám bệnh lưu động cho người cao tuổi - mở rộng ra 12 xã",
              Field.CULTURE_SOCIETY, Status.ACCEPTED, ["y tế", "người cao tuổi"],
              "Mô hình năm 2025 hiệu quả, nhiều xã đề nghị mở rộng.",
              "Phối hợp Hội Người cao tuổi lập danh sách, khám định kỳ và theo dõi qua sổ điện tử.",
              "9.800 lượt khám ở 12 xã; chi phí đi lại của người dân giảm ước 1,2 tỷ đồng.", 9800,
              budget=260_000_000, social=150_000_000, continues="kham-2025", lead=("Phạm Thị Lan", "Phó Giám đốc"),
              photo=(30, 150, 120)),
    DemoModel("phong-bi-2026", "SYT", 2026, "Bệnh viện nói không với phong bì", Field.POLITICAL_SYSTEM,
              Status.RETURNED, ["y đức"],
              "Người bệnh phản ánh tình trạng “bồi dưỡng” nhân viên y tế.",
              "Đường dây nóng, hộp thư góp ý, cam kết của từng khoa.",
              "Phản ánh giảm 70% so với năm trước.", 25_000,
              reason="Đề nghị bổ sung số liệu khảo sát sự hài lòng của người bệnh và biên bản kiểm tra của đoàn."),
    DemoModel("nu-cuoi-2026", "BVDK", 2026, "Nụ cười thân thiện - phục vụ tận tình", Field.CULTURE_SOCIETY,
              Status.ACCEPTED, ["y tế", "cải cách hành chính"],
              "Thủ tục khám bệnh rườm rà, người bệnh chờ lâu.",
              "Tổ hướng dẫn ở sảnh, đặt lịch khám qua điện thoại, nhắn tin trả kết quả.",
              "Thời gian chờ trung bình giảm từ 95 xuống 40 phút; 96% người bệnh hài lòng.", 60_000,
              budget=80_000_000, photo=(200, 120, 40)),
    DemoModel("giao-vien-2026", "SGDDT", 2026, "Mỗi thầy cô là một tuyên truyền viên pháp luật",
              Field.CULTURE_SOCIETY, Status.ACCEPTED, ["giáo dục", "pháp luật"],
              "Học sinh vi phạm an toàn giao thông, bạo lực học đường còn xảy ra.",
              "Giáo viên chủ nhiệm lồng ghép 10 phút pháp luật vào giờ sinh hoạt lớp; phụ huynh cùng ký cam kết.",
              "Vi phạm an toàn giao thông của học sinh giảm 45%.", 42_000, kind=InitiativeKind.COLLECTIVE),
    DemoModel("don-dien-2026", "SNNMT", 2026, "Dân vận khéo trong dồn điền đổi thửa", Field.ECONOMY,
              Status.ACCEPTED, ["nông nghiệp", "đất đai"],
              "Ruộng manh mún, mỗi hộ 6-8 thửa, khó cơ giới hóa.",
              "Cán bộ đến từng hộ giải thích; họp dân công khai phương án; người có uy tín đi trước.",
              "Giảm từ 7,2 xuống 1,8 thửa/hộ trên 640 ha; 100% hộ đồng thuận.", 3100,
              budget=350_000_000, social=90_000_000, photo=(120, 170, 50)),
    DemoModel("hat-cheo-2026", "SVHTTDL", 2026, "Giữ gìn hát Chèo trong cộng đồng", Field.CULTURE_SOCIETY,
              Status.SUBMITTED, ["văn hóa", "di sản"],
              "Lớp trẻ ít biết hát Chèo, câu lạc bộ thiếu người kế cận.",
              "Nghệ nhân dạy miễn phí tại nhà văn hóa; biểu diễn vào các dịp lễ hội.",
              "12 câu lạc bộ, 380 hội viên, trong đó 140 người dưới 30 tuổi.", 380, late=True),
    DemoModel("vanh-dai-2026", "PHL", 2026, "Dân vận khéo trong giải phóng mặt bằng đường vành đai",
              Field.ECONOMY, Status.ACCEPTED, ["giải phóng mặt bằng", "đối thoại"],
              "Nhiều hộ chưa đồng thuận với phương án bồi thường, dự án chậm tiến độ.",
              "Tổ công tác đến từng hộ, đối thoại công khai, giải quyết dứt điểm kiến nghị.",
              "100% hộ bàn giao mặt bằng; 35 buổi đối thoại; không có khiếu kiện đông người.", 420,
              lead=("Đinh Công Tráng", "Phó Chủ tịch UBND phường"), photo=(160, 60, 60)),
    DemoModel("sang-xanh-gv-2026", "XGV", 2026, "Thôn xóm sáng - xanh - sạch (nhân rộng từ phường Hoa Lư)",
              Field.CULTURE_SOCIETY, Status.ACCEPTED, ["môi trường", "nông thôn mới"],
              "Đường thôn thiếu đèn, rác thải chưa được phân loại.",
              "Học cách làm của phường Hoa Lư: mỗi chi hội nhận một tuyến đường.",
              "14 km đường có đèn; 9 thôn phân loại rác tại nguồn.", 7600, social=210_000_000,
              replicates="sang-xanh-2025", photo=(70, 170, 110)),
    DemoModel("hu-gao-2026", "XDT", 2026, "Hũ gạo tình thương", Field.CULTURE_SOCIETY, Status.REJECTED,
              ["an sinh xã hội"],
              "Một số hộ nghèo thiếu đói lúc giáp hạt.",
              "Mỗi hộ góp một nắm gạo mỗi ngày vào hũ chung.",
              "Hỗ trợ 25 hộ.", 25,
              reason="Mô hình trùng với mô hình đã đăng ký năm 2024 của xã, chưa có điểm mới."),
    DemoModel("mot-cua-2026", "PHL", 2026, "Một cửa thân thiện - người dân hài lòng", Field.POLITICAL_SYSTEM,
              Status.DRAFT, ["cải cách hành chính"],
              "Người dân phải đi lại nhiều lần khi làm thủ tục.",
              "Công chức một cửa hướng dẫn qua điện thoại trước khi người dân đến.", "", 0),
    # Scored in the 2025 round by the harsh evaluator (see awards/demo.py): its adjusted rank differs.
    DemoModel("nong-thon-2025", "SNNMT", 2025, "Cán bộ bám đồng, cùng dân làm nông thôn mới kiểu mẫu",
              Field.ECONOMY, Status.ACCEPTED, ["nông nghiệp", "nông thôn mới"],
              "Nhiều thôn chậm đạt tiêu chí nông thôn mới kiểu mẫu, người dân chưa tham gia.",
              "Mỗi cán bộ Sở phụ trách một thôn, họp dân hằng tháng, công khai đóng góp và chi tiêu.",
              "18 thôn đạt chuẩn kiểu mẫu; người dân đóng góp 3,4 tỷ đồng và 9.000 ngày công.", 12_000,
              social=3_400_000_000, photo=(110, 150, 40)),
    # Repeats the 2025 model of Sở Tư pháp nearly word for word, not marked as continued:
    # the secretariat is warned of a recycled model (registry/similarity.py).
    DemoModel("hoa-giai-lap-lai-2026", "STP", 2026, "Tổ hòa giải “Ba cùng” tại khu dân cư", Field.POLITICAL_SYSTEM,
              Status.SUBMITTED, ["hòa giải cơ sở", "pháp luật"],
              "Mâu thuẫn đất đai, hàng xóm kéo dài, nhiều vụ việc chuyển lên cấp trên.",
              "Hòa giải viên cùng ăn, cùng ở, cùng làm với người dân; họp tổ hằng tháng.",
              "Hòa giải thành 93% trong 150 vụ việc; không phát sinh khiếu kiện vượt cấp.", 1300,
              budget=30_000_000, lead=("Lê Minh Đức", "Trưởng phòng Phổ biến, giáo dục pháp luật")),
    # Xã Gia Viễn runs its own competition: its units' models are reviewed by its secretariat.
    DemoModel("gv-tu-sach-2025", "XGV-VHXH", 2025, "Tủ sách pháp luật ở nhà văn hóa thôn", Field.POLITICAL_SYSTEM,
              Status.ACCEPTED, ["pháp luật", "văn hóa đọc"],
              "Người dân ở các thôn xa ít có dịp tìm hiểu pháp luật.",
              "Mỗi nhà văn hóa thôn có một tủ sách; cán bộ xã đọc và giải đáp cùng người dân tối thứ Bảy.",
              "14 tủ sách, 2.100 lượt mượn; 36 buổi giải đáp pháp luật.", 2100, budget=15_000_000,
              lead=("Trịnh Văn Long", "Phó Trưởng phòng Văn hóa - Xã hội"), reviewer="thuky.giavien",
              photo=(150, 90, 40)),
    DemoModel("gv-sang-loc-2025", "XGV-TYT", 2025, "Khám sàng lọc tại thôn cho người cao tuổi Gia Viễn",
              Field.CULTURE_SOCIETY, Status.ACCEPTED, ["y tế", "người cao tuổi"],
              "Người cao tuổi ngại đi khám định kỳ ở trạm.",
              "Trạm y tế về thôn mỗi tháng một lần; tình nguyện viên báo lịch tận nhà.",
              "1.250 lượt khám; 84 người được phát hiện tăng huyết áp và theo dõi.", 1250,
              budget=20_000_000, lead=("Hà Thị Nhung", "Trưởng Trạm Y tế"), reviewer="thuky.giavien"),
    DemoModel("gv-lua-huu-co-2025", "XGV-KT", 2025, "Tổ hợp tác lúa hữu cơ Gia Viễn", Field.ECONOMY,
              Status.ACCEPTED, ["nông nghiệp", "kinh tế tập thể"],
              "Ruộng manh mún, giá lúa thấp, thanh niên bỏ ruộng.",
              "Cán bộ Phòng Kinh tế vận động 46 hộ dồn thửa, cùng ký hợp đồng bao tiêu với doanh nghiệp.",
              "52 ha lúa hữu cơ; thu nhập tăng 18%; 46 hộ tham gia.", 46, social=600_000_000,
              lead=("Vũ Văn Thành", "Trưởng phòng Kinh tế"), reviewer="thuky.giavien"),
    DemoModel("gv-dan-ca-2026", "XGV-VHXH", 2026, "Câu lạc bộ dân ca Gia Viễn gìn giữ bản sắc", Field.CULTURE_SOCIETY,
              Status.SUBMITTED, ["văn hóa", "dân ca"],
              "Các làn điệu dân ca của xã ít người trẻ biết.",
              "Nghệ nhân dạy hát cho học sinh và thanh niên mỗi tối Chủ nhật tại nhà văn hóa.",
              "4 câu lạc bộ, 120 hội viên; 12 buổi biểu diễn phục vụ người dân.", 120,
              lead=("Trịnh Văn Long", "Phó Trưởng phòng Văn hóa - Xã hội"), reviewer="thuky.giavien"),
    DemoModel("gv-den-nha-2026", "XGV-THCS", 2026, "Thầy cô đến từng nhà học sinh có nguy cơ bỏ học",
              Field.CULTURE_SOCIETY, Status.ACCEPTED, ["giáo dục"],
              "Một số học sinh nghỉ học dài ngày theo bố mẹ đi làm xa.",
              "Giáo viên chủ nhiệm đến từng nhà, cùng chính quyền thôn vận động gia đình.",
              "17 học sinh trở lại lớp; không có học sinh bỏ học trong năm học.", 17,
              lead=("Đặng Thị Hoa", "Hiệu trưởng"), reviewer="thuky.giavien"),
    DemoModel("gv-so-suc-khoe-2026", "XGV-TYT", 2026, "Sổ sức khỏe điện tử cho người cao tuổi", Field.CULTURE_SOCIETY,
              Status.RETURNED, ["y tế", "chuyển đổi số"],
              "Người cao tuổi đi khám nhiều nơi, hồ sơ sức khỏe rời rạc.",
              "Trạm y tế lập sổ sức khỏe điện tử, hướng dẫn con cháu cài ứng dụng cho ông bà.",
              "Đang triển khai.", 0, reviewer="thuky.giavien",
              reason="Chưa có số liệu kết quả; đề nghị bổ sung số người được lập sổ và minh chứng."),
    DemoModel("gv-san-tmdt-2026", "XGV-KT", 2026, "Hướng dẫn người dân bán nông sản trên sàn thương mại điện tử",
              Field.ECONOMY, Status.DRAFT, ["kinh tế số"],
              "Nông sản của xã bán qua thương lái, giá thấp.",
              "Cán bộ Phòng Kinh tế mở lớp hướng dẫn người dân lập gian hàng trực tuyến.", "", 0),
]


def _draw(color: tuple[int, int, int], title: str, fmt: str) -> bytes:
    """A simple picture (or one-page PDF) in the model's colour."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 560), color)
    draw = ImageDraw.Draw(image)
    for i in range(6):
        draw.ellipse((60 + i * 110, 300 - i * 20, 180 + i * 110, 420 - i * 20), fill=(255, 255, 255))
    draw.rectangle((0, 480, 800, 560), fill=(255, 255, 255))
    draw.text((24, 505), title, fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=hour)


def seed_registry_demo(units: dict[str, Unit]) -> bool:
    """Create the demo models once; True if anything was created."""
    if db.session.scalar(select(func.count()).select_from(Initiative)):
        return False
    from ..evidence.services import attach

    users = {u.login: u for u in db.session.scalars(select(User))}
    secretariat = users.get("noivu")
    staff_by_unit = {u.unit_id: u for u in users.values() if Role.STAFF in u.roles and u.unit_id}
    # Two units were granted extensions for 2026; one of them submitted late under it.
    for code, reason in (("SVHTTDL", "Đơn vị kiện toàn bộ máy sau sáp nhập"), ("PHL", "Phường mới thành lập")):
        if code in units:
            grant_extension(2026, units[code], until=local_end_of_day(date(2026, 12, 31)), reason=reason,
                            actor=secretariat)
    made: dict[str, Initiative] = {}
    for n, spec in enumerate(DEMO_MODELS):
        unit = units.get(spec.unit)
        if unit is None:
            continue
        author = staff_by_unit.get(unit.id)
        item = Initiative(
            unit=unit, year=spec.year, field=spec.field, kind=spec.kind, status=spec.status,
            situation=spec.situation, goals="Người dân đồng thuận, hài lòng; công việc hoàn thành đúng hạn.",
            content_method=spec.content, area=unit.name, target_group="Người dân trên địa bàn",
            lead_name=spec.lead[0], lead_position=spec.lead[1], lead_phone=f"0912 000 {100 + n:03d}",
            budget_state=spec.budget, budget_social=spec.social, workdays=40 + 15 * n,
            start_date=date(spec.year, 1 + n % 6, 10), is_ongoing=True,
            results_quantitative=spec.results,
            results_qualitative="Được người dân đồng tình, hưởng ứng." if spec.results else "",
            beneficiaries=spec.beneficiaries,
            sustainability="Duy trì thường xuyên; có thể nhân rộng ra các đơn vị khác." if spec.results else "",
            continues=made.get(spec.continues), replicates=made.get(spec.replicates),
            created_by_id=getattr(author, "id", None), is_late=spec.late,
        )
        item.set_name(spec.name)
        item.tags = [InitiativeTag(tag=t) for t in spec.tags]
        item.members = [InitiativeMember(full_name=m, position=p, position_order=i)
                        for i, (m, p) in enumerate(spec.members)]
        created = _at(date(spec.year, 3, 1) + timedelta(days=7 * n))
        steps = [(None, Status.DRAFT, author, None, created)]
        if spec.status is not Status.DRAFT:
            submitted = (general_deadline(spec.year) + timedelta(days=20) if spec.late
                         else _at(date(spec.year, 9, 1) + timedelta(days=2 * n)))
            item.submitted_at = submitted
            steps.append((Status.DRAFT, Status.SUBMITTED, author, None, submitted))
            if spec.status is not Status.SUBMITTED:
                reviewer = users.get(spec.reviewer, secretariat)
                steps.append((Status.SUBMITTED, spec.status, reviewer, spec.reason, submitted + timedelta(days=5)))
        item.transitions = [
            Transition(from_status=f, to_status=t, actor_id=getattr(a, "id", None), reason=r, occurred_at=when,
                       is_late=spec.late and t is Status.SUBMITTED)
            for f, t, a, r, when in steps
        ]
        db.session.add(item)
        db.session.flush()
        item.refresh_search_text()
        made[spec.key] = item
        if spec.photo:
            attach(item, io.BytesIO(_draw(spec.photo, spec.name, "PNG")), f"Ảnh hoạt động - {spec.name[:60]}.png",
                   actor=author, is_public=True)
        if spec.status is not Status.DRAFT:
            attach(item, io.BytesIO(_draw((250, 250, 250), spec.name, "PDF")),
                   f"Báo cáo kết quả mô hình “{spec.name[:60]}” năm {spec.year}.pdf", actor=author)
    db.session.flush()
    # What submission did for real models: the warnings of recycled models (one in the demo).
    from .similarity import detect

    for item in made.values():
        if item.status is not Status.DRAFT:
            detect(item)
    return bool(made)
