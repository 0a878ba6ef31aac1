from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..awards.models import PassRule
from ..core.forms import CHOOSE, REQUIRED, Form
from .models import OrganiserLevel


def _text(label: str, maximum: int, description: str | None = None) -> StringField:
    return StringField(label, description=description,
                       validators=[Optional(), Length(max=maximum, message=f"Tối đa {maximum} ký tự.")])


class OrganiserForm(Form):
    unit_id = SelectField("Đơn vị tổ chức phong trào", coerce=int, validate_choice=True,
                          validators=[DataRequired(CHOOSE)])
    level = SelectField("Cấp khen thưởng", choices=[(k.value, label) for k, label in OrganiserLevel.labels().items()],
                        validators=[DataRequired(CHOOSE)])
    secretariat_name = StringField(
        "Cơ quan thường trực Hội đồng", description="Ví dụ: Sở Nội vụ; Văn phòng HĐND và UBND xã.",
        validators=[DataRequired(REQUIRED), Length(max=255, message="Tối đa 255 ký tự.")],
    )
    parent_body_name = _text("Cơ quan chủ quản (dòng trên của quốc hiệu)", 255, "Ví dụ: UBND TỈNH NINH BÌNH; UBND XÃ GIA VIỄN.")
    issuing_body_name = _text("Cơ quan ban hành văn bản", 255, "Ví dụ: SỞ NỘI VỤ; VĂN PHÒNG HĐND VÀ UBND.")
    number_suffix = _text("Ký hiệu văn bản", 40, "Ví dụ: SNV, VP.")
    place_name = _text("Địa danh ghi trên văn bản", 120, "Ví dụ: Ninh Bình; Gia Viễn.")
    signer_authority = _text("Thẩm quyền ký (KT., TL.)", 120, "Ví dụ: KT. GIÁM ĐỐC. Để trống nếu người đứng đầu ký.")
    signer_title = _text("Chức vụ người ký", 120, "Ví dụ: PHÓ GIÁM ĐỐC; CHỦ TỊCH.")
    signer_name = _text("Họ tên người ký", 255)
    decision_body_name = _text("Cơ quan ban hành Quyết định khen thưởng", 255, "Ví dụ: UBND tỉnh Ninh Bình; UBND xã Gia Viễn.")
    decision_number_suffix = _text("Ký hiệu Quyết định", 40, "Ví dụ: UBND.")
    submission_addressee = _text("Kính gửi của Tờ trình", 255, "Để trống: ghi theo cơ quan có thẩm quyền khen thưởng.")
    vote_threshold_percent = SelectField(
        "Khi Hội đồng bỏ phiếu kín, tập thể, cá nhân đạt khi số phiếu đồng ý", coerce=int, default=51,
        choices=[(rule.percent, label) for rule, label in PassRule.labels().items()],
        description="Mỗi cuộc bỏ phiếu mở ra với quy định này; Thường trực vẫn chọn lại được khi mở bỏ phiếu.",
        validators=[DataRequired(CHOOSE)],
    )

    @property
    def level_enum(self) -> OrganiserLevel:
        return OrganiserLevel(self.level.data)

    def settings(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "secretariat_name", "parent_body_name", "issuing_body_name", "number_suffix", "place_name",
            "signer_authority", "signer_title", "signer_name", "decision_body_name", "decision_number_suffix",
            "submission_addressee", "vote_threshold_percent")}


class NominateForm(Form):
    note = TextAreaField("Ý kiến đề nghị của cấp dưới", validators=[
        DataRequired("Vui lòng ghi lý do đề nghị lên cấp trên."), Length(max=2000, message="Tối đa 2.000 ký tự.")])


class ReturnNominationForm(Form):
    reason = TextAreaField("Lý do trả lại", validators=[
        DataRequired("Vui lòng ghi lý do trả lại để cấp dưới biết."), Length(max=2000, message="Tối đa 2.000 ký tự.")])
