"""The proposal's Word documents: Tờ trình, biên bản họp Hội đồng, dự thảo Quyết định and
a báo cáo thành tích per proposed collective or individual.

Each `*_context` turns the proposal (and the deployment's settings) into the plain strings
a template shows; `render` fills a docxtpl template from templates/documents/ (or from
DOCUMENT_TEMPLATE_FOLDER). What is missing prints as dots ("Số: …/TTr-…") so that a
document is always produced; `missing_for_documents` tells the page what to fill in.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from sqlalchemy import func, select

from ..core.formatting import format_day, format_money, format_number, format_period, format_score
from ..core.timeutil import format_datetime
from ..exports.documents import PrintedNames, printed_names
from ..extensions import db
from ..registry.models import Field, Initiative, Status
from ..scoring.models import RoundEntry
from ..scoring.ranking import ranking_for
from ..scoring.rounds import entry_allowed_clause
from .history import awards_for_unit
from .meetings import council_figures, missing_votes
from .models import Proposal, ProposalLine, ProposalState

DOTS = "……………"
SHORT_DOTS = "……"
DEFAULT_TEMPLATE_FOLDER = Path(__file__).resolve().parents[2] / "templates" / "documents"


@dataclass(frozen=True)
class DocumentKind:
    slug: str  # in URLs and file names
    template: str
    label: str  # what the page calls it


SUBMISSION = DocumentKind("to-trinh", "to-trinh.docx", "Tờ trình")
MINUTES = DocumentKind("bien-ban", "bien-ban-hop-hoi-dong.docx", "Biên bản họp Hội đồng")
DECISION = DocumentKind("du-thao-quyet-dinh", "du-thao-quyet-dinh.docx", "Dự thảo Quyết định khen thưởng")
REPORT_COLLECTIVE = "bao-cao-thanh-tich-tap-the.docx"
REPORT_INDIVIDUAL = "bao-cao-thanh-tich-ca-nhan.docx"
PROPOSAL_DOCUMENTS = {kind.slug: kind for kind in (SUBMISSION, MINUTES, DECISION)}


@dataclass(frozen=True, kw_only=True)
class Settings(PrintedNames):
    """The names on paper of the organiser that runs the proposal's round (its own, else the
    deployment's settings in config.py); empty ones print as dots. The Tờ trình prints the
    organiser's usual signer when the proposal names none."""

    decision_parent: str
    decision_body: str
    decision_suffix: str
    addressee: str
    template_folder: Path

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """The deployment's names alone (no organiser)."""
        return cls.from_organiser(None, config)

    @classmethod
    def from_organiser(cls, organiser, config: Mapping[str, Any]) -> Settings:
        """The organiser's names, each empty one taken from config.py (`document_names`)."""
        from ..organisers.names import document_names

        names = document_names(organiser, config)
        folder = config.get("DOCUMENT_TEMPLATE_FOLDER") or DEFAULT_TEMPLATE_FOLDER
        return cls(
            **printed_names(names),
            decision_parent=(config.get("DECISION_PARENT_BODY_NAME") or "").strip(),
            decision_body=names["decision_body_name"] or names["parent_body_name"],
            decision_suffix=names["decision_number_suffix"],
            addressee=names["submission_addressee"],
            template_folder=Path(folder),
        )

    @classmethod
    def for_proposal(cls, proposal: Proposal, config: Mapping[str, Any]) -> Settings:
        """The names of the organiser whose round the proposal comes from."""
        return cls.from_organiser(proposal.round.organiser, config)


# --- Small formatting helpers ----------------------------------------------------------------


def _or_dots(value: str | None, dots: str = DOTS) -> str:
    value = (value or "").strip()
    return value or dots


def number_text(number: str | None, kind: str, suffix: str) -> str:
    """ "118/TTr-SNV"; a bare number gets kind and suffix; none prints "…/TTr-SNV"."""
    number = (number or "").strip()
    suffix = suffix or SHORT_DOTS
    if not number:
        return f"{SHORT_DOTS}/{kind}-{suffix}"
    if number.isdigit():
        return f"{number}/{kind}-{suffix}"
    return number


