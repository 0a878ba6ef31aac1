"""Day boxes: text, day first in any browser, the picker's button, Vietnamese refusals."""

import pytest
from werkzeug.datastructures import MultiDict

from danvankheo.core.forms import DayField, Form


class _DayForm(Form):
    class Meta:
        csrf = False

    day = DayField("Ngày Quyết định")


@pytest.mark.parametrize(("typed", "stored"), [("05/11/2026", "2026-11-05"), ("5/11/2026", "2026-11-05"),
                                               ("05-11-2026", "2026-11-05"), ("2026-11-05", "2026-11-05")])
def test_a_day_is_read_day_first(app, typed, stored):
    with app.test_request_context():
        form = _DayForm(MultiDict({"day": typed}))
        assert form.validate()
        assert form.day.data.isoformat() == stored
        assert form.day._value() == "05/11/2026"


def test_a_wrong_day_keeps_the_text_and_says_why_in_vietnamese(app):
    with app.test_request_context():
        form = _DayForm(MultiDict({"day": "31/02/2026"}))
        assert not form.validate()
        assert form.day.errors == ["Ngày không hợp lệ. Hãy nhập theo dạng ngày/tháng/năm, ví dụ 15/10/2026."]
        assert form.day._value() == "31/02/2026"


def test_the_box_is_text_with_a_hint_and_the_calendar_button(app):
    with app.test_request_context():
        rendered = app.jinja_env.from_string(
            '{% from "macros/forms.html" import field %}{{ field(form.day) }}').render(form=_DayForm())
    assert 'type="text"' in rendered and 'placeholder="dd/mm/yyyy"' in rendered
    assert 'data-datepicker-for="day"' in rendered and "Dạng ngày/tháng/năm" in rendered
