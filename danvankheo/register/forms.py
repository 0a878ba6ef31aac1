from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..awards.models import AwardLevel, RecipientType
from ..core.forms import DayField, Form
from .services import OutsideAwardData

TOO_LONG = "Tối đa %(max)d ký tự."


class OutsideAwardForm(Form):
    """Khen thưởng ngoài ứng dụng. Required values are checked by the service, which says
    what is missing in the words of the rule (a decision has a number, a date, a body)."""

    recipient_type = RadioField("Đối tượng được khen", default=RecipientType.COLLECTIVE.value,
                                choices=[(RecipientType.COLLECTIVE.value, "Tập thể (đơn vị)"),
                                         (RecipientType.INDIVIDUAL.value, "Cá nhân")])
    unit_id = SelectField("Đơn vị (tập thể được khen, hoặc nơi cá nhân công tác)", coerce=int)
    full_name = StringField("Họ và tên cá nhân", validators=[Length(max=255, message=TOO_LONG)],
                            description="Chỉ nhập khi khen thưởng cá nhân.")
    person_note = StringField("Năm sinh, chức vụ (để phân biệt người trùng tên)",
                              validators=[Length(max=255, message=TOO_LONG)])
    person_choice = SelectField("Người được khen", choices=[], validate_choice=False)
    decision_number = StringField("Số quyết định", validators=[Length(max=60, message=TOO_LONG)])
    decision_date = DayField("Ngày quyết định")
    issuing_body = StringField("Cơ quan ban hành quyết định", validators=[Length(max=255, message=TOO_LONG)],
                               description="Ví dụ: Bộ Nội vụ; Ủy ban nhân dân tỉnh Ninh Bình.")
    form_name = StringField("Hình thức khen thưởng", validators=[Length(max=255, message=TOO_LONG)],
                            description="Ví dụ: Bằng khen của Bộ trưởng Bộ Nội vụ.")
    level = SelectField("Cấp khen thưởng", choices=[("", "— Chọn cấp —")] + [(k.value, v) for k, v in AwardLevel.labels().items()],
                        validators=[Optional()])
    initiative_id = SelectField("Mô hình (thành tích) được khen, nếu có trong ứng dụng", coerce=int, default=0)
    achievement = TextAreaField("Thành tích được khen", validators=[Length(max=4000, message=TOO_LONG)])
    scan = FileField("Bản chụp quyết định (không bắt buộc)")

    def data_for_service(self) -> OutsideAwardData:
        return OutsideAwardData(
            recipient_type=RecipientType(self.recipient_type.data or RecipientType.COLLECTIVE.value),
            unit_id=self.unit_id.data or None,
            decision_number=self.decision_number.data or "",
            decision_date=self.decision_date.data,
            issuing_body=self.issuing_body.data or "",
            form_name=self.form_name.data or "",
            level=AwardLevel(self.level.data) if self.level.data else None,
            full_name=self.full_name.data or "",
            person_note=self.person_note.data or "",
            person_choice=self.person_choice.data or None,
            initiative_id=self.initiative_id.data or None,
            achievement=self.achievement.data or "",
        )
