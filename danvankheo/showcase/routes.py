"""Public pages: only accepted models, only the fields meant for the public.

Never shown here: phone numbers, members, drafts or models in review, and evidence that
was not marked public.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload, with_loader_criteria

from ..core.paging import AFTER, BEFORE
from ..evidence.models import Evidence
from ..extensions import db
from ..registry.models import Field, Initiative, Status
from ..registry.services import ListFilters, apply_search
from . import library

bp = Blueprint("showcase", __name__, url_prefix="/thu-vien")


def _public_query():
    return select(Initiative).where(Initiative.status == Status.ACCEPTED).options(
        joinedload(Initiative.unit),
        selectinload(Initiative.tags),
        selectinload(Initiative.evidence),
        # Only public files are ever loaded on these pages.
        with_loader_criteria(Evidence, Evidence.is_public.is_(True)),
    )


@bp.get("")
def index():
    filters = ListFilters.from_args(request.args)
    sort_key = request.args.get("sap_xep", "")
    sort_key = sort_key if sort_key in library.SORTS else next(iter(library.SORTS))
    query = apply_search(_public_query(), filters.q)
    if filters.year:
        query = query.where(Initiative.year == filters.year)
    per_field = library.field_counts(query)
    if filters.field:
        query = query.where(Initiative.field == filters.field)
    page = library.page_of(query, sort_key, per_page=current_app.config["PAGE_SIZE"], after=request.args.get(AFTER),
                           before=request.args.get(BEFORE))
    total = per_field.get(filters.field, 0) if filters.field else sum(per_field.values())
    years = db.session.scalars(
        select(Initiative.year).where(Initiative.status == Status.ACCEPTED).distinct().order_by(Initiative.year.desc())
    ).all()
    return render_template(
        "showcase/index.html", page=page, total=total, filters=filters, fields=Field, years=years, per_field=per_field,
        all_fields=sum(per_field.values()), sorts=library.SORTS, sort_key=sort_key,
        badges=library.badges_for(item.id for item in page.items),
    )


@bp.get("/<int:initiative_id>")
def detail(initiative_id: int):
    initiative = db.session.scalar(
        _public_query()
        .where(Initiative.id == initiative_id)
        .options(
            joinedload(Initiative.continues).joinedload(Initiative.unit),
            joinedload(Initiative.replicates).joinedload(Initiative.unit),
        )
    )
    if initiative is None:
        abort(404)
    replicated_by = db.session.scalars(
        select(Initiative)
        .where(Initiative.replicates_id == initiative.id, Initiative.status == Status.ACCEPTED)
        .options(joinedload(Initiative.unit))
        .order_by(Initiative.year, Initiative.sort_name)
    ).all()
    return render_template("showcase/detail.html", initiative=initiative, replicated_by=replicated_by,
                           badges=library.badges_for([initiative.id])[initiative.id])