def long_day(day: date | None) -> str:
    """ "ngày 05 tháng 02 năm 2026" (Nghị định 30: leading zero for days < 10 and months 1, 2)."""
    if day is None:
        return f"ngày {SHORT_DOTS} tháng {SHORT_DOTS} năm {SHORT_DOTS}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date(place: str, day: date | None) -> str:
    return f"{_or_dots(place, SHORT_DOTS)}, {long_day(day)}"


def short_day(day: date | None) -> str:
    return format_day(day) if day else f"{SHORT_DOTS}/{SHORT_DOTS}/{SHORT_DOTS}"


def paragraphs(*texts: str | None) -> list[str]:
    """Text typed with line breaks → one paragraph per non-empty line; nothing → dots."""
    result = [line.strip() for text in texts for line in (text or "").splitlines() if line.strip()]
    return result or [DOTS]


def _distinct(values) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


def _authority(proposal: Proposal) -> str:
    return "; ".join(_distinct(line.award_form.issuing_authority for line in proposal.lines)) or DOTS


# The default commune award form names every kind of commune; a commune's decision names its own.
GENERIC_COMMUNE = "xã, phường, đặc khu"


def _authority_of(proposal: Proposal, settings: Settings) -> str:
    """Who decides, as the decision prints it: "Chủ tịch Ủy ban nhân dân phường" for a ward."""
    authority = _authority(proposal)
    body = settings.decision_body.lower()
    if GENERIC_COMMUNE not in authority or not body:
        return authority
    kind = next((kind for kind in ("đặc khu", "phường", "xã") if kind in body), None)
    return authority.replace(GENERIC_COMMUNE, kind) if kind else authority


def recipients_text(collectives: int, individuals: int) -> str:
    """"2 tập thể", "1 cá nhân" or "1 tập thể và 2 cá nhân": no "0 cá nhân" on paper."""
    parts = [f"{format_number(count)} {noun}" for count, noun in ((collectives, "tập thể"), (individuals, "cá nhân"))
             if count]
    return " và ".join(parts) or "0 tập thể, cá nhân"


def _executors(settings: Settings) -> str:
    """Who carries the decision out (Điều 3): the head of the secretariat's office."""
    body = settings.issuing_body
    if not body:
        return f"Chánh Văn phòng, Thủ trưởng {DOTS}"
    if body.lower().startswith("văn phòng"):
        return f"Chánh {body}"
    return f"Chánh Văn phòng, Giám đốc {body}" if body.lower().startswith("sở") else f"Chánh Văn phòng, Thủ trưởng {body}"


def _award_names(proposal: Proposal) -> str:
    return ", ".join(_distinct(line.award_form.display_name for line in proposal.lines)) or DOTS


def _recipient_with_unit(line: ProposalLine) -> str:
    if line.is_collective:
        return line.recipient_name
    return ", ".join(part for part in (line.recipient_name, line.recipient_position, line.unit_name) if part)


# --- Figures of the round ----------------------------------------------------------------------


@dataclass(frozen=True)
class RoundFigures:
    registered: int
    accepted: int
    scored: int
    grades: dict[str, int]


def round_figures(proposal: Proposal) -> RoundFigures:
    """Models of the round's year that were submitted and accepted, the models scored in the
    round, and the grades of its ranking. The counts are those of the round's organiser
    (its own units and the models its lower levels proposed to it), never another level's."""
    year = proposal.round.year
    mine = entry_allowed_clause(proposal.round)
    registered = db.session.scalar(
        select(func.count()).select_from(Initiative).where(
            Initiative.year == year, mine, Initiative.status.not_in([Status.DRAFT, Status.WITHDRAWN]))
    ) or 0
    accepted = db.session.scalar(
        select(func.count()).select_from(Initiative).where(Initiative.year == year, mine,
                                                          Initiative.status == Status.ACCEPTED)
    ) or 0
    scored = db.session.scalar(
        select(func.count()).select_from(RoundEntry).where(RoundEntry.round_id == proposal.round_id,
                                                           RoundEntry.submitted_count > 0)
    ) or 0
    grades: dict[str, int] = {}
    for row in ranking_for(proposal.round):
        if row.grade is not None:
            grades[row.grade.label] = grades.get(row.grade.label, 0) + 1
    return RoundFigures(registered, accepted, scored, grades)


