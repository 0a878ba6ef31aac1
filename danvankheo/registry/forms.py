from __future__ import annotations

import re

from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from ..core.formatting import format_number
from ..core.forms import CHOOSE, REQUIRED, DayField, Form, MultiCheckboxField
from ..units.models import UnitKind
from .models import Field, InitiativeKind
from .services import DossierData

PHONE_RE = re.compile(r"^[0-9 +().-]{6,20}$")
_GROUPED_RE = re.compile(r"^\d{1,3}(\.\d{3})+$")
_MEMBER_SPLIT_RE = re.compile(r"\s+[-–—]\s+|\t")


class GroupedIntegerField(StringField):
    """A whole, non-negative number typed the Vietnamese way: "50.000.000" or "50000000"."""

    def __init__(self, label=None, validators=None, *, maximum: int, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.maximum = maximum

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "") or ""
        text = self.raw.replace("\u00a0", "").replace(" ", "").strip()
        self.data = None
        self.parse_error = None
        if not text:
            self.data = 0
            return
        if text.startswith("-"):
            self.parse_error = "Không được là số âm."
        elif "," in text:
            self.parse_error = "Chỉ nhập số nguyên, không có phần lẻ (ví dụ 50.000.000)."
        elif text.isdigit() or _GROUPED_RE.match(text):
            self.data = int(text.replace(".", ""))
            if self.data > self.maximum:
                self.parse_error = f"Giá trị quá lớn (tối đa {format_number(self.maximum)})."
        else:
            self.parse_error = "Phải là một số nguyên không âm, ví dụ 50.000.000."

    def pre_validate(self, form):
        error = getattr(self, "parse_error", None)
        if error:
            self.data = None
            raise ValidationError(error)

    def _value(self):
        if getattr(self, "parse_error", None):
            return self.raw
        return format_number(self.data) if self.data is not None else ""


def _long(label: str, rows: int = 4, **kwargs) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=20000, message="Tối đa 20.000 ký tự.")],
                         render_kw={"rows": rows}, **kwargs)


def parse_members(text: str) -> list[tuple[str, str]]:
    """One member per line, "Họ tên - Chức vụ"; the position may be left out."""
    members = []
    for line in (text or "").splitlines():
        parts = _MEMBER_SPLIT_RE.split(line.strip(), maxsplit=1)
        name = parts[0].strip()
        if name:
            position = parts[1].strip() if len(parts) > 1 else ""
            members.append((name[:255], position[:255]))
    return members


def format_members(members) -> str:
    return "\n".join(f"{m.full_name} - {m.position}" if m.position else m.full_name for m in members)


def parse_tags(text: str) -> list[str]:
    return [t.strip() for t in re.split(r"[,;\n]", text or "") if t.strip()]


