"""Build a deterministic benchmark dataset through the app's own models.

    python -m bench.generate --preset province --database-url sqlite:////tmp/dvk.sqlite --reset
    python -m bench.generate --preset national \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/dvk_bench --create-database --reset

Presets (see PRESETS): `province` is one province of about 150 units with 2,500 models a year
over three years, run by one organiser (the province, the deployment's default); `national` is
34 provinces, about 3,500 units, 70,000 models in the benchmark year plus two smaller earlier
years, 5 evaluators per model scoring 5 criteria, and a few evidence files per model.

The national preset has two levels (`Preset.two_levels`, issue 14): a national root unit
("Ban Dân vận Trung ương", code TW) is the default organiser, and each province under it is an
organiser of its own (level PROVINCE) with its own secretariat (`noivu.p01` … `noivu.p34`;
`noivu` is a second account of province 1's), its own observer (`theodoi.p01` …), its council
(the evaluators split between the provinces, in the province's Ban Dân vận) and its own round
a year over its own models. `theodoi` observes from the national organiser: it reads every
province. The one-organiser presets keep `noivu` and `theodoi` as the province's.

Rows are written with bulk inserts (`session.execute(insert(Model), [dict, ...])`, in batches),
not object by object, so the national preset takes minutes. Primary keys are assigned here, so
foreign keys need no round trip; PostgreSQL sequences are moved past them at the end. The
same seed always gives the same rows. Every generated account has the password
`DanVanKheo2026`.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, inspect, make_url, select, text
from werkzeug.security import generate_password_hash

from bench import names
from danvankheo.core.text import fold, sort_key

PASSWORD = "DanVanKheo2026"
BATCH = 5000
PG_WORK_MEM = "64MB"
# docs/DEPLOY.md: the data is read from memory, so a page read out of order costs about what a
# sequential one does (PostgreSQL's default 4 assumes spinning disks).
PG_RANDOM_PAGE_COST = "1.1"


@dataclass(frozen=True)
class Preset:
    name: str
    provinces: int
    communes_per_province: int
    # year -> number of accepted models in that year's round; the last year is the benchmark year
    years: dict[int, int]
    evaluators: int
    evaluators_per_model: int = 5
    # Share of extra models in other states (draft, submitted, returned, rejected, withdrawn).
    other_states_share: float = 0.03
    # Share of scope units that submit nothing in the benchmark year (compliance view).
    silent_units_share: float = 0.03
    evidence_per_model: tuple[int, int] = (1, 4)
    # A national root organiser with one organiser per province (see the module's docstring);
    # False: one organiser, the first province, runs everything.
    two_levels: bool = False


PRESETS = {
    "province": Preset("province", provinces=1, communes_per_province=120,
                       years={2024: 2500, 2025: 2500, 2026: 2500}, evaluators=30),
    "national": Preset("national", provinces=34, communes_per_province=73,
                       years={2024: 10000, 2025: 10000, 2026: 70000}, evaluators=700, two_levels=True),
    # Two rounds of different sizes (about 50,000 and 200,000 score rows) for bench.job_export:
    # the background export at two sizes, in a few minutes on two cores.
    "jobs": Preset("jobs", provinces=2, communes_per_province=60, years={2025: 2000, 2026: 8000},
                   evaluators=60, evidence_per_model=(0, 0)),
    # A few hundred rows: for trying the generator and in the test suite.
    "tiny": Preset("tiny", provinces=1, communes_per_province=8, years={2025: 60, 2026: 120},
                   evaluators=8),
    # The national preset's shape in a few hundred rows: for the test suite.
    "tiny-national": Preset("tiny-national", provinces=3, communes_per_province=4,
                            years={2025: 60, 2026: 120}, evaluators=18, two_levels=True),
}

# Centrally governed cities among names.PROVINCES: "UBND thành phố Hà Nội".
CITIES = {"Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}
NATIONAL_CODE = "TW"
NATIONAL_NAME = "Ban Dân vận Trung ương"


@dataclass
class Province:
    """One province of the dataset and, with two levels, the organiser that runs its competition."""

    index: int
    name: str
    organiser_id: int
    root: dict
    council: dict
    model_units: list[dict] = field(default_factory=list)
    evaluators: list[dict] = field(default_factory=list)
    secretariat_id: int = 0

    @property
    def code(self) -> str:
        return f"p{self.index:02d}"


FIELDS = ["economy", "culture_society", "defence_security", "political_system"]


@dataclass
class Context:
    preset: Preset
    rng: random.Random
    db: object
    upload_folder: Path
    counts: dict[str, int] = field(default_factory=dict)
    next_ids: dict[str, int] = field(default_factory=dict)
    # Filled as we go and used by later steps.
    units: list[dict] = field(default_factory=list)
    model_units: list[dict] = field(default_factory=list)  # units that register models
    evaluator_units: list[dict] = field(default_factory=list)
    staff_by_unit: dict[int, int] = field(default_factory=dict)
    evaluators: list[dict] = field(default_factory=list)
    secretariat_id: int = 0
    organiser_id: int = 1  # the default organiser
    provinces: list[Province] = field(default_factory=list)
    province_of_unit: dict[int, Province] = field(default_factory=dict)
    admin_id: int = 0
    initiatives_by_year: dict[int, list[dict]] = field(default_factory=dict)

    def new_id(self, table: str) -> int:
        value = self.next_ids.get(table, 1)
        self.next_ids[table] = value + 1
        return value

    def insert(self, model, rows: Iterable[dict], label: str | None = None) -> int:
        """Bulk insert in batches through the model's table; returns the number of rows."""
        total = 0
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                self.db.session.execute(insert(model), batch)
                total += len(batch)
                batch = []
        if batch:
            self.db.session.execute(insert(model), batch)
            total += len(batch)
        key = label or model.__tablename__
        self.counts[key] = self.counts.get(key, 0) + total
        return total