# --- Contexts ------------------------------------------------------------------------------------


def _common(proposal: Proposal, settings: Settings) -> dict[str, Any]:
    return {
        "parent_body": _or_dots(settings.parent_body),
        "issuing_body": _or_dots(settings.issuing_body),
        "secretariat": _or_dots(settings.secretariat_name, SHORT_DOTS),
        "year": str(proposal.round.year),
        "round_name": proposal.round.name[:1].lower() + proposal.round.name[1:],
        "award_names": _award_names(proposal),
        "collective_count": format_number(len(proposal.collective_lines)),
        "individual_count": format_number(len(proposal.individual_lines)),
        "recipients": recipients_text(len(proposal.collective_lines), len(proposal.individual_lines)),
        "executors": _executors(settings),
    }


def _passed_count(proposal: Proposal) -> int:
    figures = council_figures(proposal)
    return sum(1 for line in proposal.lines
               if (votes := figures.votes.get(line.id)) is not None and figures.passes(votes))


def _ballot_sentence(proposal: Proposal) -> str:
    """How the council voted, when it voted through the app."""
    ballot = proposal.ballot
    if ballot is None or not ballot.is_closed:
        return ""
    paper = sum(1 for voter in ballot.voters if voter.on_paper)
    voted = ballot.voted_count
    sentence = (f"Hội đồng biểu quyết bằng phiếu kín trên phần mềm, kết thúc lúc {format_datetime(ballot.closed_at)}: "
                f"{format_number(voted)}/{format_number(ballot.members_total)} thành viên đã bỏ phiếu")
    return sentence + (f" (trong đó {format_number(paper)} phiếu giấy). " if paper else ". ")


def submission_context(proposal: Proposal, settings: Settings) -> dict[str, Any]:
    figures = round_figures(proposal)
    meeting = proposal.meeting
    if meeting is not None:
        meeting_sentence = (
            f"Ngày {short_day(meeting.meeting_date)}, Hội đồng Thi đua - Khen thưởng đã họp xét với "
            f"{meeting.members_present}/{meeting.members_total} thành viên có mặt; "
            f"{_passed_count(proposal)}/{len(proposal.lines)} tập thể, cá nhân được xét đạt từ "
            f"{meeting.pass_votes}/{meeting.members_total} phiếu đồng ý trở lên (biên bản kèm theo)."
        )
    else:
        meeting_sentence = (
            f"Ngày {short_day(None)}, Hội đồng Thi đua - Khen thưởng đã họp xét với {SHORT_DOTS}/{SHORT_DOTS} "
            "thành viên có mặt (biên bản kèm theo)."
        )
    grades = "; ".join(f"{label}: {format_number(count)}" for label, count in figures.grades.items())
    # The proposal's own signer; where it names none, the organiser's usual signer.
    named = bool(proposal.signer_name.strip() or proposal.signer_title.strip())
    signer_authority = proposal.signer_authority.strip() if named else settings.signer_authority
    signer_title = proposal.signer_title.strip() if named else settings.signer_title
    signer_name = proposal.signer_name if named else settings.signer_name
    return {
        **_common(proposal, settings),
        "number": number_text(proposal.submission_number, "TTr", settings.number_suffix),
        "place_date": place_date(settings.place, proposal.submission_date),
        "addressee": settings.addressee or _authority_of(proposal, settings),
        "registered": format_number(figures.registered),
        "accepted": format_number(figures.accepted),
        "scored": format_number(figures.scored),
        "grades": f" ({grades})" if grades else "",
        "meeting_sentence": meeting_sentence,
        "signer_authority": signer_authority.upper(),
        "signer_title": signer_title.upper() if signer_title else DOTS,
        "signer_name": _or_dots(signer_name),
    }


