"""The council's secret ballot: the secretariat opens it, members vote, paper ballots are
entered, it closes, and its results fill the meeting's biên bản. Registered on the awards
blueprint (see routes.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..core.errors import saving
from ..core.permissions import get_or_404, roles_required
from ..core.roles import Role
from ..core.types import utcnow
from ..extensions import db
from ..home.panels import register_panel
from ..organisers import access
from ..organisers.models import Organiser
from . import ballots
from .forms import BallotVoteForm, OpenBallotForm, paper_form_for, show_refusals
from .models import Ballot, PassRule
from .routes import bp, load_proposal

VOTE_SAVED = ("Đã ghi nhận phiếu của bạn. Phiếu kín: không ai, kể cả Thường trực Hội đồng, xem được bạn đã "
              "chọn gì; kết quả chỉ hiện khi kết thúc bỏ phiếu.")


def _load_ballot(ballot_id: int, *, voting: bool = False) -> Ballot:
    """Members of the ballot's council, and its readers (not to vote); anyone else is told
    nothing, not even that the ballot exists."""
    ballot = db.session.get(Ballot, ballot_id)
    if ballot is None:
        abort(404)
    if ballot.voter_for(current_user) is not None:
        return ballot
    if ballots.may_read(current_user) and access.may_read(current_user, ballot.proposal.round.organiser_id):
        if voting:
            abort(403)
        return ballot
    abort(404)


def _managed_ballot(ballot_id: int) -> Ballot:
    """A ballot of the organiser whose secretariat the user is; 404 alike for another's."""
    ballot = get_or_404(Ballot, ballot_id)
    if not access.may_manage(current_user, ballot.proposal.round.organiser_id):
        abort(404)
    return ballot


def _close_if_due(ballot: Ballot) -> None:
    """A ballot whose time is up is closed by the clock, and stays closed whatever this
    request does next."""
    with saving():
        ballots.close_if_due(ballot)


def _link(ballot: Ballot) -> str:
    return url_for("awards.ballot", ballot_id=ballot.id)


@bp.route("/de-nghi/<int:proposal_id>/bo-phieu/mo", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def ballot_open(proposal_id: int):
    proposal = load_proposal(proposal_id)
    if request.method == "GET" and not access.may_manage(current_user, proposal.round.organiser_id):
        abort(403)
    if proposal.ballot is not None:
        flash("Danh sách này đã có cuộc bỏ phiếu.", "info")
        return redirect(_link(proposal.ballot), 303)
    form = OpenBallotForm()
    if request.method == "GET":
        form.pass_rule.data = _organiser_pass_rule(proposal).value
    status = 200
    if form.validate_on_submit():
        errors = ballots.check_open(proposal, form.closes_at_utc, now=utcnow())
        show_refusals(form, errors)
        if not errors:
            with saving(form) as saved:
                ballot_id = ballots.open_ballot(proposal, form.closes_at_utc, form.pass_rule_enum,
                                                actor=current_user).id
            if saved:
                flash("Đã mở bỏ phiếu; các thành viên Hội đồng đã được thông báo.", "success")
                return redirect(url_for("awards.ballot", ballot_id=ballot_id), 303)
        status = 400
    elif request.method == "POST":
        status = 400
    members = ballots.council_members(proposal)
    return render_template("awards/ballot_open.html", proposal=proposal, form=form, members=members,
                           lines=ballots.candidates(proposal),
                           pass_votes={rule.value: rule.pass_votes(len(members)) for rule in PassRule}
                           if members else {}), status


def _organiser_pass_rule(proposal) -> PassRule:
    """The pass rule the proposal's organiser set for its council's ballots."""
    organiser = db.session.get(Organiser, proposal.round.organiser_id)
    return PassRule.for_percent(organiser.vote_threshold_percent) if organiser else PassRule.MAJORITY


def _ballot_page(ballot: Ballot, *, vote_form: BallotVoteForm | None = None, chosen: dict | None = None,
                 errors: dict | None = None, status: int = 200):
    voter = ballot.voter_for(current_user)
    may_vote = voter is not None and not voter.has_voted and not ballot.is_closed
    return render_template(
        "awards/ballot.html", ballot=ballot, proposal=ballot.proposal, lines=ballots.candidates(ballot.proposal),
        voter=voter, may_vote=may_vote, vote_form=vote_form or (BallotVoteForm() if may_vote else None),
        chosen=chosen or {}, errors=errors or {}, results=ballots.results(ballot),
        paper_count=ballots.paper_count(ballot),
        may_manage=current_user.is_secretariat and access.may_manage(current_user, ballot.proposal.round.organiser_id),
        may_read=ballots.may_read(current_user), choice_field=ballots.choice_field,
    ), status


@bp.get("/bo-phieu/<int:ballot_id>")
@login_required
def ballot(ballot_id: int):
    ballot = _load_ballot(ballot_id)
    _close_if_due(ballot)
    return _ballot_page(ballot)


@bp.post("/bo-phieu/<int:ballot_id>/phieu")
@login_required
def ballot_vote(ballot_id: int):
    ballot = _load_ballot(ballot_id, voting=True)
    _close_if_due(ballot)
    form = BallotVoteForm()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và bỏ phiếu lại.",
              "danger")
        return redirect(_link(ballot), 303)
    lines = ballots.candidates(ballot.proposal)
    chosen = {line.id: request.form.get(ballots.choice_field(line.id)) for line in lines}
    refusal = ballots.check_vote(ballot, current_user, chosen)
    if refusal is not None and refusal.field:  # a candidate left without a choice: the ballot again
        flash("Chưa bỏ phiếu được: vui lòng chọn cho mọi tập thể, cá nhân.", "danger")
        return _ballot_page(ballot, vote_form=form, chosen=chosen, errors={refusal.field: str(refusal)}, status=400)
    with saving() as saved:
        ballots.cast_vote(ballot, current_user, chosen)
    if saved:
        flash(VOTE_SAVED, "success")
        return redirect(url_for("awards.ballot", ballot_id=ballot_id), 303)
    return redirect(_link(ballot), 303)