def _utc(d: date, rng: random.Random) -> datetime:
    return datetime(d.year, d.month, d.day, rng.randrange(1, 10), rng.randrange(60), tzinfo=UTC)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(names.SURNAMES)} {rng.choice(names.MIDDLE)} {rng.choice(names.GIVEN)}"


def _user_row(ctx: Context, *, login: str, full_name: str, unit_id: int | None, position: str,
              password_hash: str) -> dict:
    words = full_name.split()
    email = f"{login}@bench.danvankheo.vn"
    return {
        "id": ctx.new_id("users"),
        "login": login,
        "full_name": full_name,
        "sort_name": sort_key(" ".join(words[-1:] + words[:-1])),
        "search_text": fold(" ".join([login, full_name, email])),
        "email": email,
        "position": position,
        "phone": None,
        "password_hash": password_hash,
        "unit_id": unit_id,
        "is_active": True,
        "must_change_password": False,
        "session_version": 1,
        "created_at": datetime(2024, 1, 2, 1, 0, tzinfo=UTC),
        "last_login_at": None,
    }


# ---------------------------------------------------------------------------------------------
# Units and users


def _province_label(province: str) -> str:
    """"tỉnh Ninh Bình", "thành phố Hà Nội", "Thành phố Hồ Chí Minh"."""
    if province.startswith("Thành phố"):
        return province
    return f"thành phố {province}" if province in CITIES else f"tỉnh {province}"


def _organiser_row(ctx: Context, organiser_id: int, unit: dict, *, is_default: bool, parent_id: int | None,
                   secretariat_name: str, place_name: str) -> dict:
    from danvankheo.organisers.models import OrganiserLevel

    return {
        # There is no central level: the national organiser awards at the highest level there is.
        "id": organiser_id, "unit_id": unit["id"], "level": OrganiserLevel.PROVINCE, "is_default": is_default,
        "parent_id": parent_id, "secretariat_name": secretariat_name, "parent_body_name": "",
        "issuing_body_name": "", "number_suffix": "", "place_name": place_name, "signer_authority": "",
        "signer_title": "", "signer_name": "", "decision_body_name": "", "decision_number_suffix": "",
        "submission_addressee": "", "vote_threshold_percent": 51, "created_at": unit["created_at"],
    }


