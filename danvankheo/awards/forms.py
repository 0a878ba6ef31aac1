from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, time

from flask import flash
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..core.errors import DomainError, show_on_form
from ..core.forms import CHOOSE, REQUIRED, DayField, DayTimeField, Form, MultiCheckboxField
from ..core.timeutil import local_zone
from .models import AwardLevel, PassRule
from .proposals import LineChange, ProposalDetails


class AwardFormForm(Form):
    name = StringField("Tên hình thức khen thưởng",
                       validators=[DataRequired(REQUIRED), Length(max=255, message="Tối đa 255 ký tự.")])
    issuing_authority = StringField("Cấp có thẩm quyền khen thưởng",
                                    validators=[DataRequired(REQUIRED), Length(max=255, message="Tối đa 255 ký tự.")])
    level = SelectField("Cấp khen thưởng", choices=[(k.value, v) for k, v in AwardLevel.labels().items()],
                        validators=[DataRequired(CHOOSE)])
    position = IntegerField("Thứ tự hiển thị", default=0,
                            validators=[Optional(), NumberRange(min=0, max=100000, message="Từ 0 đến 100.000.")])
    is_thematic = BooleanField(
        "Khen thưởng theo chuyên đề",
        description="Đánh dấu cho khen thưởng phong trào “Dân vận khéo”: kết quả khen thưởng chuyên đề không "
                    "dùng để đề nghị khen thưởng công trạng cấp cao hơn (Điều 4 khoản 3 Nghị định về thi đua, "
                    "khen thưởng), nên được ghi “(chuyên đề)” trên danh sách và văn bản.",
    )
    is_active = BooleanField("Đang dùng", default=True)

    @property
    def level_enum(self) -> AwardLevel:
        return AwardLevel(self.level.data)


class NewProposalForm(Form):
    """Step two of creating a proposal: the models of the chosen round and a default form."""

    title = StringField("Tên hồ sơ đề nghị", validators=[Optional(), Length(max=500, message="Tối đa 500 ký tự.")])
    # The service checks the form (active, of the organiser's level) and says why it refuses one.
    award_form_id = SelectField("Hình thức khen thưởng đề nghị (áp dụng cho mọi dòng, sửa được sau)",
                                coerce=int, validate_choice=False, validators=[DataRequired(CHOOSE)])
    initiative_ids = MultiCheckboxField("Mô hình được đề nghị", coerce=int)


class ProposalForm(Form):
    """The Tờ trình part of the proposal page; the lines are read by `line_changes`."""

    version = HiddenField()
    title = StringField("Tên hồ sơ đề nghị", validators=[DataRequired(REQUIRED), Length(max=500)])
    submission_number = StringField(
        "Số Tờ trình", description="Ví dụ: 125/TTr-SNV. Để trống nếu chưa lấy số.",
        validators=[Optional(), Length(max=60, message="Tối đa 60 ký tự.")],
    )
    submission_date = DayField("Ngày Tờ trình", validators=[Optional()])
    signer_authority = StringField(
        "Ký thay (nếu có)", description="Ví dụ: KT. Giám đốc. Để trống khi người đứng đầu ký.",
        validators=[Optional(), Length(max=255)],
    )
    signer_title = StringField("Chức vụ người ký", description="Ví dụ: Phó Giám đốc.",
                               validators=[Optional(), Length(max=255)])
    signer_name = StringField("Họ và tên người ký", validators=[Optional(), Length(max=255)])

    def details(self) -> ProposalDetails:
        return ProposalDetails(
            title=self.title.data or "",
            submission_number=self.submission_number.data,
            submission_date=self.submission_date.data,
            signer_name=self.signer_name.data or "",
            signer_title=self.signer_title.data or "",
            signer_authority=self.signer_authority.data or "",
        )

    @property
    def expected_version(self) -> int | None:
        raw = self.version.data or ""
        return int(raw) if raw.isdigit() else None