@bp.route("/bo-phieu/<int:ballot_id>/phieu-giay", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def ballot_paper(ballot_id: int):
    ballot = _managed_ballot(ballot_id)
    _close_if_due(ballot)
    if ballot.is_closed:
        flash("Cuộc bỏ phiếu đã kết thúc: không nhập thêm phiếu giấy được.", "warning")
        return redirect(_link(ballot), 303)
    lines = ballots.candidates(ballot.proposal)
    waiting = [voter for voter in sorted(ballot.voters, key=lambda v: v.full_name) if not voter.has_voted]
    form = paper_form_for(lines, waiting)
    status = 200
    if form.validate_on_submit():
        with saving(form, field="members") as saved:
            ballots.record_paper_votes(ballot, form.members.data, form.counts(), actor=current_user)
        if saved:
            flash("Đã nhập phiếu giấy; các thành viên này được ghi là “bỏ phiếu giấy”.", "success")
            return redirect(url_for("awards.ballot", ballot_id=ballot_id), 303)
        ballot = db.session.get(Ballot, ballot_id)
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template("awards/ballot_paper.html", ballot=ballot, proposal=ballot.proposal, form=form,
                           lines=lines, waiting=waiting), status


@bp.post("/bo-phieu/<int:ballot_id>/dong")
@roles_required(Role.SECRETARIAT)
def ballot_close(ballot_id: int):
    ballot = _managed_ballot(ballot_id)
    _close_if_due(ballot)
    with saving(category="warning") as saved:
        ballots.close_ballot(ballot, actor=current_user)
    if saved:
        flash("Đã kết thúc bỏ phiếu; kết quả đã điền vào biên bản họp Hội đồng.", "success")
    return redirect(_link(ballot), 303)


def _ballots_panel(user) -> dict | None:
    """Home: the open ballots waiting for this member's vote."""
    waiting = ballots.open_ballots_for(user)
    return {"ballots": waiting} if waiting else None


register_panel("awards-ballots", set(Role), "awards/_panel_ballots.html", _ballots_panel, order=5)