def generate_units(ctx: Context) -> None:
    """The unit tree and its organisers.

    Two levels: the national root (TW) is the default organiser, each province root under it an
    organiser whose subtree (departments, organisations, public services, communes and its Ban
    Dân vận, the council's unit) is its own. One level: the first province root is the only
    organiser and every unit belongs to it.
    """
    from danvankheo.organisers.models import Organiser
    from danvankheo.units.models import Unit, UnitKind

    rng, rows = ctx.rng, []
    created = datetime(2024, 1, 2, 1, 0, tzinfo=UTC)
    two_levels = ctx.preset.two_levels

    def add(code: str, name: str, kind: UnitKind, parent: dict | None) -> dict:
        uid = ctx.new_id("units")
        row = {
            "id": uid, "code": code, "name": name, "sort_name": sort_key(name), "kind": kind,
            "parent_id": parent["id"] if parent else None,
            "path": f"{parent['path'] if parent else '/'}{uid}/", "is_active": True, "created_at": created,
        }
        rows.append(row)
        return row

    organisers: list[dict] = []
    national = None
    if two_levels:
        national = add(NATIONAL_CODE, NATIONAL_NAME, UnitKind.OTHER, None)
        national["organiser_id"] = ctx.organiser_id = ctx.new_id("organisers")
        organisers.append(_organiser_row(ctx, ctx.organiser_id, national, is_default=True, parent_id=None,
                                         secretariat_name=f"Văn phòng {NATIONAL_NAME}", place_name="Hà Nội"))
    provinces = names.PROVINCES[: ctx.preset.provinces] if ctx.preset.provinces > 1 else ["Ninh Bình"]
    for p_index, province in enumerate(provinces, start=1):
        pcode = f"P{p_index:02d}"
        label = _province_label(province)
        root = add(pcode, f"UBND {label}", UnitKind.PROVINCE, national)
        if two_levels:
            organiser_id = ctx.new_id("organisers")
            organisers.append(_organiser_row(
                ctx, organiser_id, root, is_default=False, parent_id=ctx.organiser_id,
                secretariat_name=f"Sở Nội vụ {label}", place_name=province.removeprefix("Thành phố ")))
        elif p_index == 1:
            organiser_id = ctx.organiser_id = ctx.new_id("organisers")
            organisers.append(_organiser_row(ctx, organiser_id, root, is_default=True, parent_id=None,
                                             secretariat_name="Sở Nội vụ", place_name=""))
        party = "Thành ủy" if label.lower().startswith("thành phố") else "Tỉnh ủy"
        # With two levels the council's unit sits in the province's subtree, so it belongs to the
        # province's organiser; with one, it stays a root unit as before.
        council = add(f"{pcode}-BDV", f"Ban Dân vận {party} {province.removeprefix('Thành phố ')}",
                      UnitKind.OTHER, root if two_levels else None)
        ctx.evaluator_units.append(council)
        if two_levels or p_index == 1:
            ctx.provinces.append(Province(index=p_index, name=province, organiser_id=organiser_id,
                                          root=root, council=council))
        competition = ctx.provinces[-1]
        start = len(ctx.model_units)
        for code, name in names.DEPARTMENTS:
            ctx.model_units.append(add(f"{pcode}-{code}", f"{name} {province}", UnitKind.DEPARTMENT, root))
        for code, name in names.ORGANISATIONS:
            ctx.model_units.append(add(f"{pcode}-{code}", f"{name} {province}",
                                       UnitKind.MASS_ORGANISATION, root))
        for code, name in names.PUBLIC_SERVICES:
            ctx.model_units.append(add(f"{pcode}-{code}", f"{name} {province}",
                                       UnitKind.PUBLIC_SERVICE, root))
        for n in range(1, ctx.preset.communes_per_province + 1):
            place = f"{rng.choice(names.PLACE_FIRST)} {rng.choice(names.PLACE_SECOND)}"
            level = "phường" if n % 4 == 0 else "xã"
            ctx.model_units.append(add(f"{pcode}-X{n:03d}", f"UBND {level} {place}", UnitKind.COMMUNE, root))
        competition.model_units.extend(ctx.model_units[start:])
    # Every unit's organiser: the nearest organiser at or above it (what
    # organisers.services.refresh_unit_organisers keeps), the national root's its own.
    by_code = {f"P{p.index:02d}": p for p in ctx.provinces}
    for row in rows:
        if "organiser_id" in row:
            continue
        competition = by_code.get(row["code"].split("-")[0]) if two_levels else ctx.provinces[0]
        row["organiser_id"] = competition.organiser_id
        ctx.province_of_unit[row["id"]] = competition
    ctx.units = rows
    ctx.insert(Unit, rows)
    ctx.insert(Organiser, organisers)


def generate_users(ctx: Context) -> None:
    """Accounts and their roles, the scoped ones granted within an organiser (role_grants)."""
    from danvankheo.auth.models import User, UserRole
    from danvankheo.core.roles import SCOPED_ROLES, Role

    # One hash for every generated account (scrypt, as production uses): hashing 4,000
    # passwords one by one would take minutes and prove nothing.
    password_hash = generate_password_hash(PASSWORD)
    rng, users, roles = ctx.rng, [], []

    def add(login: str, unit_id: int | None, position: str, *user_roles: Role, full_name: str | None = None,
            organiser_id: int | None = None):
        row = _user_row(ctx, login=login, full_name=full_name or _person(rng), unit_id=unit_id,
                        position=position, password_hash=password_hash)
        users.append(row)
        roles.extend({"user_id": row["id"], "role": role,
                      "organiser_id": (organiser_id or ctx.organiser_id) if role in SCOPED_ROLES else None}
                     for role in user_roles)
        return row

    first = ctx.provinces[0]
    ctx.admin_id = add("admin", None, "Quản trị hệ thống", Role.ADMIN, full_name="Nguyễn Văn Quản")["id"]
    # `noivu` is province 1's secretariat (with two levels, beside noivu.p01): the account the
    # benchmarks log in with.
    ctx.secretariat_id = add("noivu", first.council["id"], "Chuyên viên Phòng Nội vụ", Role.SECRETARIAT,
                             full_name="Trần Thị Thu Hà", organiser_id=first.organiser_id)["id"]
    first.secretariat_id = ctx.secretariat_id
    if ctx.preset.two_levels:
        # The national observer reads every province (observers read the organisers nested below).
        add("theodoi", ctx.units[0]["id"], "Vụ trưởng, Ban Dân vận Trung ương", Role.OBSERVER,
            full_name="Bùi Thị Hạnh", organiser_id=ctx.organiser_id)
        for province in ctx.provinces:
            secretariat = add(f"noivu.{province.code}", province.council["id"], "Chuyên viên Sở Nội vụ",
                              Role.SECRETARIAT, organiser_id=province.organiser_id)
            if province.index > 1:
                province.secretariat_id = secretariat["id"]
            add(f"theodoi.{province.code}", province.council["id"], "Phó Trưởng ban Dân vận", Role.OBSERVER,
                organiser_id=province.organiser_id)
    else:
        add("theodoi", first.council["id"], "Phó Trưởng ban Dân vận", Role.OBSERVER, full_name="Bùi Thị Hạnh")
    for unit in ctx.model_units:
        row = add(f"cb.{unit['code'].lower()}", unit["id"], rng.choice(names.POSITIONS), Role.STAFF)
        ctx.staff_by_unit[unit["id"]] = row["id"]
    # Evaluators sit in the councils' units (Ban Dân vận), which register no models, so no
    # assignment ever meets a conflict of interest. With two levels each province's council
    # is its own share of them, granted in its organiser.
    for n in range(1, ctx.preset.evaluators + 1):
        council = ctx.evaluator_units[(n - 1) % len(ctx.evaluator_units)]
        competition = ctx.province_of_unit.get(council["id"], first)
        row = add(f"gk{n:04d}", council["id"], "Thành viên Hội đồng", Role.EVALUATOR,
                  organiser_id=competition.organiser_id)
        ctx.evaluators.append(row)
        competition.evaluators.append(row)
    ctx.insert(User, users)
    ctx.insert(UserRole, roles)