def line_changes(data: Mapping[str, str], line_ids: list[int]) -> list[LineChange]:
    """The lines' fields as posted by the proposal page (`line-<id>-<field>`)."""
    changes = []
    for line_id in line_ids:
        prefix = f"line-{line_id}-"
        if prefix + "recipient" not in data:
            continue
        raw_form = data.get(prefix + "award_form", "")
        changes.append(
            LineChange(
                line_id=line_id,
                recipient_key=data.get(prefix + "recipient", ""),
                award_form_id=int(raw_form) if raw_form.isdigit() else 0,
                achievement_summary=data.get(prefix + "summary", ""),
                note=data.get(prefix + "note", ""),
            )
        )
    return changes


class AddLineForm(Form):
    version = HiddenField()
    initiative_id = SelectField("Mô hình", coerce=int, validators=[DataRequired(CHOOSE)])
    award_form_id = SelectField("Hình thức khen thưởng", coerce=int, validators=[DataRequired(CHOOSE)])


class StepForm(Form):
    """The small form of one step on a submitted proposal's page, posted with the version the
    user saw; `incomplete` is the message when it does not validate."""

    incomplete = ""
    version = HiddenField()


class DecisionForm(StepForm):
    incomplete = "Vui lòng nhập số và ngày của Quyết định khen thưởng."
    decision_number = StringField("Số Quyết định", validators=[DataRequired(REQUIRED), Length(max=60)])
    decision_date = DayField("Ngày Quyết định", validators=[DataRequired("Vui lòng chọn ngày.")])


class ReturnForm(StepForm):
    incomplete = "Vui lòng nhập lý do trả lại."
    reason = TextAreaField("Lý do trả lại", validators=[DataRequired(REQUIRED), Length(max=4000)])


class RevokeForm(Form):
    reason = TextAreaField("Lý do hủy khen thưởng", validators=[DataRequired(REQUIRED), Length(max=4000)],
                           description="Ví dụ: khen thưởng dựa trên hồ sơ, báo cáo không đúng sự thật "
                                       "(Luật Thi đua, khen thưởng, chương VII).")
    decision_number = StringField("Số Quyết định hủy", validators=[Optional(), Length(max=60)])
    decision_date = DayField("Ngày Quyết định hủy", validators=[Optional()])


class MeetingForm(Form):
    """Biên bản họp Hội đồng: the meeting, and (added by `meeting_form_for`) one vote field
    per candidate. Cross-field rules are checked by `meetings.check_meeting`."""

    meeting_date = DayField("Ngày họp", validators=[DataRequired("Vui lòng chọn ngày họp.")])
    place = StringField("Địa điểm họp", validators=[DataRequired(REQUIRED), Length(max=255, message="Tối đa 255 ký tự.")],
                        description="Ví dụ: Phòng họp số 1, Sở Nội vụ.")
    chair_name = StringField("Người chủ trì", validators=[DataRequired(REQUIRED), Length(max=255)])
    chair_title = StringField("Chức vụ người chủ trì", validators=[Optional(), Length(max=255)],
                              description="Ví dụ: Phó Chủ tịch Thường trực Hội đồng.")
    secretary_name = StringField("Thư ký cuộc họp", validators=[DataRequired(REQUIRED), Length(max=255)])
    members_total = IntegerField("Tổng số thành viên Hội đồng",
                                 validators=[InputRequired(REQUIRED),
                                             NumberRange(min=1, max=1000, message="Từ 1 đến 1.000.")])
    members_present = IntegerField("Số thành viên có mặt",
                                   validators=[InputRequired(REQUIRED),
                                               NumberRange(min=1, max=1000, message="Từ 1 đến 1.000.")])
    pass_votes = IntegerField(
        "Số phiếu đồng ý để đạt", validators=[Optional(), NumberRange(min=1, max=1000, message="Từ 1 đến 1.000.")],
        description="Để trống: quá nửa tổng số thành viên Hội đồng (ví dụ 9 thành viên cần 5 phiếu).",
    )

    vote_names: list[tuple[int, str]] = []

    def meeting_data(self):
        from .meetings import MeetingData

        return MeetingData(
            meeting_date=self.meeting_date.data,
            place=self.place.data or "",
            chair_name=self.chair_name.data or "",
            chair_title=self.chair_title.data or "",
            secretary_name=self.secretary_name.data or "",
            members_total=self.members_total.data or 0,
            members_present=self.members_present.data or 0,
            pass_votes=self.pass_votes.data,
            votes={line_id: self[name].data for line_id, name in self.vote_names if self[name].data is not None},
        )

    def vote_fields(self):
        return [(line_id, self[name]) for line_id, name in self.vote_names]


