"""The layout editor and the calibration form. Millimetres and points are typed the
Vietnamese way ("12,5") or with a point; the services check what a form cannot (a box outside
the paper, an offset beyond ±20 mm) and name the input."""

from __future__ import annotations

from decimal import Decimal

from wtforms import BooleanField, FormField, SelectField, StringField, TextAreaField
from wtforms import Form as PlainForm
from wtforms.validators import DataRequired, InputRequired, Length

from ..core.forms import CHOOSE, REQUIRED, VI_TRANSLATIONS, DecimalTextField, Form
from .layouts import Box, Layout
from .models import (
    Alignment,
    CertificateField,
    FontFace,
    Orientation,
    PaperSize,
)

MM_HINT = "mm"


class BoxForm(PlainForm):
    """One field's box: a sub-form of the layout form (its inputs are named "recipient-x_mm"...)."""

    class Meta:
        def get_translations(self, form):
            return VI_TRANSLATIONS

    is_printed = BooleanField("In trường này")
    x_mm = DecimalTextField("Lề trái x (mm)", validators=[InputRequired(REQUIRED)])
    y_mm = DecimalTextField("Lề trên y (mm)", validators=[InputRequired(REQUIRED)])
    w_mm = DecimalTextField("Rộng (mm)", validators=[InputRequired(REQUIRED)])
    h_mm = DecimalTextField("Cao (mm)", validators=[InputRequired(REQUIRED)])
    font = SelectField("Phông chữ", choices=[(face.value, label) for face, label in FontFace.labels().items()],
                       validators=[DataRequired(CHOOSE)])
    size_pt = DecimalTextField("Cỡ chữ (pt)", validators=[InputRequired(REQUIRED)])
    min_size_pt = DecimalTextField("Cỡ nhỏ nhất (pt)", validators=[InputRequired(REQUIRED)])
    align = SelectField("Căn lề", choices=[(a.value, a.label) for a in Alignment], validators=[DataRequired(CHOOSE)])


class LayoutForm(Form):
    paper = SelectField("Khổ giấy", choices=[(p.value, p.label) for p in PaperSize], validators=[DataRequired(CHOOSE)])
    orientation = SelectField("Chiều giấy", choices=[(o.value, o.label) for o in Orientation],
                              validators=[DataRequired(CHOOSE)])
    achievement_wording = TextAreaField(
        "Câu thành tích",
        description="In trong ô “Thành tích”; {mo_hinh} được thay bằng tên mô hình, {nam} bằng năm của đợt đánh giá.",
        validators=[DataRequired(REQUIRED), Length(max=500, message="Tối đa 500 ký tự.")],
        render_kw={"rows": 2},
    )
    award_form = FormField(BoxForm, label=CertificateField.AWARD_FORM.label)
    recipient = FormField(BoxForm, label=CertificateField.RECIPIENT.label)
    recipient_detail = FormField(BoxForm, label=CertificateField.RECIPIENT_DETAIL.label)
    achievement = FormField(BoxForm, label=CertificateField.ACHIEVEMENT.label)
    decision = FormField(BoxForm, label=CertificateField.DECISION.label)
    place_date = FormField(BoxForm, label=CertificateField.PLACE_DATE.label)
    signer_title = FormField(BoxForm, label=CertificateField.SIGNER_TITLE.label)
    signer_name = FormField(BoxForm, label=CertificateField.SIGNER_NAME.label)

    def box_forms(self) -> list[tuple[CertificateField, FormField]]:
        return [(field, getattr(self, field.value)) for field in CertificateField]

    def fill(self, layout: Layout) -> None:
        """Show `layout` in the form (a GET)."""
        self.paper.data, self.orientation.data = layout.paper.value, layout.orientation.value
        self.achievement_wording.data = layout.wording
        for box in layout.boxes:
            sub = getattr(self, box.field.value)
            sub.is_printed.data = box.printed
            sub.x_mm.data, sub.y_mm.data, sub.w_mm.data, sub.h_mm.data = box.x, box.y, box.w, box.h
            sub.font.data, sub.align.data = box.font.value, box.align.value
            sub.size_pt.data, sub.min_size_pt.data = box.size, box.min_size

    def layout(self) -> Layout:
        """The typed layout (after `validate`)."""
        boxes = []
        for field, sub in self.box_forms():
            values = sub.form
            boxes.append(Box(field, Decimal(values.x_mm.data), Decimal(values.y_mm.data), Decimal(values.w_mm.data),
                             Decimal(values.h_mm.data), FontFace(values.font.data), Decimal(values.size_pt.data),
                             Decimal(values.min_size_pt.data), Alignment(values.align.data),
                             bool(values.is_printed.data)))
        return Layout(PaperSize(self.paper.data), Orientation(self.orientation.data),
                      self.achievement_wording.data.strip(), tuple(boxes))

    def input(self, name: str):
        """The input a LayoutError names ("recipient-w_mm", "paper"), or None."""
        head, _, tail = name.partition("-")
        target = getattr(self, head, None)
        if target is not None and tail:
            target = getattr(target.form, tail, None)
        return target


class SettingsForm(Form):
    offset_x_mm = DecimalTextField(
        "Độ lệch ngang X (mm)", validators=[InputRequired("Vui lòng nhập độ lệch ngang, 0 nếu không lệch.")],
        description="Số dương dịch chữ sang phải, số âm sang trái; từ −20 đến 20 mm.")
    offset_y_mm = DecimalTextField(
        "Độ lệch dọc Y (mm)", validators=[InputRequired("Vui lòng nhập độ lệch dọc, 0 nếu không lệch.")],
        description="Số dương dịch chữ xuống dưới, số âm lên trên; từ −20 đến 20 mm.")
    signer_authority = StringField("Thẩm quyền ký", description="Ví dụ: KT. CHỦ TỊCH. Để trống nếu người đứng đầu ký.",
                                   validators=[Length(max=120, message="Tối đa 120 ký tự.")])
    signer_title = StringField("Chức vụ người ký phôi", description="Ví dụ: PHÓ CHỦ TỊCH.",
                               validators=[Length(max=120, message="Tối đa 120 ký tự.")])
    signer_name = StringField("Họ và tên người ký phôi", validators=[Length(max=255, message="Tối đa 255 ký tự.")])