def minutes_context(proposal: Proposal, settings: Settings) -> dict[str, Any]:
    meeting = proposal.meeting
    figures = council_figures(proposal)
    total = str(figures.members_total) if figures.members_total else SHORT_DOTS
    votes = []
    passed = failed = 0
    for number, line in enumerate([*proposal.collective_lines, *proposal.individual_lines], 1):
        agree = figures.votes.get(line.id)
        if agree is None:
            shown, result = f"{SHORT_DOTS}/{total}", SHORT_DOTS
        else:
            ok = figures.passes(agree)
            passed, failed = passed + ok, failed + (not ok)
            shown, result = f"{agree}/{figures.members_total}", "Đạt" if ok else "Không đạt"
        votes.append({"number": str(number), "recipient": _recipient_with_unit(line),
                      "initiative": line.initiative_name, "award": line.award_form.display_name, "votes": shown,
                      "result": result})
    if not figures.votes:
        conclusion = DOTS
    else:
        conclusion = _ballot_sentence(proposal) + (
            f"Hội đồng thống nhất đề nghị khen thưởng {format_number(passed)} tập thể, cá nhân đạt số "
            "phiếu đồng ý theo quy định")
        conclusion += f"; {format_number(failed)} tập thể, cá nhân không đạt." if failed else "."
    chair = meeting.chair_name if meeting else ""
    if meeting and meeting.chair_title:
        chair = f"{meeting.chair_name}, {meeting.chair_title}"
    return {
        **_common(proposal, settings),
        "number": number_text(None, "BB", "HĐTĐKT"),
        "place_date": place_date(settings.place, meeting.meeting_date if meeting else None),
        "meeting_date": long_day(meeting.meeting_date if meeting else None),
        "place": _or_dots(meeting.place if meeting else ""),
        "chair": _or_dots(chair),
        "chair_name": _or_dots(meeting.chair_name if meeting else ""),
        "chair_title": (meeting.chair_title.upper() if meeting and meeting.chair_title else ""),
        "secretary": _or_dots(meeting.secretary_name if meeting else ""),
        "secretary_name": _or_dots(meeting.secretary_name if meeting else ""),
        "members_present": str(meeting.members_present) if meeting else SHORT_DOTS,
        "members_total": total,
        "pass_votes": str(figures.pass_votes) if figures.pass_votes else SHORT_DOTS,
        "votes": votes,
        "conclusion": conclusion,
    }


def _signer_title_of(authority: str) -> str:
    lowered = authority.lower()
    for prefix in ("chủ tịch", "giám đốc", "trưởng ban", "thủ tướng"):
        if lowered.startswith(prefix):
            return prefix.upper()
    return authority.upper()


def decision_context(proposal: Proposal, settings: Settings) -> dict[str, Any]:
    approved = proposal.state is ProposalState.APPROVED
    authority = _authority_of(proposal, settings)
    collective = [{"number": str(i), "recipient": line.recipient_name, "initiative": line.initiative_name}
                  for i, line in enumerate(proposal.collective_lines, 1)]
    individual = [{"number": str(i), "recipient": line.recipient_name,
                   "position": ", ".join(p for p in (line.recipient_position, line.unit_name) if p),
                   "initiative": line.initiative_name}
                  for i, line in enumerate(proposal.individual_lines, 1)]
    decision_number = proposal.decision_number if approved else None
    decision_day = proposal.decision_date if approved else None
    return {
        **_common(proposal, settings),
        "decision_parent": settings.decision_parent,
        "decision_body": _or_dots(settings.decision_body),
        "number": number_text(decision_number, "QĐ", settings.decision_suffix),
        "place_date": place_date(settings.place, decision_day),
        "decision_date": short_day(decision_day),
        "authority": authority,
        "submission_number": number_text(proposal.submission_number, "TTr", settings.number_suffix),
        "submission_date": short_day(proposal.submission_date),
        "decision_signer": _signer_title_of(authority) if authority != DOTS else DOTS,
        "decision_signer_name": DOTS,
        "collective": collective,
        "individual": individual,
    }


