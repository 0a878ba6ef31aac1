"""Form pieces shared by features. Every form inherits `Form`, which speaks Vietnamese."""

from __future__ import annotations

from datetime import datetime, time

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, widgets
from wtforms.validators import StopValidation

from .formatting import format_day, format_number, parse_day, parse_decimal

REQUIRED = "Vui lòng nhập trường này."
CHOOSE = "Vui lòng chọn một giá trị."

# WTForms ships no Vietnamese catalogue; these are its built-in messages.
_VI = {
    "Invalid field name '%s'.": "Tên trường không hợp lệ: '%s'.",
    "Field must be equal to %(other_name)s.": "Giá trị phải trùng với trường %(other_name)s.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không được dài quá %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Không được dài quá %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Phải có đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Phải có đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": "Phải có từ %(min)d đến %(max)d ký tự.",
    "Number must be at least %(min)s.": "Giá trị phải lớn hơn hoặc bằng %(min)s.",
    "Number must be at most %(max)s.": "Giá trị phải nhỏ hơn hoặc bằng %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Giá trị phải nằm trong khoảng %(min)s đến %(max)s.",
    "Date must be at least %(min)s.": "Ngày phải từ %(min)s trở đi.",
    "Date must be at most %(max)s.": "Ngày không được sau %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Ngày phải trong khoảng %(min)s đến %(max)s.",
    "This field is required.": REQUIRED,
    "Invalid input.": "Giá trị không hợp lệ.",
    "Invalid email address.": "Địa chỉ email không hợp lệ.",
    "Invalid IP address.": "Địa chỉ IP không hợp lệ.",
    "Invalid Mac address.": "Địa chỉ MAC không hợp lệ.",
    "Invalid URL.": "Đường dẫn không hợp lệ.",
    "Invalid UUID.": "Mã UUID không hợp lệ.",
    "Invalid value, must be one of: %(values)s.": "Giá trị không hợp lệ, phải là một trong: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Giá trị không hợp lệ, không được là: %(values)s.",
    "This field cannot be edited.": "Trường này không được sửa.",
    "This field is disabled and cannot have a value.": "Trường này bị khóa, không nhận giá trị.",
    "Invalid CSRF Token.": "Mã bảo vệ biểu mẫu không hợp lệ. Vui lòng tải lại trang và gửi lại.",
    "CSRF token missing.": "Thiếu mã bảo vệ biểu mẫu. Vui lòng tải lại trang và gửi lại.",
    "CSRF failed.": "Kiểm tra mã bảo vệ biểu mẫu thất bại. Vui lòng tải lại trang.",
    "CSRF token expired.": "Mã bảo vệ biểu mẫu đã hết hạn. Vui lòng tải lại trang và gửi lại.",
    "The CSRF token is missing.": "Thiếu mã bảo vệ biểu mẫu. Vui lòng tải lại trang và gửi lại.",
    "The CSRF token is invalid.": "Mã bảo vệ biểu mẫu không hợp lệ. Vui lòng tải lại trang và gửi lại.",
    "The CSRF token has expired.": "Mã bảo vệ biểu mẫu đã hết hạn. Vui lòng tải lại trang và gửi lại.",
    "The CSRF tokens do not match.": "Mã bảo vệ biểu mẫu không khớp. Vui lòng tải lại trang và gửi lại.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Choices cannot be None.": "Chưa có danh sách lựa chọn.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Có lựa chọn không hợp lệ.",
    "'%(value)s' is not a valid choice for this field.": "“%(value)s” không phải lựa chọn hợp lệ.",
    "'%(value)s' are not valid choices for this field.": "“%(value)s” không phải lựa chọn hợp lệ.",
    "Not a valid datetime value.": "Ngày giờ không hợp lệ (dạng dd/mm/yyyy hh:mm).",
    "Not a valid date value.": "Ngày không hợp lệ (dạng dd/mm/yyyy).",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Not a valid week value.": "Tuần không hợp lệ.",
    "Not a valid integer value.": "Phải là một số nguyên.",
    "Not a valid decimal value.": "Phải là một số.",
    "Not a valid float value.": "Phải là một số.",
}


class VietnameseTranslations:
    def gettext(self, string: str) -> str:
        return _VI.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


VI_TRANSLATIONS = VietnameseTranslations()


class Form(FlaskForm):
    """Base form: CSRF through Flask-WTF and Vietnamese built-in messages."""

    class Meta:
        def get_translations(self, form):
            return VI_TRANSLATIONS


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def unit_choices(units, *, blank: str | None = None) -> list[tuple[int, str]]:
    """Choices for a unit select, indented by depth, in tree order."""
    choices = [(0, blank)] if blank is not None else []
    choices += [(u.id, "\u00a0\u00a0" * u.depth + u.name) for u in units]
    return choices


class ParsedTextField(StringField):
    """A text box whose value is parsed by `parse` and shown back by `show`: a wrong text is
    shown back as typed with its Vietnamese message, never lost."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.parse_error: str | None = None
        self.raw = ""

    def parse(self, text: str):
        raise NotImplementedError

    def show(self, value) -> str:
        raise NotImplementedError

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "") or ""
        self.parse_error = None
        try:
            self.data = self.parse(self.raw)
        except ValueError as error:
            self.data = None
            self.parse_error = str(error)

    def pre_validate(self, form):
        if self.parse_error:
            raise StopValidation(self.parse_error)

    def _value(self):
        if self.parse_error:
            return self.raw
        return self.show(self.data) if self.data is not None else ""


class DayField(ParsedTextField):
    """A day typed as dd/mm/yyyy (any browser, any language), with the app's date picker.

    A native ``type="date"`` box shows mm/dd/yyyy in an English browser; this one shows and
    reads the Vietnamese order. Parsed by `formatting.parse_day`; a wrong text is shown back
    as typed with its Vietnamese message.
    """

    HINT = "ngày/tháng/năm, ví dụ 15/10/2026"

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off",
                     "data-datepicker": "", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def parse(self, text: str):
        return parse_day(text)

    def show(self, value) -> str:
        return format_day(value)


class DayTimeField(DayField):
    """A day and an hour, "dd/mm/yyyy hh:mm"; without the hour, ``default_time``."""

    HINT = "ngày/tháng/năm giờ:phút, ví dụ 15/10/2026 17:00"

    def __init__(self, label=None, validators=None, *, default_time: time = time(0, 0), **kwargs):
        render_kw = {"placeholder": "dd/mm/yyyy hh:mm", "inputmode": "text",
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.default_time = default_time

    def parse(self, text: str):
        text = text.strip().replace("T", " ")
        if not text:
            return None
        day_text, _, time_text = text.partition(" ")
        try:
            day = parse_day(day_text)
            moment = self.default_time
            if time_text.strip():
                moment = datetime.strptime(time_text.strip()[:5], "%H:%M").time()
        except ValueError:
            raise ValueError(f"Ngày giờ không hợp lệ. Hãy nhập theo dạng {self.HINT}.") from None
        return datetime.combine(day, moment)

    def show(self, value) -> str:
        return f"{format_day(value)} {value:%H:%M}"


class DecimalTextField(ParsedTextField):
    """A decimal typed the Vietnamese way ("87,5") or with a point ("87.5"), in any browser.

    ``type="number"`` would drop the comma in an English browser (2,5 -> 25) and show "20.0";
    this box is text with a decimal keyboard, parsed by `formatting.parse_decimal` and shown
    back by `formatting.format_number` ("20", "87,5").
    """

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def parse(self, text: str):
        return parse_decimal(text)

    def show(self, value) -> str:
        return format_number(value)