def meeting_form_for(lines, **kwargs) -> MeetingForm:
    """A MeetingForm with a "đồng ý" votes field for each proposal line."""
    from .meetings import vote_field

    class _Form(MeetingForm):
        pass

    names = []
    for index, line in enumerate(lines, 1):
        name = vote_field(line.id)
        setattr(_Form, name, IntegerField(
            f"Số phiếu đồng ý, dòng {index}: {line.recipient_name}",
            validators=[Optional(), NumberRange(min=0, max=1000, message="Từ 0 đến 1.000.")],
        ))
        names.append((line.id, name))
    _Form.vote_names = names
    return _Form(**kwargs)


# --- The council's ballot -------------------------------------------------------------------------


class OpenBallotForm(Form):
    """Mở bỏ phiếu: when it ends and how many "đồng ý" votes a candidate needs."""

    closes_at = DayTimeField("Kết thúc bỏ phiếu lúc", validators=[InputRequired("Vui lòng nhập thời điểm kết thúc "
                                                                                 "bỏ phiếu.")],
                             default_time=time(17, 0),
                             description="Bỏ phiếu cũng kết thúc ngay khi mọi thành viên đã bỏ phiếu.")
    pass_rule = SelectField("Tập thể, cá nhân đạt khi số phiếu đồng ý", choices=[
        (rule.value, label) for rule, label in PassRule.labels().items()], default=PassRule.MAJORITY.value,
        validators=[DataRequired(CHOOSE)])

    @property
    def closes_at_utc(self) -> datetime | None:
        value = self.closes_at.data
        return value.replace(tzinfo=local_zone()).astimezone(UTC) if value else None

    @property
    def pass_rule_enum(self) -> PassRule:
        return PassRule(self.pass_rule.data)


class BallotVoteForm(Form):
    """A member's ballot: the CSRF token here; the choices (choice_<line id> = agree or
    disagree) are read and checked by `ballots.cast_vote`."""


class PaperVotesForm(Form):
    """Phiếu giấy: the members who handed in a paper ballot and, per candidate (fields added
    by `paper_form_for`), how many of those ballots agree and disagree."""

    members = MultiCheckboxField("Thành viên đã bỏ phiếu giấy", coerce=int,
                                 validators=[DataRequired("Vui lòng chọn các thành viên đã bỏ phiếu giấy.")])
    count_names: list[tuple[int, str, str]] = []

    def counts(self) -> dict:
        from .ballots import Choice

        return {line_id: Choice(self[agree].data, self[disagree].data)
                for line_id, agree, disagree in self.count_names
                if self[agree].data is not None and self[disagree].data is not None}

    def count_fields(self):
        return [(line_id, self[agree], self[disagree]) for line_id, agree, disagree in self.count_names]


def paper_form_for(lines, voters, **kwargs) -> PaperVotesForm:
    """A PaperVotesForm for the members who have not voted and the ballot's candidates."""

    class _Form(PaperVotesForm):
        pass

    names = []
    for index, line in enumerate(lines, 1):
        agree, disagree = f"agree_{line.id}", f"disagree_{line.id}"
        for name, label in ((agree, "đồng ý"), (disagree, "không đồng ý")):
            setattr(_Form, name, IntegerField(
                f"Số phiếu giấy {label}, dòng {index}: {line.recipient_name}",
                validators=[InputRequired(REQUIRED), NumberRange(min=0, max=1000, message="Từ 0 đến 1.000.")],
            ))
        names.append((line.id, agree, disagree))
    _Form.count_names = names
    form = _Form(**kwargs)
    form.members.choices = [(voter.user_id, voter.full_name) for voter in voters]
    return form


def show_refusals(form, refusals: Iterable[DomainError]) -> None:
    """Every refusal a check found (`ballots.check_open`, `meetings.check_meeting`) on the field
    of `form` it names, or flashed when the form has no such field."""
    for refusal in refusals:
        if refusal.field and getattr(form, refusal.field, None) is not None:
            show_on_form(form, refusal, default=refusal.field)
        else:
            flash(str(refusal), "danger")