def _previous_awards(line: ProposalLine) -> list[str]:
    granted = []
    for other in awards_for_unit(line.unit):
        if other.proposal_id == line.proposal_id or other.is_revoked:
            continue
        same = other.is_collective if line.is_collective else other.recipient_key == line.recipient_key
        if same:
            granted.append(f"- {other.award_form.display_name}: Quyết định số {other.proposal.decision_number} "
                           f"ngày {short_day(other.proposal.decision_date)} (mô hình “{other.initiative_name}”).")
    return granted or ["Chưa có hình thức khen thưởng nào được ghi nhận trong hệ thống."]


def report_context(line: ProposalLine, settings: Settings) -> dict[str, Any]:
    proposal, initiative = line.proposal, line.initiative
    parent = line.unit.parent.name if line.unit.parent is not None else settings.parent_body
    team = [f"{initiative.lead_name} ({initiative.lead_position})" if initiative.lead_position
            else initiative.lead_name] if initiative.lead_name else []
    team += [f"{m.full_name} ({m.position})" if m.position else m.full_name for m in initiative.members
             if m.full_name != initiative.lead_name]
    if initiative.is_ongoing and initiative.start_date:
        period = f"thực hiện từ {short_day(initiative.start_date)} đến nay"
    else:
        period = "thực hiện " + format_period(initiative.start_date, initiative.end_date, empty="trong năm")
    evidence = [f"- {item.original_name} ({item.size_label})." for item in initiative.evidence]
    assessment = f"{format_score(line.score)} điểm" if line.score is not None else DOTS
    if line.grade:
        assessment += f", xếp loại {line.grade}"
    assessment += f" ({proposal.round.name})"
    from ..feedback.queries import summaries_for, voice_sentence  # the people's voice (issue 23)
    from ..supervision.queries import stances_for, stances_text

    people_voice = voice_sentence(summaries_for([initiative.id]).get(initiative.id))
    supervision = stances_text(stances_for([initiative.id]).get(initiative.id))
    if supervision:
        people_voice += f"; ý kiến giám sát của Mặt trận Tổ quốc, các đoàn thể: {supervision}"
    assessment += f"; {people_voice}"
    role = "chủ trì" if line.recipient_key.startswith("lead:") else "thành viên nhóm thực hiện"
    return {
        "year": str(proposal.round.year),
        "award_name": line.award_form.display_name,
        "recipient_name": line.recipient_name,
        "position_and_unit": ", ".join(p for p in (line.recipient_position, line.unit_name) if p) or DOTS,
        "unit_name": line.unit_name,
        "parent_unit": _or_dots(parent),
        "place_date": place_date(settings.place, None),
        "role_sentence": (f"{line.recipient_name}{', ' + line.recipient_position if line.recipient_position else ''}"
                          f" là {role} mô hình “{line.initiative_name}” của {line.unit_name}."),
        "team": "; ".join(team) or DOTS,
        "initiative_name": line.initiative_name,
        "field": Field.labels().get(initiative.field, DOTS).lower() if initiative.field else DOTS,
        "period": period,
        "area": _or_dots(initiative.area),
        "target_group": _or_dots(initiative.target_group),
        "situation": paragraphs(initiative.situation) if initiative.situation.strip() else [],
        "content_method": paragraphs(initiative.content_method),
        "results": paragraphs(initiative.results_quantitative, initiative.results_qualitative),
        "beneficiaries": format_number(initiative.beneficiaries) if initiative.beneficiaries else DOTS,
        "budget_state": format_money(initiative.budget_state),
        "budget_social": format_money(initiative.budget_social),
        "workdays": format_number(initiative.workdays),
        "sustainability": paragraphs(initiative.sustainability),
        "assessment": assessment,
        "people_voice": people_voice,
        "evidence_count": format_number(len(evidence)),
        "evidence": evidence or ["Chưa có tệp minh chứng."],
        "awards": _previous_awards(line),
        "dots": DOTS,
        "dots_short": DOTS,
        "head_name": DOTS,
    }


