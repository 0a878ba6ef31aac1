from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, TextAreaField

from ..core.formatting import format_number
from ..core.forms import Form
from .models import TEXT_LIMIT, Stance


class OpinionForm(Form):
    """The supervision opinion. Length and emptiness are checked by the service (one message,
    with the count), so that the page and any other caller refuse alike."""

    stance = RadioField("Đánh giá kết quả đơn vị nêu", choices=[(s.value, label) for s, label in Stance.labels().items()],
                        validate_choice=False)
    text = TextAreaField("Nội dung ý kiến giám sát",
                         description=f"Tối đa {format_number(TEXT_LIMIT)} ký tự: kết quả đã kiểm tra thực tế, "
                                     "ý kiến của Nhân dân nơi mô hình thực hiện, kiến nghị.")
    file = FileField("Tệp đính kèm (không bắt buộc)",
                     description="Biên bản giám sát, ảnh chụp... (PDF, Word, Excel, ảnh), như minh chứng.")
    remove_file = BooleanField("Bỏ tệp đang đính kèm")

    def stance_value(self) -> Stance | None:
        try:
            return Stance(self.stance.data) if self.stance.data else None
        except ValueError:
            return None
