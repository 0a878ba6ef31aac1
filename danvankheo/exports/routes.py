"""Download routes for the Excel exports. Each view checks access, gathers rows, lets a pure
builder write the workbook to a temporary file, records the export and sends the file."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, request, send_file
from flask_login import current_user, login_required

from ..audit.services import record
from ..core.errors import saving
from ..core.permissions import load_for, roles_required
from ..core.roles import Role
from ..core.timeutil import local_today
from ..extensions import db
from ..organisers import access
from ..scoring.models import Round, RoundState
from . import documents, queries
from .xlsx import XLSX_MIMETYPE, Sheet, content_disposition, write_workbook

bp = Blueprint("exports", __name__, url_prefix="/xuat-excel")

READERS = (Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN)


class _Counted:
    """Counts the rows a builder consumes, for the audit record."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[Any]:
        for row in self.rows:
            self.count += 1
            yield row


def _context(organiser=None) -> documents.DocumentContext:
    """The names of the organiser that issues the workbook (the round's or proposal's),
    else the deployment's."""
    return documents.DocumentContext.from_organiser(organiser, current_app.config, local_today())


def acting_context(user) -> documents.DocumentContext:
    """The names of the organiser `user` acts for: the secretariat's lists and reports are its
    papers (a commune's bear the commune's heading and signer)."""
    from ..organisers.models import Organiser

    organiser_id = user.acting_organiser_id
    return _context(db.session.get(Organiser, organiser_id) if organiser_id is not None else None)


