"""Services name the form field a refusal belongs to; views place it there without reading the
message (core/errors.py)."""

from __future__ import annotations

import pytest
from wtforms import Form, StringField

from danvankheo.auth import services as accounts
from danvankheo.core.errors import DomainError, show_on_form
from danvankheo.extensions import db
from danvankheo.units import services as units
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
