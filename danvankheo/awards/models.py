"""Khen thưởng: the catalogue of award forms, proposals (hồ sơ đề nghị) and their lines,
and revocations of awards already granted.

A proposal goes draft → submitted → approved (with the number and date of the decision,
Quyết định) or returned (and may then be edited and submitted again). Its lines are
frozen once it is submitted. After approval each line is a granted award; an award is
revoked (Luật Thi đua, khen thưởng 2022, chương VII) by adding a revocation, never by
deleting or editing the line.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..auth.models import User
from ..core.checks import non_negative, positive
from ..core.labels import LabelledEnum
from ..core.types import UTCDateTime, enum_column, utcnow
from ..extensions import db
from ..registry.models import Initiative, InitiativeMember
from ..scoring.models import Round
from ..units.models import Unit


class AwardLevel(LabelledEnum):
    """The level of the authority that grants an award form."""

    COMMUNE = "Cấp xã"
    DEPARTMENT = "Cấp sở, ban, ngành"
    PROVINCE = "Cấp tỉnh"
    CENTRAL = "Cấp bộ, ban, ngành trung ương"
    STATE = "Cấp Nhà nước"


# (name, issuing authority, level): what a new deployment starts with; editable.
DEFAULT_AWARD_FORMS: list[tuple[str, str, AwardLevel]] = [
    ("Giấy khen của Chủ tịch UBND xã", "Chủ tịch Ủy ban nhân dân xã, phường, đặc khu", AwardLevel.COMMUNE),
    ("Giấy khen của Giám đốc Sở", "Giám đốc Sở", AwardLevel.DEPARTMENT),
    ("Giấy khen của Trưởng Ban Dân vận Tỉnh ủy", "Trưởng Ban Dân vận Tỉnh ủy", AwardLevel.PROVINCE),
    ("Bằng khen của Chủ tịch UBND tỉnh", "Chủ tịch Ủy ban nhân dân tỉnh", AwardLevel.PROVINCE),
    ("Bằng khen của Thủ tướng Chính phủ", "Thủ tướng Chính phủ", AwardLevel.STATE),
]


THEMATIC_MARK = "(chuyên đề)"


class AwardForm(db.Model):
    """Hình thức khen thưởng: Giấy khen, Bằng khen… with who grants it."""

    __tablename__ = "award_forms"
    __table_args__ = (CheckConstraint("name <> ''", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    issuing_authority: Mapped[str] = mapped_column(String(255))
    level: Mapped[AwardLevel] = mapped_column(enum_column(AwardLevel, "award_level"))
    position: Mapped[int] = mapped_column(default=0)
    # Khen thưởng theo chuyên đề (NĐ 98/2023, Art. 4(3)): kept apart on lists and documents.
    is_thematic: Mapped[bool] = mapped_column(default=False, server_default="0")
    # A form no longer used is hidden from new proposals; past awards keep pointing to it.
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<AwardForm {self.name}>"

    @property
    def display_name(self) -> str:
        """The name as lists and documents print it: a thematic form says so, so that its
        awards are kept apart from merit (công trạng) awards."""
        return f"{self.name} {THEMATIC_MARK}" if self.is_thematic else self.name

    def fits_level(self, level) -> bool:
        """Whether an organiser of `level` (OrganiserLevel) proposes this form."""
        return self.level.value == getattr(level, "value", level)


class ProposalState(LabelledEnum):
    DRAFT = "Đang lập"
    SUBMITTED = "Đã trình"
    APPROVED = "Đã có quyết định khen thưởng"
    RETURNED = "Bị trả lại"


class RecipientType(LabelledEnum):
    COLLECTIVE = "Tập thể"
    INDIVIDUAL = "Cá nhân"


class Proposal(db.Model):
    """Hồ sơ đề nghị khen thưởng built from a round's results: the Tờ trình's number, date
    and signer, and the lines of the danh sách đề nghị."""

    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint(
            "state = 'draft' OR (submission_number IS NOT NULL AND submission_date IS NOT NULL)",
            name="submitted_has_number",
        ),
        CheckConstraint(
            "state <> 'approved' OR (decision_number IS NOT NULL AND decision_date IS NOT NULL)",
            name="approved_has_decision",
        ),
        CheckConstraint("state <> 'returned' OR return_reason IS NOT NULL", name="returned_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    state: Mapped[ProposalState] = mapped_column(
        enum_column(ProposalState, "proposal_state"), default=ProposalState.DRAFT, index=True
    )
    submission_number: Mapped[str | None] = mapped_column(String(60))  # số Tờ trình
    submission_date: Mapped[date | None] = mapped_column(Date)
    signer_name: Mapped[str] = mapped_column(String(255), default="")
    signer_title: Mapped[str] = mapped_column(String(255), default="")  # "Giám đốc", "Phó Giám đốc"
    signer_authority: Mapped[str] = mapped_column(String(255), default="")  # "KT. Giám đốc" when signing for
    decision_number: Mapped[str | None] = mapped_column(String(60))  # số Quyết định
    decision_date: Mapped[date | None] = mapped_column(Date)
    return_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Optimistic locking: a page opened before someone else's save cannot overwrite it.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    round: Mapped[Round] = relationship()
    created_by: Mapped[User | None] = relationship()
    lines: Mapped[list[ProposalLine]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        order_by=lambda: [ProposalLine.position, ProposalLine.id],
    )
    meeting: Mapped[CouncilMeeting | None] = relationship(
        back_populates="proposal", uselist=False, cascade="all, delete-orphan"
    )
    ballot: Mapped[Ballot | None] = relationship(
        back_populates="proposal", uselist=False, cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.state.value}>"

    @property
    def is_editable(self) -> bool:
        """Lines and Tờ trình details change only before submission or after a return."""
        return self.state in (ProposalState.DRAFT, ProposalState.RETURNED)

    @property
    def collective_lines(self) -> list[ProposalLine]:
        return [line for line in self.lines if line.recipient_type is RecipientType.COLLECTIVE]

    @property
    def individual_lines(self) -> list[ProposalLine]:
        return [line for line in self.lines if line.recipient_type is RecipientType.INDIVIDUAL]


class ProposalLine(db.Model):
    """One recipient proposed for one award form for one model.

    `recipient_key` names the recipient ("unit:12", "member:40", "lead:7" for the model's
    lead person) so that the database itself refuses a second line for the same person or
    unit and the same model in one proposal. Names and positions are copied: the list that
    was signed must not change when a unit or a member is renamed later.
    """

    __tablename__ = "proposal_lines"
    __table_args__ = (
        UniqueConstraint("proposal_id", "initiative_id", "recipient_key"),
        CheckConstraint("recipient_type = 'individual' OR member_id IS NULL", name="collective_has_no_member"),
        CheckConstraint("recipient_name <> ''", name="recipient_named"),
        CheckConstraint("score IS NULL OR score >= 0", name="score_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    recipient_type: Mapped[RecipientType] = mapped_column(enum_column(RecipientType, "recipient_type"))
    recipient_key: Mapped[str] = mapped_column(String(40))
    # The collective recipient, or the unit an individual recipient works in.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiative_members.id", ondelete="SET NULL"), index=True
    )
    recipient_name: Mapped[str] = mapped_column(String(255))
    recipient_position: Mapped[str] = mapped_column(String(255), default="")  # chức vụ
    unit_name: Mapped[str] = mapped_column(String(255))
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="RESTRICT"), index=True)
    initiative_name: Mapped[str] = mapped_column(String(500))
    award_form_id: Mapped[int] = mapped_column(ForeignKey("award_forms.id", ondelete="RESTRICT"), index=True)
    achievement_summary: Mapped[str] = mapped_column(Text, default="")  # tóm tắt thành tích
    score: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    grade: Mapped[str | None] = mapped_column(String(40))  # xếp loại, as published
    note: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship(back_populates="lines")
    unit: Mapped[Unit] = relationship()
    member: Mapped[InitiativeMember | None] = relationship()
    initiative: Mapped[Initiative] = relationship()
    award_form: Mapped[AwardForm] = relationship()
    revocation: Mapped[AwardRevocation | None] = relationship(back_populates="line", uselist=False)

    @property
    def is_collective(self) -> bool:
        return self.recipient_type is RecipientType.COLLECTIVE

    @property
    def is_granted(self) -> bool:
        return self.proposal.state is ProposalState.APPROVED

    @property
    def is_revoked(self) -> bool:
        return self.revocation is not None


class AwardRevocation(db.Model):
    """Hủy bỏ quyết định khen thưởng for one granted award. Inserted, never changed."""

    __tablename__ = "award_revocations"
    __table_args__ = (CheckConstraint("reason <> ''", name="reason_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("proposal_lines.id", ondelete="RESTRICT"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    decision_number: Mapped[str | None] = mapped_column(String(60))
    decision_date: Mapped[date | None] = mapped_column(Date)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    line: Mapped[ProposalLine] = relationship(back_populates="revocation")
    revoked_by: Mapped[User | None] = relationship()


class AwardHistoryIsPermanent(RuntimeError):
    """Raised when code tries to change a granted award or a revocation."""


@event.listens_for(Session, "before_flush")
def _keep_award_history(session: Session, flush_context, instances) -> None:
    """Granted awards and their revocations are history: no code path deletes them."""
    for obj in session.deleted:
        if isinstance(obj, AwardRevocation):
            raise AwardHistoryIsPermanent("Không được xóa quyết định hủy khen thưởng.")
        if isinstance(obj, ProposalLine | Proposal):
            proposal = obj if isinstance(obj, Proposal) else obj.proposal
            if proposal is not None and proposal.state is ProposalState.APPROVED:
                raise AwardHistoryIsPermanent("Không được xóa khen thưởng đã có quyết định.")
    for obj in session.dirty:
        if isinstance(obj, AwardRevocation) and session.is_modified(obj):
            raise AwardHistoryIsPermanent("Không được sửa quyết định hủy khen thưởng.")


class CouncilMeeting(db.Model):
    """Biên bản họp Hội đồng Thi đua - Khen thưởng that considered one proposal: who met,
    how many of the members were present, and (in `votes`) each candidate's votes.

    `pass_votes` is the number of "đồng ý" votes a candidate needs; by default more than
    half of all members (not of those present), set on the meeting form.
    """

    __tablename__ = "council_meetings"
    __table_args__ = (
        positive("members_total"),
        CheckConstraint("members_present >= 1 AND members_present <= members_total", name="present_within_total"),
        CheckConstraint("pass_votes >= 1 AND pass_votes <= members_total", name="pass_votes_within_total"),
        CheckConstraint("place <> '' AND chair_name <> '' AND secretary_name <> ''", name="named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), unique=True)
    meeting_date: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(255))
    chair_name: Mapped[str] = mapped_column(String(255))  # chủ trì
    chair_title: Mapped[str] = mapped_column(String(255), default="")
    secretary_name: Mapped[str] = mapped_column(String(255))  # thư ký
    members_total: Mapped[int]
    members_present: Mapped[int]
    pass_votes: Mapped[int]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="meeting")
    recorded_by: Mapped[User | None] = relationship()
    votes: Mapped[list[CouncilVote]] = relationship(back_populates="meeting", cascade="all, delete-orphan")

    def vote_for(self, line: ProposalLine) -> CouncilVote | None:
        return next((vote for vote in self.votes if vote.line_id == line.id), None)

    def passes(self, votes_for: int) -> bool:
        return votes_for >= self.pass_votes


def default_pass_votes(members_total: int) -> int:
    """More than half of all members: 9 members → 5 votes, 10 → 6."""
    return members_total // 2 + 1


class CouncilVote(db.Model):
    """Số phiếu đồng ý for one candidate (a proposal line) at a council meeting."""

    __tablename__ = "council_votes"
    __table_args__ = (
        UniqueConstraint("meeting_id", "line_id"),
        non_negative("votes_for", name="votes_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id", ondelete="CASCADE"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("proposal_lines.id", ondelete="CASCADE"), index=True)
    votes_for: Mapped[int]

    meeting: Mapped[CouncilMeeting] = relationship(back_populates="votes")
    line: Mapped[ProposalLine] = relationship()


# --- The council's secret ballot (bỏ phiếu kín) --------------------------------------------------


class BallotState(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class PassRule(LabelledEnum):
    """How many "đồng ý" votes of all the council's members a candidate needs."""

    MAJORITY = "Trên 50% tổng số thành viên Hội đồng (quá bán)"
    TWO_THIRDS = "Từ 2/3 tổng số thành viên Hội đồng trở lên"
    SEVENTY_PERCENT = "seventy", "Từ 70% tổng số thành viên Hội đồng trở lên"

    @property
    def percent(self) -> int:
        """The rule as the whole percentage an organiser stores: 51, 67 or 70."""
        return PASS_RULE_PERCENTS[self]

    @classmethod
    def for_percent(cls, percent: int) -> PassRule:
        """The least strict rule that asks for at least `percent` of the members."""
        for rule in (cls.MAJORITY, cls.TWO_THIRDS, cls.SEVENTY_PERCENT):
            if percent <= rule.percent:
                return rule
        return cls.SEVENTY_PERCENT

    def pass_votes(self, members_total: int) -> int:
        """The smallest number of votes that meets the rule: 9 members → 5, 6, 7."""
        if self is PassRule.MAJORITY:
            return default_pass_votes(members_total)
        numerator, denominator = (2, 3) if self is PassRule.TWO_THIRDS else (7, 10)
        return max(1, -(-members_total * numerator // denominator))


PASS_RULE_PERCENTS = {PassRule.MAJORITY: 51, PassRule.TWO_THIRDS: 67, PassRule.SEVENTY_PERCENT: 70}

class CloseReason(LabelledEnum):
    DEADLINE = "Hết thời gian bỏ phiếu"  # the set time came
    ALL_VOTED = "Mọi thành viên đã bỏ phiếu"
    SECRETARIAT = "Thường trực Hội đồng đóng bỏ phiếu"  # closed early by the secretariat


class Ballot(db.Model):
    """Bỏ phiếu kín of the council on a proposal's candidates (its lines).

    Secrecy comes from the shape of the tables (see docs/ARCHITECTURE.md, "The council's
    secret ballot"): `BallotVoter` says who may vote and who has voted, `BallotTally` keeps
    only running totals per candidate, with no user, no timestamp and no row per vote.
    `members_total` and `pass_votes` are frozen when the ballot opens.
    """

    __tablename__ = "ballots"
    __table_args__ = (
        positive("members_total"),
        CheckConstraint("pass_votes >= 1 AND pass_votes <= members_total", name="pass_votes_within_total"),
        CheckConstraint("closes_at > opened_at", name="closes_after_opening"),
        CheckConstraint("state <> 'closed' OR (closed_at IS NOT NULL AND close_reason IS NOT NULL)",
                        name="closed_has_time_and_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), unique=True)
    state: Mapped[BallotState] = mapped_column(enum_column(BallotState, "ballot_state"), default=BallotState.OPEN)
    pass_rule: Mapped[PassRule] = mapped_column(enum_column(PassRule, "pass_rule"), default=PassRule.MAJORITY)
    members_total: Mapped[int]
    pass_votes: Mapped[int]
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    close_reason: Mapped[CloseReason | None] = mapped_column(enum_column(CloseReason, "ballot_close_reason"))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    proposal: Mapped[Proposal] = relationship(back_populates="ballot")
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    voters: Mapped[list[BallotVoter]] = relationship(back_populates="ballot", cascade="all, delete-orphan")
    tallies: Mapped[list[BallotTally]] = relationship(back_populates="ballot", cascade="all, delete-orphan")

    @property
    def is_closed(self) -> bool:
        return self.state is BallotState.CLOSED

    @property
    def voted_count(self) -> int:
        return sum(1 for voter in self.voters if voter.has_voted)

    def voter_for(self, user) -> BallotVoter | None:
        user_id = getattr(user, "id", None)
        return next((voter for voter in self.voters if voter.user_id == user_id), None)

    def tally_for(self, line: ProposalLine) -> BallotTally | None:
        return next((tally for tally in self.tallies if tally.line_id == line.id), None)

    def passes(self, agree: int) -> bool:
        return agree >= self.pass_votes


class BallotVoter(db.Model):
    """A member on the ballot's roll (danh sách thành viên bỏ phiếu): whether and when they
    voted, and whether the secretariat entered their vote from a paper ballot. Never what
    they voted."""

    __tablename__ = "ballot_voters"
    __table_args__ = (
        UniqueConstraint("ballot_id", "user_id"),
        CheckConstraint("NOT on_paper OR voted_at IS NOT NULL", name="paper_vote_is_a_vote"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    full_name: Mapped[str] = mapped_column(String(255))  # as on the roll when the ballot opened
    voted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    on_paper: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    ballot: Mapped[Ballot] = relationship(back_populates="voters")
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def has_voted(self) -> bool:
        return self.voted_at is not None


class BallotTally(db.Model):
    """The running totals of one candidate in a ballot. Keyed by (ballot, line) only: no
    surrogate id, no user and no time, so a row cannot be traced back to a voter."""

    __tablename__ = "ballot_tallies"
    __table_args__ = (CheckConstraint("agree >= 0 AND disagree >= 0", name="counts_non_negative"),)

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("proposal_lines.id", ondelete="CASCADE"), primary_key=True)
    agree: Mapped[int] = mapped_column(default=0)
    disagree: Mapped[int] = mapped_column(default=0)

    ballot: Mapped[Ballot] = relationship(back_populates="tallies")
    line: Mapped[ProposalLine] = relationship()