def generate_deadlines(ctx: Context) -> None:
    """Each competition's submission deadline of each year, at the app's defaults, owned by its
    organiser."""
    from danvankheo.registry.deadlines import DEFAULT_SCOPE_KINDS, default_deadline
    from danvankheo.registry.models import SubmissionDeadline, SubmissionDeadlineKind

    deadlines = [
        {"id": ctx.new_id("submission_deadlines"), "organiser_id": province.organiser_id, "year": year,
         "deadline_at": default_deadline(year),
         "updated_by_id": province.secretariat_id, "updated_at": datetime(year, 3, 1, 2, 0, tzinfo=UTC)}
        for year in sorted(ctx.preset.years) for province in ctx.provinces
    ]
    ctx.insert(SubmissionDeadline, deadlines)
    ctx.insert(SubmissionDeadlineKind, (
        {"deadline_id": deadline["id"], "unit_kind": kind, "position": position}
        for deadline in deadlines for position, kind in enumerate(DEFAULT_SCOPE_KINDS)
    ))


# ---------------------------------------------------------------------------------------------
# Models (initiatives) with members, tags and workflow history


def _initiative_rows(ctx: Context, year: int, accepted: int) -> Iterator[tuple[dict, list, list, list]]:
    from danvankheo.registry.models import Field, InitiativeKind, Status

    rng, p = ctx.rng, ctx.preset
    is_benchmark_year = year == max(p.years)
    units = list(ctx.model_units)
    if is_benchmark_year:
        silent = set(rng.sample(range(len(units)), int(len(units) * p.silent_units_share)))
        units = [u for i, u in enumerate(units) if i not in silent]
    others = int(accepted * p.other_states_share)
    other_states = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.REJECTED, Status.WITHDRAWN]
    deadline = date(year, 10, 15)
    for n in range(accepted + others):
        status = Status.ACCEPTED if n < accepted else other_states[n % len(other_states)]
        unit = rng.choice(units)
        topic, field_value, tags = rng.choice(names.NAME_TOPICS)
        place = unit["name"].removeprefix("UBND ")
        name = f"{rng.choice(names.NAME_LEADS)} {rng.choice(names.NAME_ACTIONS)} {topic}"
        if rng.random() < 0.6:
            name += f" tại {place}"
        if rng.random() < 0.15:
            name += f" năm {year}"
        kind = InitiativeKind.INDIVIDUAL if rng.random() < 0.15 else InitiativeKind.COLLECTIVE
        iid = ctx.new_id("initiatives")
        staff = ctx.staff_by_unit[unit["id"]]
        created = _utc(date(year, rng.randrange(3, 9), rng.randrange(1, 28)), rng)
        submitted = None if status is Status.DRAFT else _utc(
            deadline - timedelta(days=rng.randrange(0, 60)), rng)
        tag_list = sorted(set(tags + ([rng.choice(["dân vận khéo", "cơ sở", "vùng khó khăn"])]
                                      if rng.random() < 0.5 else [])))
        budget_state = rng.randrange(0, 400) * 1_000_000
        row = {
            "id": iid, "unit_id": unit["id"], "year": year, "name": name, "sort_name": sort_key(name),
            "field": Field(field_value), "kind": kind,
            "situation": names.PARAGRAPH, "goals": f"Nâng cao chất lượng {topic}; tăng sự hài lòng của Nhân dân.",
            "content_method": names.PARAGRAPH * 2, "area": place, "target_group": "Nhân dân trên địa bàn",
            "lead_name": _person(rng), "lead_position": rng.choice(names.POSITIONS),
            "lead_phone": f"09{rng.randrange(10_000_000, 99_999_999)}",
            "budget_state": budget_state, "budget_social": rng.randrange(0, 800) * 1_000_000,
            "workdays": rng.randrange(10, 3000), "start_date": date(year - rng.randrange(0, 3), rng.randrange(1, 13), 1),
            "end_date": None, "is_ongoing": True,
            "results_quantitative": f"{rng.randrange(50, 5000)} lượt người dân được hỗ trợ.",
            "results_qualitative": "Người dân đồng tình, hưởng ứng; quan hệ giữa chính quyền và Nhân dân gắn bó hơn.",
            "beneficiaries": rng.randrange(20, 20000), "sustainability": "Duy trì thường xuyên, có khả năng nhân rộng.",
            "continues_id": None, "replicates_id": None,
            "status": status, "submitted_at": submitted, "is_late": False,
            "search_text": fold(" ".join([name, unit["name"], *tag_list])),
            "created_by_id": staff, "created_at": created, "updated_at": submitted or created, "version": 1,
        }
        members = []
        if kind is InitiativeKind.COLLECTIVE:
            for order in range(rng.randrange(0, 4)):
                members.append({"initiative_id": iid, "full_name": _person(rng),
                                "position": rng.choice(names.POSITIONS), "position_order": order})
        tag_rows = [{"initiative_id": iid, "tag": t} for t in tag_list]
        transitions = []
        if status is not Status.DRAFT:
            transitions.append({"initiative_id": iid, "from_status": Status.DRAFT, "to_status": Status.SUBMITTED,
                                "actor_id": staff, "occurred_at": submitted, "reason": None, "is_late": False})
        if status in (Status.ACCEPTED, Status.RETURNED, Status.REJECTED):
            transitions.append({"initiative_id": iid, "from_status": Status.SUBMITTED, "to_status": status,
                                "actor_id": ctx.province_of_unit[unit["id"]].secretariat_id,
                                "occurred_at": submitted + timedelta(days=3),
                                "reason": None if status is Status.ACCEPTED else "Hồ sơ chưa đầy đủ minh chứng.",
                                "is_late": False})
        if status is Status.WITHDRAWN:
            transitions.append({"initiative_id": iid, "from_status": Status.SUBMITTED, "to_status": status,
                                "actor_id": staff, "occurred_at": submitted + timedelta(days=1),
                                "reason": "Đơn vị rút để hoàn thiện.", "is_late": False})
        ctx.initiatives_by_year.setdefault(year, []).append(
            {"id": iid, "unit_id": unit["id"], "status": status, "kind": kind, "field": field_value}
        )
        yield row, members, tag_rows, transitions