class InitiativeForm(Form):
    version = HiddenField()
    name = StringField("Tên mô hình", validators=[DataRequired(REQUIRED), Length(max=500, message="Tối đa 500 ký tự.")])
    year = SelectField("Năm", coerce=int)
    field = SelectField(
        "Lĩnh vực",
        choices=[("", "— Chọn lĩnh vực —")] + [(f.value, label) for f, label in Field.labels().items()],
        validators=[Optional()],
    )
    tags = StringField("Chủ đề", description="Các từ khóa, cách nhau bởi dấu phẩy. Ví dụ: cải cách hành chính, chuyển đổi số.",
                       validators=[Optional(), Length(max=1000)])
    kind = RadioField(
        "Loại mô hình",
        choices=[(InitiativeKind.COLLECTIVE.value, "Tập thể"), (InitiativeKind.INDIVIDUAL.value, "Cá nhân (điển hình)")],
        default=InitiativeKind.COLLECTIVE.value,
        validators=[DataRequired(CHOOSE)],
    )
    situation = _long("Thực trạng, lý do xây dựng mô hình")
    goals = _long("Mục tiêu", 3)
    content_method = _long("Nội dung, cách thức thực hiện", 6)
    area = _long("Địa bàn thực hiện", 2)
    target_group = _long("Đối tượng", 2)
    lead_name = StringField("Họ tên người phụ trách", validators=[Optional(), Length(max=255)])
    lead_position = StringField("Chức vụ", validators=[Optional(), Length(max=255)])
    lead_phone = StringField("Số điện thoại liên hệ", validators=[Optional(), Length(max=40)],
                             description="Không hiển thị công khai.")
    members = TextAreaField(
        "Thành viên tham gia",
        description="Mỗi dòng một người, dạng “Họ tên - Chức vụ”.",
        validators=[Optional(), Length(max=20000)],
        render_kw={"rows": 4},
    )
    budget_state = GroupedIntegerField("Kinh phí ngân sách (đồng)", maximum=10**15)
    budget_social = GroupedIntegerField("Kinh phí xã hội hóa (đồng)", maximum=10**15)
    workdays = GroupedIntegerField("Ngày công", maximum=100_000_000)
    start_date = DayField("Thời gian bắt đầu", validators=[Optional()])
    end_date = DayField("Thời gian kết thúc", validators=[Optional()])
    is_ongoing = BooleanField("Đang tiếp tục thực hiện", default=True)
    results_quantitative = _long("Kết quả định lượng", description="Số liệu kiểm chứng được: số hồ sơ, số hộ, số tiền…")
    results_qualitative = _long("Kết quả định tính")
    beneficiaries = GroupedIntegerField("Số người hưởng lợi", maximum=1_000_000_000)
    sustainability = _long("Khả năng duy trì, nhân rộng", 3)
    continues_id = SelectField("Tiếp nối mô hình năm trước", coerce=int, validate_choice=True)
    replicates_id = GroupedIntegerField(
        "Nhân rộng từ mô hình của đơn vị khác (mã số)",
        maximum=2**31 - 1,
        description="Mã số mô hình đã được công nhận, xem trong Thư viện mô hình. Để trống nếu là mô hình mới.",
    )

    def validate_lead_phone(self, field):
        if field.data and not PHONE_RE.match(field.data.strip()):
            raise ValidationError("Số điện thoại chỉ gồm chữ số, dấu cách và các ký tự + ( ) . -")

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data and not self.is_ongoing.data:
            raise ValidationError("Thời gian kết thúc phải sau thời gian bắt đầu.")

    def dossier(self) -> DossierData:
        return DossierData(
            name=self.name.data.strip(),
            values={
                "year": self.year.data,
                "field": Field(self.field.data) if self.field.data else None,
                "kind": InitiativeKind(self.kind.data),
                "situation": (self.situation.data or "").strip(),
                "goals": (self.goals.data or "").strip(),
                "content_method": (self.content_method.data or "").strip(),
                "area": (self.area.data or "").strip(),
                "target_group": (self.target_group.data or "").strip(),
                "lead_name": (self.lead_name.data or "").strip(),
                "lead_position": (self.lead_position.data or "").strip(),
                "lead_phone": (self.lead_phone.data or "").strip(),
                "budget_state": self.budget_state.data or 0,
                "budget_social": self.budget_social.data or 0,
                "workdays": self.workdays.data or 0,
                "start_date": self.start_date.data,
                "end_date": self.end_date.data,
                "is_ongoing": bool(self.is_ongoing.data),
                "results_quantitative": (self.results_quantitative.data or "").strip(),
                "results_qualitative": (self.results_qualitative.data or "").strip(),
                "beneficiaries": self.beneficiaries.data or 0,
                "sustainability": (self.sustainability.data or "").strip(),
                "continues_id": self.continues_id.data or None,
                "replicates_id": self.replicates_id.data or None,
            },
            tags=parse_tags(self.tags.data),
            members=parse_members(self.members.data),
        )

    def fill_from(self, initiative) -> None:
        for name in ("name", "year", "situation", "goals", "content_method", "area", "target_group", "lead_name",
                     "lead_position", "lead_phone", "budget_state", "budget_social", "workdays", "start_date",
                     "end_date", "is_ongoing", "results_quantitative", "results_qualitative", "beneficiaries",
                     "sustainability"):
            getattr(self, name).data = getattr(initiative, name)
        self.field.data = initiative.field.value if initiative.field else ""
        self.kind.data = initiative.kind.value
        self.tags.data = ", ".join(initiative.tag_list)
        self.members.data = format_members(initiative.members)
        self.continues_id.data = initiative.continues_id or 0
        self.replicates_id.data = initiative.replicates_id or None
        self.version.data = str(initiative.version)


class ReasonForm(Form):
    reason = TextAreaField("Lý do", validators=[Optional(), Length(max=5000)])


class DeadlineForm(Form):
    deadline_date = DayField("Hạn nộp (ngày)", validators=[DataRequired("Vui lòng chọn ngày.")])
    # A text box, not type="time": an English browser would show "11:59 PM".
    deadline_time = TimeField("Giờ", validators=[DataRequired("Vui lòng nhập giờ.")], widget=TextInput(),
                              render_kw={"placeholder": "hh:mm", "inputmode": "numeric", "autocomplete": "off"},
                              description="24 giờ, ví dụ 23:59.")
    kinds = MultiCheckboxField(
        "Loại đơn vị phải đăng ký mô hình", choices=[(k.value, label) for k, label in UnitKind.labels().items()]
    )

    def validate_kinds(self, field):
        if not field.data:
            raise ValidationError("Chọn ít nhất một loại đơn vị.")


class ExtensionForm(Form):
    unit_id = SelectField("Đơn vị", coerce=int, validate_choice=True)
    until_date = DayField("Gia hạn đến ngày", validators=[DataRequired("Vui lòng chọn ngày.")])
    reason = StringField("Lý do", validators=[Optional(), Length(max=1000)])

    def validate_unit_id(self, field):
        if not field.data:
            raise ValidationError(CHOOSE)
