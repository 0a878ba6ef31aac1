"""Chấm điểm: the evaluator's queue and scoring form, and the units' published results."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..core.errors import Outcome, saving
from ..core.paging import SortKey, keyset_page
from ..core.permissions import get_or_404, refuse, roles_required
from ..core.roles import Role
from ..core.types import utcnow
from ..extensions import db
from ..registry.models import Initiative
from ..units.models import Unit
from . import phases, versions
from .assignments import recuse as recuse_assignment
from .conflicts import OWN_UNIT_MESSAGE, has_conflict
from .errors import ScoreValidationError
from .forms import ActionForm, ReasonForm
from .joins import assignment_scorecard
from .models import Assignment, AssignmentStatus, Round, RoundState, Scorecard, ScorecardState
from .panels import evaluator_panel
from .scorecards import anonymous_scorecards, find_scorecard, save_scorecard
from .snapshots import RankingSnapshot, RankingSnapshotRow

bp = Blueprint("scoring", __name__, url_prefix="/cham-diem")

OPEN_STATES = (RoundState.SCORING,)
NOT_ASSIGNED = "Bạn không được phân công chấm mô hình này."


def council_organiser_ids(user) -> list[int]:
    """The organisers whose council (Hội đồng) the user sits on, whichever organiser the
    request acts for: a member of a commune's council who also works for the province
    scores the commune's models without switching."""
    return user.organisers_with(Role.EVALUATOR)


