from __future__ import annotations

from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..core.forms import REQUIRED, Form
from .passwords import password_problems


class LoginForm(Form):
    login = StringField("Tên đăng nhập hoặc email", validators=[
        DataRequired(REQUIRED), Length(max=254, message="Tên đăng nhập hoặc email dài quá 254 ký tự.")])
    password = PasswordField("Mật khẩu", validators=[DataRequired(REQUIRED), Length(max=200)])


class ChangePasswordForm(Form):
    current_password = PasswordField("Mật khẩu hiện tại", validators=[DataRequired(REQUIRED)])
    new_password = PasswordField("Mật khẩu mới", validators=[DataRequired(REQUIRED), Length(max=200)])
    confirm = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[DataRequired(REQUIRED), EqualTo("new_password", "Hai mật khẩu không khớp.")],
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_current_password(self, field):
        if not self.user.check_password(field.data or ""):
            raise ValidationError("Mật khẩu hiện tại không đúng.")

    def validate_new_password(self, field):
        problems = password_problems(field.data or "", self.user.login, self.user.full_name)
        if problems:
            raise ValidationError(" ".join(problems))
        if self.user.check_password(field.data or ""):
            raise ValidationError("Mật khẩu mới phải khác mật khẩu hiện tại.")