def generate_initiatives(ctx: Context) -> None:
    for year, accepted in sorted(ctx.preset.years.items()):
        rows, members, tags, transitions = [], [], [], []
        for row, m, t, tr in _initiative_rows(ctx, year, accepted):
            rows.append(row)
            members.extend(m)
            tags.extend(t)
            transitions.extend(tr)
            if len(rows) >= BATCH:
                _write_initiatives(ctx, rows, members, tags, transitions)
                rows, members, tags, transitions = [], [], [], []
        _write_initiatives(ctx, rows, members, tags, transitions)


def _write_initiatives(ctx: Context, rows, members, tags, transitions) -> None:
    from danvankheo.registry.models import Initiative, InitiativeMember, InitiativeTag, Transition

    ctx.insert(Initiative, rows)
    ctx.insert(InitiativeMember, members)
    ctx.insert(InitiativeTag, tags)
    ctx.insert(Transition, transitions)


# ---------------------------------------------------------------------------------------------
# Evidence: rows with small real files


def _evidence_pool(rng: random.Random, size: int = 48) -> list[tuple[str, str, bytes]]:
    """(kind, mimetype, bytes) of small real files: valid PDFs and PNGs, all different."""
    import io

    from PIL import Image

    pool = []
    for n in range(size):
        if n % 3 == 2:
            image = Image.new("RGB", (24, 16), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            pool.append(("png", "image/png", buffer.getvalue()))
            continue
        stream = f"BT /F1 12 Tf 40 780 Td (Bao cao ket qua mo hinh so {n}) Tj ET".encode()
        objects = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        out = io.BytesIO()
        out.write(b"%PDF-1.4\n")
        offsets = []
        for i, body in enumerate(objects, start=1):
            offsets.append(out.tell())
            out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
        xref = out.tell()
        out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
        for offset in offsets:
            out.write(f"{offset:010d} 00000 n \n".encode())
        out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
        pool.append(("pdf", "application/pdf", out.getvalue()))
    return pool


EVIDENCE_NAMES = {
    "pdf": ["Báo cáo kết quả mô hình “Dân vận khéo” năm {year}.pdf", "Quyết định công nhận mô hình.pdf",
            "Biên bản họp dân thôn Đông.pdf", "Kế hoạch triển khai mô hình.pdf"],
    "png": ["Ảnh hoạt động ra quân {n}.png", "Ảnh người dân hiến đất {n}.png"],
}


def generate_evidence(ctx: Context) -> None:
    """A few evidence rows per model, each a real file in the app's storage layout.

    The bytes come from a pool of small distinct files; each row gets its own storage key,
    hard-linked to its pool file (a copy where hard links are not possible), so the files
    are real and their SHA-256 is right, at the cost of a directory entry each.
    """
    try:
        from danvankheo.evidence.models import Evidence
    except ImportError:
        print("  (no evidence model yet: skipped)")
        return
    rng, low_high = ctx.rng, ctx.preset.evidence_per_model
    pool_dir = ctx.upload_folder / "bench-pool"
    pool_dir.mkdir(parents=True, exist_ok=True)
    pool = []
    for n, (kind, mimetype, data) in enumerate(_evidence_pool(rng)):
        path = pool_dir / f"{n:03d}.{kind}"
        path.write_bytes(data)
        pool.append((kind, mimetype, path, len(data), hashlib.sha256(data).hexdigest()))

    def rows() -> Iterator[dict]:
        for year, models in sorted(ctx.initiatives_by_year.items()):
            for model in models:
                folder_hex = hashlib.sha256(f"{ctx.preset.name}-{model['id']}".encode()).hexdigest()[:32]
                folder = ctx.upload_folder / folder_hex[:2] / folder_hex
                folder.mkdir(parents=True, exist_ok=True)
                for n, (kind, mimetype, path, size, sha) in enumerate(
                    rng.sample(pool, rng.randint(*low_high)), start=1
                ):
                    name_hex = hashlib.sha256(f"{folder_hex}/{n}".encode()).hexdigest()[:32]
                    target = folder / name_hex
                    if not target.exists():
                        try:
                            os.link(path, target)
                        except OSError:
                            target.write_bytes(path.read_bytes())
                    yield {
                        "id": ctx.new_id("evidence_files"), "initiative_id": model["id"],
                        "original_name": rng.choice(EVIDENCE_NAMES[kind]).format(year=year, n=n),
                        "storage_key": f"{folder_hex[:2]}/{folder_hex}/{name_hex}",
                        "thumbnail_key": None, "content_type": mimetype, "size": size, "sha256": sha,
                        "is_public": model["status"].value == "accepted" and rng.random() < 0.3,
                        "uploaded_by_id": ctx.staff_by_unit[model["unit_id"]],
                        "uploaded_at": datetime(year, 9, 1, 2, 0, tzinfo=UTC),
                    }

    ctx.insert(Evidence, rows())


# ---------------------------------------------------------------------------------------------
# Scoring: a round per year over its accepted models, 5 criteria, k evaluators per model


def generate_scoring(ctx: Context) -> None:
    try:
        from danvankheo.scoring import models as sm
        from danvankheo.scoring.standings import PANEL_FIELDS, entry_standing
    except ImportError:
        print("  (no scoring models yet: skipped)")
        return
    from dataclasses import asdict
    from decimal import Decimal

    from sqlalchemy import bindparam, update

    rng, p = ctx.rng, ctx.preset
    benchmark_year = max(p.years)
    unit_path = {u["id"]: u["path"] for u in ctx.units}
    evaluator_path = {e["id"]: unit_path[e["unit_id"]] for e in ctx.evaluators}
    half = Decimal("0.5")
    # One round a year per competition (with two levels, per province organiser), over its own
    # accepted models, scored by its own council.
    rounds = []
    for year, models in sorted(ctx.initiatives_by_year.items()):
        for province in ctx.provinces:
            accepted = [m for m in models if m["status"].value == "accepted"
                        and ctx.province_of_unit[m["unit_id"]] is province]
            rounds.append((year, province, accepted))
    for year, province, accepted in rounds:
        evaluators = province.evaluators
        is_current = year == benchmark_year
        round_id = ctx.new_id("rounds")
        title = f"Đánh giá mô hình “Dân vận khéo” năm {year}"
        if p.two_levels:
            title = f"Đánh giá mô hình “Dân vận khéo” {_province_label(province.name)} năm {year}"
        ctx.insert(sm.Round, [{
            "id": round_id, "organiser_id": province.organiser_id, "year": year,
            "name": title,
            # The benchmark year's round is being scored (evaluators' pages are live); earlier
            # rounds are closed.
            "state": sm.RoundState.SCORING if is_current else sm.RoundState.CLOSED,
            "opens_at": datetime(year, 10, 20, 1, 0, tzinfo=UTC),
            "closes_at": datetime(year + 1, 12, 31, 16, 0, tzinfo=UTC) if is_current
            else datetime(year, 11, 30, 16, 0, tzinfo=UTC),
            "aggregation": sm.AggregationMethod.TRIMMED_MEAN, "min_scorecards": 3,
            "disagreement_threshold": Decimal(20), "is_blind": True,
            "grade_excellent_min": Decimal(90), "grade_good_min": Decimal(75), "grade_fair_min": Decimal(60),
            "scope_unit_id": None, "scope_unit_kind": None, "scope_field": None,
            "created_at": datetime(year, 10, 16, 1, 0, tzinfo=UTC), "created_by_id": province.secretariat_id,
            "finalised_at": None,
        }])
        criteria = []
        for position, (code, name, maximum, guidance) in enumerate(sm.DEFAULT_RUBRIC):
            criteria.append({"id": ctx.new_id("criteria"), "round_id": round_id, "code": code, "name": name,
                             "guidance": guidance, "max_score": Decimal(maximum), "position": position,
                             "is_tiebreaker": code == sm.DEFAULT_TIEBREAKER})
        ctx.insert(sm.Criterion, criteria)
        panel_ids = {e["id"]: ctx.new_id("panel_members") for e in evaluators}
        ctx.insert(sm.PanelMember, ({"id": panel_ids[e["id"]], "round_id": round_id, "user_id": e["id"]}
                                    for e in evaluators))
        bias = {e["id"]: rng.gauss(0, 0.05) for e in evaluators}
        k, n_eval = p.evaluators_per_model, len(evaluators)
        # Each model's and member's standing (what the scoring services maintain), computed as
        # the rows are drawn; a model's entry is written just before its assignments.
        progress = {e["id"]: dict.fromkeys(PANEL_FIELDS, 0) for e in evaluators}
        entries, assignments, cards, scores = [], [], [], []
        for index, model in enumerate(accepted):
            quality = min(max(rng.gauss(0.74, 0.12), 0.15), 1.0)
            totals, sums, ranges = [], {}, {}
            for j in range(k):
                evaluator = evaluators[(index * k + j) % n_eval]
                eid = evaluator["id"]
                created = datetime(year, 10, 21, 2, 0, tzinfo=UTC)
                assignments.append({
                    "id": ctx.new_id("assignments"), "round_id": round_id, "initiative_id": model["id"],
                    "evaluator_id": eid, "status": sm.AssignmentStatus.ASSIGNED, "recusal_reason": None,
                    "recused_at": None, "evaluator_unit_path": evaluator_path[eid],
                    "initiative_unit_path": unit_path[model["unit_id"]], "created_at": created,
                })
                progress[eid]["assigned_count"] += 1
                roll = rng.random()
                if is_current and roll < 0.02:
                    continue  # not started yet: the progress page has someone behind
                submitted = not (is_current and roll < 0.04)
                progress[eid]["submitted_count" if submitted else "draft_count"] += 1
                card_id = ctx.new_id("scorecards")
                total = Decimal(0)
                for criterion in criteria:
                    maximum = criterion["max_score"]
                    share = min(max(quality + bias[eid] + rng.gauss(0, 0.07), 0.0), 1.0)
                    value = (Decimal(str(round(share * float(maximum) * 2))) * half).quantize(half)
                    value = min(value, maximum)
                    total += value
                    scores.append({"id": ctx.new_id("scores"), "scorecard_id": card_id,
                                   "criterion_id": criterion["id"], "max_score": maximum, "value": value,
                                   "comment": None})
                    if submitted:
                        code = criterion["code"]
                        previous, count = sums.get(code, (Decimal(0), 0))
                        sums[code] = (previous + value, count + 1)
                        low, high = ranges.get(code, (value, value))
                        ranges[code] = (min(low, value), max(high, value))
                if submitted:
                    totals.append(total)
                when = datetime(year, 11, rng.randrange(1, 28), rng.randrange(1, 10), tzinfo=UTC)
                cards.append({
                    "id": card_id, "round_id": round_id, "initiative_id": model["id"], "evaluator_id": eid,
                    "state": sm.ScorecardState.SUBMITTED if submitted else sm.ScorecardState.DRAFT,
                    "total": total, "comment": "Mô hình có cách làm sáng tạo, hiệu quả." if rng.random() < 0.2 else "",
                    "submitted_at": when if submitted else None, "created_at": when, "updated_at": when,
                })
            entries.append({"id": ctx.new_id("round_entries"), "round_id": round_id, "initiative_id": model["id"],
                            "added_at": datetime(year, 10, 16, 2, 0, tzinfo=UTC),
                            **asdict(entry_standing(totals, sums, assigned=k, criterion_ranges=ranges))})
            if len(scores) >= BATCH * 4:
                _write_scoring(ctx, sm, entries, assignments, cards, scores)
                entries, assignments, cards, scores = [], [], [], []
        _write_scoring(ctx, sm, entries, assignments, cards, scores)
        table = sm.PanelMember.__table__
        ctx.db.session.execute(
            update(table).where(table.c.id == bindparam("b_id"))
            .values({name: bindparam(f"b_{name}") for name in PANEL_FIELDS}),
            [{"b_id": panel_ids[eid], **{f"b_{name}": v for name, v in counts.items()}}
             for eid, counts in progress.items()],
        )
        ctx.db.session.flush()


def _write_scoring(ctx: Context, sm, entries, assignments, cards, scores) -> None:
    ctx.insert(sm.RoundEntry, entries)
    ctx.insert(sm.Assignment, assignments)
    ctx.insert(sm.Scorecard, cards)
    ctx.insert(sm.Score, scores)


def count_models(ctx: Context) -> None:
    """The counts of models the registry keeps in step with every change (`registry.tallies`)
    and each model's registration and acceptance dates (`registry.step_dates`): the bulk inserts
    above bypass the ORM events that keep them, so they are computed once here."""
    from danvankheo.registry import step_dates, tallies

    ctx.db.session.flush()
    tallies.rebuild()
    step_dates.rebuild()


def keep_round_figures(ctx: Context) -> None:
    """The figures each round keeps over all its submitted totals (adjusted scores, the panel's
    agreement: `scoring.round_statistics`), stored by the scoring services as cards change and
    computed once here for the bulk-inserted rounds."""
    from danvankheo.scoring import round_statistics
    from danvankheo.scoring.models import Round

    ctx.db.session.flush()
    for round_ in ctx.db.session.scalars(select(Round).order_by(Round.id)):
        round_statistics.refresh(round_)


STEPS: list = [generate_evidence, generate_scoring, keep_round_figures]


# ---------------------------------------------------------------------------------------------
# Driver


def _fix_sequences(db) -> None:
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].name == "id" and pk[0].autoincrement in (True, "auto"):
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"
            ))