def evaluator_required(view):
    """Login first, then 403 unless the user is a council member of some organiser."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not council_organiser_ids(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _queue_select(evaluator_id: int, *, round_id: int | None = None, status: str = "",
                  organiser_ids: list[int] | None = None):
    """The evaluator's assignments with model, unit, round and scorecard state: a SELECT without
    order, to page by `QUEUE_ORDER`."""
    card_state = Scorecard.state
    query = (
        select(
            Assignment.round_id, Assignment.initiative_id, Assignment.status, Initiative.name,
            Unit.name.label("unit_name"), Initiative.field, Round.name.label("round_name"), Round.state,
            card_state.label("card_state"), Scorecard.total, Round.closes_at,
            Unit.sort_name.label("unit_sort"), Initiative.sort_name.label("name_sort"),
        )
        .join(Initiative, Assignment.initiative_id == Initiative.id)
        .join(Unit, Initiative.unit_id == Unit.id)
        .join(Round, Assignment.round_id == Round.id)
        .outerjoin(Scorecard, assignment_scorecard())
        .where(Assignment.evaluator_id == evaluator_id)
    )
    if organiser_ids is not None:
        query = query.where(Round.organiser_id.in_(organiser_ids))
    if round_id:
        query = query.where(Assignment.round_id == round_id)
    else:
        query = query.where(Round.state.in_([RoundState.SCORING, RoundState.CLOSED]))
    if status == "can-cham":
        query = query.where(
            Assignment.status == AssignmentStatus.ASSIGNED,
            or_(Scorecard.id.is_(None), Scorecard.state == ScorecardState.DRAFT),
        )
    elif status == "da-nop":
        query = query.where(Scorecard.state == ScorecardState.SUBMITTED)
    return query


# The queue's order: latest round first, then unit and model. An evaluator has one assignment
# per model of a round, so the model's id ends the key.
QUEUE_ORDER = (SortKey(Assignment.round_id, descending=True), SortKey(Unit.sort_name, attribute="unit_sort"),
               SortKey(Initiative.sort_name, attribute="name_sort"), SortKey(Assignment.initiative_id))
QUEUE_PER_PAGE = 50


def next_to_score(evaluator_id: int, round_id: int, after: Initiative | None = None) -> int | None:
    """The next model this evaluator still has to score in the round (one query), or None.

    "Next" follows the queue order; after the last one it wraps to the first still open.
    """
    open_cards = (
        select(Assignment.initiative_id)
        .join(Initiative, Assignment.initiative_id == Initiative.id)
        .join(Unit, Initiative.unit_id == Unit.id)
        .outerjoin(Scorecard, assignment_scorecard())
        .where(
            Assignment.evaluator_id == evaluator_id,
            Assignment.round_id == round_id,
            Assignment.status == AssignmentStatus.ASSIGNED,
            or_(Scorecard.id.is_(None), Scorecard.state == ScorecardState.DRAFT),
        )
    )
    if after is not None:
        unit_sort, name_sort = after.unit.sort_name, after.sort_name
        open_cards = open_cards.where(Assignment.initiative_id != after.id)
        # Models after the current one in queue order come first, then the wrap-around.
        is_after = case(
            (
                or_(
                    Unit.sort_name > unit_sort,
                    and_(Unit.sort_name == unit_sort, Initiative.sort_name > name_sort),
                    and_(Unit.sort_name == unit_sort, Initiative.sort_name == name_sort,
                         Initiative.id > after.id),
                ),
                0,
            ),
            else_=1,
        )
        open_cards = open_cards.order_by(is_after)
    open_cards = open_cards.order_by(Unit.sort_name, Initiative.sort_name, Initiative.id).limit(1)
    return db.session.scalar(open_cards)


@bp.get("/")
@evaluator_required
def queue():
    round_id = request.args.get("dot", type=int)
    status = request.args.get("trang_thai") or ""
    councils = council_organiser_ids(current_user)
    page = keyset_page(_queue_select(current_user.id, round_id=round_id, status=status, organiser_ids=councils),
                       QUEUE_ORDER, per_page=QUEUE_PER_PAGE, after=request.args.get("sau"), before=request.args.get("truoc"),
                       scalars=False)
    counts = evaluator_panel(current_user)  # the same figures as the home page's panel
    rounds = db.session.execute(
        select(Round.id, Round.name)
        .where(Round.id.in_(select(Assignment.round_id).where(Assignment.evaluator_id == current_user.id)),
               Round.organiser_id.in_(councils))
        .order_by(Round.id.desc())
    ).all()
    return render_template(
        "scoring/queue.html", page=page, status=status, round_id=round_id, rounds=rounds,
        assigned=counts["assigned"], submitted=counts["submitted"],
    )


def _load_for_scoring(round_id: int, initiative_id: int) -> tuple[Round, Initiative, Assignment]:
    round_ = get_or_404(Round, round_id)
    # With its unit in the same statement: the conflict check below always costs this one query.
    initiative = db.session.scalar(
        select(Initiative).options(joinedload(Initiative.unit)).where(Initiative.id == initiative_id))
    if initiative is None:
        abort(404)
    if round_.organiser_id not in council_organiser_ids(current_user):
        # No longer (or never) on that organiser's council: its rounds are not theirs to score.
        refuse(403, NOT_ASSIGNED)
    # The conflict of interest is refused first, whatever the assignments say.
    if has_conflict(current_user, initiative.unit):
        refuse(403, OWN_UNIT_MESSAGE)
    assignment = db.session.scalar(
        select(Assignment).where(
            Assignment.round_id == round_.id,
            Assignment.initiative_id == initiative.id,
            Assignment.evaluator_id == current_user.id,
        )
    )
    if assignment is None:
        refuse(403, NOT_ASSIGNED)
    return round_, initiative, assignment


def _evidence_links(initiative: Initiative) -> list[tuple[str, str]]:
    """(file name, URL) of the model's evidence files; the evidence feature lets assigned
    evaluators download them (evidence.permissions.can_download)."""
    if "evidence.download" not in current_app.view_functions:
        return []
    return [(item.original_name, url_for("evidence.download", evidence_id=item.id))
            for item in initiative.evidence]


def _save(round_: Round, initiative: Initiative, values: dict, *, comment: str, submit: bool,
          expected: int | None) -> Outcome:
    """Save the evaluator's scorecard as one unit of work. A form without the version it was
    based on is as stale as an old one."""
    with saving() as saved:
        if expected is None:
            raise versions.StaleScorecard()
        save_scorecard(round_, initiative, current_user, values, comment=comment, submit=submit,
                       expected_version=expected)
    return saved


def _save_with_retry(round_: Round, initiative: Initiative, values: dict, *, comment: str, submit: bool,
                     expected: int | None) -> Outcome:
    try:
        return _save(round_, initiative, values, comment=comment, submit=submit, expected=expected)
    except IntegrityError:
        # A parallel request (a double click) won the race to create the card: once more on fresh data.
        return _save(round_, initiative, values, comment=comment, submit=submit, expected=expected)


@bp.route("/<int:round_id>/<int:initiative_id>", methods=["GET", "POST"])
@evaluator_required
def score(round_id: int, initiative_id: int):
    round_, initiative, assignment = _load_for_scoring(round_id, initiative_id)
    form = ActionForm()
    errors: dict = {}
    typed: dict[int, str] = {}
    card = find_scorecard(round_.id, initiative.id, current_user.id)
    if request.method == "POST" and form.validate_on_submit():
        values = {c.id: request.form.get(f"score-{c.id}", "") for c in round_.criteria}
        comment = request.form.get("comment", "")
        submit = request.form.get("action") == "submit"
        # The version the form was based on: a form without one is as stale as an old one.
        expected = versions.parse_version(request.form.get("version"))
        saved = _save_with_retry(round_, initiative, values, comment=comment, submit=submit, expected=expected)
        if saved:
            flash("Đã nộp phiếu chấm." if submit else "Đã lưu nháp phiếu chấm.", "success")
        if saved.stale:
            flash(versions.STALE_MESSAGE, "danger")
        if not isinstance(saved.error, ScoreValidationError):
            return redirect(url_for("scoring.score", round_id=round_.id, initiative_id=initiative.id))
        errors, typed = saved.error.errors, values
        card = find_scorecard(round_.id, initiative.id, current_user.id)
        typed["comment"] = comment
    own_scores = {s.criterion_id: s.value for s in card.scores} if card else {}
    visible = phases.others_visible(round_, card)
    others = (
        anonymous_scorecards(round_, initiative.id, exclude_evaluator_id=current_user.id)
        if visible else []
    )
    return render_template(
        "scoring/score.html",
        round=round_, initiative=initiative, assignment=assignment, card=card, own_scores=own_scores,
        errors=errors, typed=typed, others=others, others_visible=visible,
        can_save=phases.can_edit(round_, card, assignment, utcnow()),
        revision=phases.revision_kind(round_, card), window_open=round_.window_open(utcnow()),
        next_id=next_to_score(current_user.id, round_.id, initiative),
        evidence=_evidence_links(initiative), form=form, reason_form=ReasonForm(),
    )


@bp.post("/<int:round_id>/<int:initiative_id>/tu-choi")
@evaluator_required
def recuse(round_id: int, initiative_id: int):
    round_, initiative, assignment = _load_for_scoring(round_id, initiative_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash("Vui lòng ghi rõ lý do từ chối chấm (ít nhất 5 ký tự).", "danger")
        return redirect(url_for("scoring.score", round_id=round_.id, initiative_id=initiative.id))
    with saving() as saved:
        recuse_assignment(assignment, form.reason.data, by=current_user)
    if not saved:
        return redirect(url_for("scoring.score", round_id=round_.id, initiative_id=initiative.id))
    flash("Đã ghi nhận việc từ chối chấm; thường trực hội đồng sẽ phân công người khác.", "success")
    return redirect(url_for("scoring.queue", dot=round_.id))


# --- Results for units --------------------------------------------------------------------


def published_rows_select(unit: Unit):
    """Published result rows (latest snapshot of each finalised round) for a unit's subtree."""
    latest = (
        select(func.max(RankingSnapshot.id))
        .where(RankingSnapshot.round_id == Round.id)
        .correlate(Round)
        .scalar_subquery()
    )
    return (
        select(RankingSnapshotRow, Round, RankingSnapshot.settings)
        .join(RankingSnapshot, RankingSnapshotRow.snapshot_id == RankingSnapshot.id)
        .join(Round, RankingSnapshot.round_id == Round.id)
        .join(Unit, RankingSnapshotRow.unit_id == Unit.id)
        .where(
            Round.state == RoundState.FINALISED,
            RankingSnapshot.id == latest,
            Unit.path.startswith(unit.path),
        )
        .order_by(Round.year.desc(), Round.id.desc(), RankingSnapshotRow.position)
    )


