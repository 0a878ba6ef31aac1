from __future__ import annotations

import re

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..auth.passwords import password_problems
from ..core.forms import CHOOSE, REQUIRED, Form, MultiCheckboxField
from ..core.roles import ROLE_LABELS, Role
from ..extensions import db
from ..units.models import Unit, UnitKind

CODE_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
LOGIN_RE = re.compile(r"^[a-z0-9_.@+-]+$")
PHONE_RE = re.compile(r"^[0-9 +().-]{6,20}$")


def chosen_unit(field: SelectField) -> Unit | None:
    """The unit picked in a select of `unit_choices`; its blank line (0) picks none."""
    return db.session.get(Unit, field.data) if field.data else None


class UnitForm(Form):
    code = StringField("Mã đơn vị", validators=[DataRequired(REQUIRED), Length(max=40, message="Tối đa 40 ký tự.")])
    name = StringField("Tên đơn vị", validators=[DataRequired(REQUIRED), Length(max=255, message="Tối đa 255 ký tự.")])
    kind = SelectField(
        "Loại đơn vị",
        choices=[(k.value, label) for k, label in UnitKind.labels().items()],
        validators=[DataRequired(CHOOSE)],
    )
    parent_id = SelectField("Đơn vị cấp trên", coerce=int, validate_choice=True)

    def validate_code(self, field):
        if not CODE_RE.match(field.data.strip()):
            raise ValidationError("Mã chỉ gồm chữ không dấu, số và các ký tự . _ -")

    @property
    def kind_enum(self) -> UnitKind:
        return UnitKind(self.kind.data)

    @property
    def parent_unit(self) -> Unit | None:
        return chosen_unit(self.parent_id)


class UserForm(Form):
    login = StringField(
        "Tên đăng nhập",
        validators=[DataRequired(REQUIRED), Length(min=3, max=255, message="Từ 3 đến 255 ký tự.")],
    )
    full_name = StringField("Họ và tên", validators=[DataRequired(REQUIRED), Length(max=255, message="Tối đa 255 ký tự.")])
    email = EmailField(
        "Email",
        validators=[Optional(), Email("Địa chỉ email không hợp lệ.", check_deliverability=False), Length(max=255)],
    )
    position = StringField("Chức vụ", validators=[Optional(), Length(max=255, message="Tối đa 255 ký tự.")])
    phone = StringField("Số điện thoại", validators=[Optional(), Length(max=40)])
    unit_id = SelectField("Đơn vị", coerce=int, validate_choice=True)
    roles = MultiCheckboxField(
        "Vai trò", choices=[(r.value, label) for r, label in ROLE_LABELS.items()]
    )
    organiser_id = SelectField(
        "Cơ quan tổ chức của vai trò",
        description="Thường trực, thành viên hội đồng, người theo dõi và Mặt trận Tổ quốc, đoàn thể (giám sát) "
                    "làm việc cho một cơ quan tổ chức "
                    "(tỉnh hoặc một xã). Vai trò tại cơ quan tổ chức khác của tài khoản được giữ nguyên.",
        coerce=int, validate_choice=True, default=0,
    )
    password = PasswordField(
        "Mật khẩu ban đầu",
        description="Để trống để hệ thống tạo mật khẩu ngẫu nhiên (hiển thị một lần).",
        validators=[Optional(), Length(max=200)],
    )
    is_active = BooleanField("Đang hoạt động", default=True)

    def validate_login(self, field):
        field.data = (field.data or "").strip().lower()
        if not LOGIN_RE.match(field.data):
            raise ValidationError("Tên đăng nhập chỉ gồm chữ thường không dấu, số và . _ @ + -")

    def validate_phone(self, field):
        if field.data and not PHONE_RE.match(field.data.strip()):
            raise ValidationError("Số điện thoại không hợp lệ.")

    def validate_roles(self, field):
        if not field.data:
            raise ValidationError("Chọn ít nhất một vai trò.")
        needs_unit = {Role.STAFF.value, Role.EVALUATOR.value} & set(field.data)
        if needs_unit and not self.unit_id.data:
            raise ValidationError("Cán bộ đơn vị và thành viên hội đồng phải thuộc một đơn vị.")

    def validate_password(self, field):
        if field.data:
            problems = password_problems(field.data, self.login.data, self.full_name.data)
            if problems:
                raise ValidationError(" ".join(problems))

    @property
    def role_set(self) -> set[Role]:
        return {Role(value) for value in self.roles.data or []}

    @property
    def unit(self) -> Unit | None:
        return chosen_unit(self.unit_id)