def create_database(url: str) -> None:
    """CREATE DATABASE for a PostgreSQL URL if it does not exist yet."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    import psycopg

    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{parsed.database}"')


def make_app(database_url: str, upload_folder: str | None = None, **extra):
    """The app with production settings on `database_url` (for generating and benchmarking)."""
    import secrets

    from danvankheo import create_app

    overrides = {"APP_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
                 "SQLALCHEMY_DATABASE_URI": database_url, "LOG_REQUESTS": False,
                 "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": True, **extra}
    if upload_folder:
        overrides["UPLOAD_FOLDER"] = upload_folder
    return create_app(overrides)


def generate(preset: Preset, database_url: str, *, seed: int = 8, reset: bool = False,
             upload_folder: str | None = None, log=print) -> dict[str, int]:
    from danvankheo.extensions import db
    from danvankheo.units.models import Unit

    # Bulk inserts in table order, like a restore: SQLite's per-row foreign key checks are off.
    app = make_app(database_url, upload_folder, SQLITE_FOREIGN_KEYS=False)
    started = time.perf_counter()
    for optional in ("danvankheo.evidence.models", "danvankheo.scoring.models"):
        # Tables of features that may not be registered in danvankheo.models yet.
        with contextlib.suppress(ImportError):
            __import__(optional)
    with app.app_context():
        if reset:
            db.drop_all()
        db.create_all()
        if db.session.scalar(select(func.count()).select_from(Unit)):
            raise SystemExit("The database already holds units: pass --reset to rebuild it from scratch.")
        ctx = Context(preset=preset, rng=random.Random(seed), db=db,
                      upload_folder=Path(app.config["UPLOAD_FOLDER"]))
        for fn in [generate_units, generate_users, generate_deadlines, generate_initiatives, *STEPS, count_models]:
            t0 = time.perf_counter()
            fn(ctx)
            db.session.flush()
            log(f"  {fn.__name__:<28} {time.perf_counter() - t0:7.1f} s")
        _fix_sequences(db)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # As a long-running database would be: statistics gathered and the visibility map
            # set (autovacuum's job), and the settings docs/DEPLOY.md recommends: work_mem (the
            # default 4 MB makes the ranking's aggregates spill to disk) and random_page_cost.
            name = make_url(database_url).database
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM (ANALYZE)"))
                conn.execute(text(f"ALTER DATABASE \"{name}\" SET work_mem = '{PG_WORK_MEM}'"))
                conn.execute(text(f"ALTER DATABASE \"{name}\" SET random_page_cost = {PG_RANDOM_PAGE_COST}"))
        db.session.remove()
        db.engine.dispose()
    ctx.counts["seconds"] = round(time.perf_counter() - started, 1)
    return ctx.counts


def sync_schema(database_url: str) -> bool:
    """Bring an existing dataset up to the app's current schema when that is additive.

    Tables the app gained since the dataset was generated are created (empty); False when an
    existing table lacks a column (the dataset must then be regenerated).
    """
    from danvankheo.extensions import db

    app = make_app(database_url)
    for optional in ("danvankheo.evidence.models", "danvankheo.scoring.models"):
        with contextlib.suppress(ImportError):
            __import__(optional)
    with app.app_context():
        inspector = inspect(db.engine)
        present = set(inspector.get_table_names())
        for table in db.metadata.sorted_tables:
            if table.name in present:
                have = {c["name"] for c in inspector.get_columns(table.name)}
                if not {c.name for c in table.columns} <= have:
                    db.engine.dispose()
                    return False
        db.create_all()
        db.engine.dispose()
    return True


def table_counts(database_url: str) -> dict[str, int]:
    from danvankheo.extensions import db

    app = make_app(database_url)
    with app.app_context():
        names_ = inspect(db.engine).get_table_names()
        counts = {t: db.session.scalar(text(f'SELECT count(*) FROM "{t}"')) for t in sorted(names_)}
        db.engine.dispose()
    return counts


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="province")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), required=False)
    parser.add_argument("--upload-folder", default=os.environ.get("UPLOAD_FOLDER"),
                        help="where evidence files go (default: the app's UPLOAD_FOLDER)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--reset", action="store_true", help="drop every table first")
    parser.add_argument("--create-database", action="store_true", help="CREATE DATABASE if missing (PostgreSQL)")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")
    if args.create_database:
        create_database(args.database_url)
    preset = PRESETS[args.preset]
    print(f"Generating preset {preset.name} into {make_url(args.database_url).render_as_string()}")
    counts = generate(preset, args.database_url, seed=args.seed, reset=args.reset,
                      upload_folder=args.upload_folder)
    for key, value in counts.items():
        print(f"  {key:<28} {value:>12,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