def send_workbook(sheets: list[Sheet], filename: str, *, label: str, obj: Any = None, rows: _Counted | None = None):
    """Write the workbook to a temporary file (memory stays flat), audit, and send it."""
    # Handed to the response, which closes it once sent.
    target = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        write_workbook(sheets, target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    changes = {"filename": [None, filename]}
    if rows is not None:
        changes["rows"] = [None, rows.count]
    with saving():
        record("export.xlsx", obj, object_type=None if obj is not None else "Export", label=label, changes=changes)
    response = send_file(target, mimetype=XLSX_MIMETYPE, max_age=0, conditional=False, etag=False)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/de-nghi/<int:proposal_id>")
@roles_required(*READERS)
def proposal(proposal_id: int):
    from ..awards.models import Proposal

    # Another organiser's proposal is not found (404 alike).
    item = load_for(Proposal, proposal_id, lambda p: access.may_read(current_user, p.round.organiser_id))
    data = queries.proposal_list(item)
    sheets = documents.proposal_sheets(_context(item.round.organiser), data)
    filename = f"Danh sách đề nghị khen thưởng {item.round.year} - {item.id}.xlsx"
    return send_workbook(sheets, filename, label=f"Danh sách đề nghị khen thưởng: {item.title}", obj=item)


@dataclass
class RankingExport:
    """The ranking workbook of a round for the ranking page's filters: its size is known
    before a row is written, so the view can choose between a download and a job."""

    round: Round
    view: Any
    criteria: list
    with_names: bool

    @classmethod
    def plan(cls, round_: Round, args: Mapping[str, Any], *, with_names: bool) -> RankingExport:
        from ..scoring.ranking import ranking_for
        from ..scoring.ranking_filters import filter_ranking

        view = filter_ranking(round_, ranking_for(round_), args)
        return cls(round_, view, queries.criteria_of(round_), with_names)

    @property
    def detail_rows(self) -> int:
        return sum(row.submitted_count for row in self.view.rows) * len(self.criteria)

    @property
    def total_rows(self) -> int:
        return len(self.view.rows) + self.detail_rows

    @property
    def filename(self) -> str:
        return f"Kết quả xếp hạng {self.round.name}{' (đã lọc)' if self.view.is_filtered else ''}.xlsx"

    @property
    def label(self) -> str:
        return f"Kết quả xếp hạng: {self.round.name}"

    def sheets(self, context: documents.DocumentContext, count: Callable[[Iterable], Iterable] = iter
               ) -> tuple[list[Sheet], _Counted]:
        """The sheets, every row passed through `count` (a job's progress); the second value
        counts the score rows for the audit record."""
        from ..scoring.adjustment import basis_line

        scores = _Counted(queries.score_lines(self.round, [row.initiative_id for row in self.view.rows],
                                              with_names=self.with_names))
        sheets = documents.ranking_sheets(
            context,
            round_name=self.round.name,
            year=self.round.year,
            criteria=self.criteria,
            lines=count(queries.ranking_lines(self.round, self.view.rows)),
            scores=count(scores),
            filters=self.view.describe(),
            finalised=self.round.state is RoundState.FINALISED,
            comments=queries.comment_lines(self.round, [row.initiative_id for row in self.view.rows]),
            basis_line=basis_line(self.round),
            voices=queries.voice_lines(self.view.rows),
        )
        return sheets, scores


@bp.get("/dot-danh-gia/<int:round_id>/xep-hang")
@roles_required(*READERS)
def ranking(round_id: int):
    """The ranking as the ranking page shows it, with the same filters and order. Past
    JOB_EXPORT_THRESHOLD rows (a national round has 1.7 million score rows) it is built by
    the worker as a job, and the user follows it on /cong-viec."""
    round_ = load_for(Round, round_id, lambda r: access.may_read(current_user, r.organiser_id))
    if round_.state is RoundState.DRAFT:
        abort(404)
    # Nobody is named in the download: it travels further than the page (issue 13).
    export = RankingExport.plan(round_, request.args, with_names=False)
    if export.total_rows > current_app.config["JOB_EXPORT_THRESHOLD"]:
        from ..jobs.runners import start_ranking_export

        return start_ranking_export(current_user, round_, request.args, export)
    sheets, scores = export.sheets(_context(round_.organiser))
    return send_workbook(sheets, export.filename, label=export.label, obj=round_, rows=scores)


@bp.get("/tinh-hinh-dang-ky")
@roles_required(*READERS)
def compliance():
    year = request.args.get("nam", type=int) or local_today().year
    if not 2000 <= year <= 2100:
        abort(404)
    organiser_id = current_user.acting_organiser_id
    if organiser_id is None:
        abort(404)
    sheets = documents.compliance_sheets(acting_context(current_user), year,
                                         queries.compliance_lines(year, organiser_id))
    return send_workbook(sheets, f"Tình hình đăng ký mô hình năm {year}.xlsx",
                         label=f"Tình hình đăng ký mô hình năm {year}")


@bp.get("/mo-hinh")
@login_required
def registry():
    from ..registry import permissions

    if not (permissions.may_register(current_user) or permissions.may_read_all_submitted(current_user)):
        abort(403)
    # Past JOB_EXPORT_THRESHOLD models (the whole country's year is 72,000, half a minute of
    # writing) the list is built by the worker as a job, followed on /cong-viec.
    count = queries.registry_count(current_user, request.args, cap=current_app.config["JOB_EXPORT_THRESHOLD"])
    if count > current_app.config["JOB_EXPORT_THRESHOLD"]:
        from ..jobs.runners import start_registry_export

        return start_registry_export(current_user, request.args)
    export = registry_export(current_user, request.args)
    return send_workbook(export.sheets, export.filename, label=export.label, rows=export.rows)


@dataclass
class RegistryExport:
    """The registry list as a workbook: its sheets (rows streamed), file name and audit label."""

    sheets: list[Sheet]
    filename: str
    label: str
    rows: _Counted


def registry_export(user, args: Mapping[str, Any], count: Callable[[Iterable], Iterable] = iter) -> RegistryExport:
    """The registry list for `args` as `user` sees it, for the instant download and the job."""
    rows = _Counted(count(queries.registry_rows(user, args)))
    filters = queries.describe_filters(args)
    sheets = documents.registry_sheets(acting_context(user), rows, filters)
    day = local_today().strftime("%d-%m-%Y")
    return RegistryExport(sheets, f"Danh sách mô hình {day}.xlsx",
                          "Danh sách mô hình" + (f" ({'; '.join(filters)})" if filters else ""), rows)