def anonymous_comments(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
    """Non-empty comments of submitted scorecards per (round, model), in no telling order."""
    if not pairs:
        return {}
    rows = db.session.execute(
        select(Scorecard.round_id, Scorecard.initiative_id, Scorecard.comment).where(
            Scorecard.state == ScorecardState.SUBMITTED,
            Scorecard.comment != "",
            or_(*[and_(Scorecard.round_id == r, Scorecard.initiative_id == i) for r, i in pairs]),
        )
    ).all()
    comments: dict[tuple[int, int], list[str]] = {}
    for round_id, initiative_id, comment in rows:
        comments.setdefault((round_id, initiative_id), []).append(comment)
    return {key: sorted(values) for key, values in comments.items()}


@bp.get("/ket-qua")
@roles_required(Role.STAFF)
def results():
    rows = []
    comments = {}
    if current_user.unit is not None:
        rows = db.session.execute(published_rows_select(current_user.unit).limit(500)).all()
        comments = anonymous_comments([(r.id, row.initiative_id) for row, r, _s in rows])
    return render_template("scoring/results.html", rows=rows, comments=comments)


def _register_extras() -> None:
    """Home panels and demo data of this feature (imported with the blueprint)."""
    from ..demo import DEMO_EXTENSIONS
    from . import panels  # noqa: F401  (registers the panels)
    from .demo import seed_scoring_demo

    if seed_scoring_demo not in DEMO_EXTENSIONS:
        DEMO_EXTENSIONS.append(seed_scoring_demo)


_register_extras()


@bp.app_template_filter("diem")
def format_points(value, places: int | None = None) -> str:
    """Scores the Vietnamese way: 7,5 · 87,25 · — when there is none."""
    from ..core.formatting import format_score

    return format_score(value, places, empty="—")