# --- Rendering ------------------------------------------------------------------------------------


def render(template_name: str, context: Mapping[str, Any], settings: Settings) -> bytes:
    """Fill a template; the deployment's folder wins over the repository's."""
    path = settings.template_folder / template_name
    if not path.is_file():
        path = DEFAULT_TEMPLATE_FOLDER / template_name
    template = DocxTemplate(str(path))
    template.render(dict(context), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


CONTEXTS = {SUBMISSION.slug: submission_context, MINUTES.slug: minutes_context, DECISION.slug: decision_context}


def proposal_document(proposal: Proposal, slug: str, settings: Settings) -> bytes:
    kind = PROPOSAL_DOCUMENTS[slug]
    return render(kind.template, CONTEXTS[slug](proposal, settings), settings)


def report_document(line: ProposalLine, settings: Settings) -> bytes:
    template = REPORT_COLLECTIVE if line.is_collective else REPORT_INDIVIDUAL
    return render(template, report_context(line, settings), settings)


def document_filename(proposal: Proposal, slug: str, extension: str) -> str:
    return f"{PROPOSAL_DOCUMENTS[slug].label} - {proposal.round.year} - {proposal.id}.{extension}"


def report_filename(line: ProposalLine, extension: str) -> str:
    return f"Báo cáo thành tích - {line.recipient_name} - {line.id}.{extension}"


def missing_for_documents(proposal: Proposal, settings: Settings) -> list[str]:
    """What prints as dots today, said the way the page asks for it."""
    missing = []
    if not (proposal.submission_number or "").strip():
        missing.append("số Tờ trình")
    if proposal.submission_date is None:
        missing.append("ngày Tờ trình")
    if not proposal.signer_title.strip():
        missing.append("chức vụ người ký")
    if not proposal.signer_name.strip():
        missing.append("họ và tên người ký")
    if proposal.meeting is None and proposal.state is ProposalState.APPROVED:
        missing.append("biên bản họp Hội đồng (không ghi được sau khi có Quyết định: điền tay vào bản Word)")
    elif proposal.meeting is None:
        missing.append("biên bản họp Hội đồng (nút “Ghi biên bản họp Hội đồng”)")
    if proposal.ballot is not None and not proposal.ballot.is_closed:
        missing.append("kết quả bỏ phiếu kín của Hội đồng (đang bỏ phiếu, điền vào khi kết thúc)")
    elif proposal.meeting is not None or proposal.ballot is not None:
        names = missing_votes(proposal)
        if names:
            missing.append("số phiếu đồng ý của " + ", ".join(names))
    for value, label in ((settings.parent_body, "tên cơ quan cấp trên (PARENT_BODY_NAME)"),
                         (settings.issuing_body, "tên cơ quan ban hành (ISSUING_BODY_NAME)"),
                         (settings.place, "địa danh ghi trên văn bản (DOCUMENT_PLACE_NAME)"),
                         (settings.number_suffix, "ký hiệu viết tắt của cơ quan (DOCUMENT_NUMBER_SUFFIX)"),
                         (settings.decision_suffix, "ký hiệu Quyết định (DECISION_NUMBER_SUFFIX)")):
        if not value:
            missing.append(f"{label}: quản trị hệ thống đặt cho cơ quan tổ chức (hoặc trong cấu hình)")
    return missing
