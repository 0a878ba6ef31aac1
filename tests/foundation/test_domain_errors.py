"""Services name the form field a refusal belongs to; views place it there without reading the
message (core/errors.py)."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Forbidden
from wtforms import Form, StringField

from danvankheo.auth import services as accounts
from danvankheo.core.errors import DomainError, StaleError, saving, show_on_form
from danvankheo.extensions import db
from danvankheo.units import services as units
from danvankheo.units.models import Unit
from tests.factories import make_unit, make_user


class _Form(Form):
    code = StringField()
    parent_id = StringField()
    email = StringField()
    login = StringField()


def test_the_error_goes_to_the_field_it_names_whatever_its_wording():
    form = _Form()
    show_on_form(form, DomainError("Email và Mã đều nhắc tới ở đây", field="parent_id"), default="code")
    assert form.parent_id.errors == ["Email và Mã đều nhắc tới ở đây"] and not form.code.errors
    show_on_form(form, DomainError("Không nêu trường nào"), default="code")
    assert form.code.errors == ["Không nêu trường nào"]
    show_on_form(form, DomainError("Trường không có trên biểu mẫu", field="password"), default="login")
    assert form.login.errors == ["Trường không có trên biểu mẫu"]


def test_services_name_their_fields(app):
    make_unit(code="STP")
    user = make_user(login="canbo", email="canbo@example.vn")
    db.session.flush()
    with pytest.raises(units.UnitError) as refused:
        units.create_unit(code="stp", name="Khác", kind=units.UnitKind.DEPARTMENT, parent=None)
    assert refused.value.field == "code"
    with pytest.raises(accounts.UserError) as refused:
        accounts.change_password(user, "123", by_admin=None)
    assert refused.value.field == "password"


def _saved(form=None, error: Exception | None = None, **kwargs):
    with saving(form, **kwargs) as outcome:
        make_unit(code="MOI", name="Đơn vị mới")
        if error is not None:
            raise error
    return outcome


def _unit_saved() -> bool:
    db.session.expunge_all()
    return db.session.scalar(select(Unit).where(Unit.code == "MOI")) is not None


def test_saving_commits_when_the_block_ends(app):
    outcome = _saved()
    assert outcome and outcome.ok and outcome.error is None
    db.session.rollback()  # nothing left to roll back: it was committed
    assert _unit_saved()


def test_a_refusal_rolls_back_and_lands_on_its_field(app):
    with app.test_request_context():
        form = _Form()
        outcome = _saved(form, DomainError("Mã đã có", field="code"))
        assert not outcome and str(outcome.error) == "Mã đã có"
        assert form.code.errors == ["Mã đã có"]
        assert not get_flashed_messages()
    assert not _unit_saved()


def test_a_refusal_with_no_field_on_the_form_is_flashed(app):
    with app.test_request_context():
        outcome = _saved(_Form(), DomainError("Không còn hạn nộp", field="deadline"))
        assert not outcome
        assert get_flashed_messages(with_categories=True) == [("danger", "Không còn hạn nộp")]
    assert not _unit_saved()


def test_a_refusal_naming_a_field_the_form_lacks_lands_on_the_views_field(app):
    with app.test_request_context():
        form = _Form()
        outcome = _saved(form, DomainError("Mật khẩu quá ngắn", field="password"), field="login")
        assert not outcome and form.login.errors == ["Mật khẩu quá ngắn"]
        assert not get_flashed_messages()
    assert not _unit_saved()


def test_a_quiet_refusal_is_left_to_the_view(app):
    with app.test_request_context():
        form = _Form()
        outcome = _saved(form, DomainError("Vui lòng chọn mức độ", field="code"), quiet=True)
        assert not outcome and str(outcome.error) == "Vui lòng chọn mức độ" and outcome.error.field == "code"
        assert not form.code.errors and not get_flashed_messages()
    assert not _unit_saved()


def test_a_refusal_with_a_status_becomes_that_error_page(app):
    with app.test_request_context(), pytest.raises(Forbidden) as page:
        _saved(_Form(), DomainError("Không phải mô hình của đơn vị anh/chị", status=403))
    assert page.value.description == "Không phải mô hình của đơn vị anh/chị"
    assert not _unit_saved()


@pytest.mark.parametrize("error", [StaleError("Đã có người sửa trước"), StaleDataError("version")])
def test_a_stale_write_is_reported_to_the_view_not_flashed(app, error):
    with app.test_request_context():
        outcome = _saved(_Form(), error)
        assert not outcome and outcome.stale
        assert not get_flashed_messages()
    assert not _unit_saved()


def test_any_other_failure_rolls_back_and_propagates(app):
    with pytest.raises(RuntimeError):
        _saved(error=RuntimeError("hỏng"))
    assert not _unit_saved()
