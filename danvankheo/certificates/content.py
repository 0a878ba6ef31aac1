"""What each certificate says, from the approved proposal's line, the decision and the
organiser's settings: nothing is typed again."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..awards.documents import place_date, short_day
from ..awards.models import Proposal, ProposalLine, ProposalState
from ..core.errors import DomainError
from ..organisers.names import document_names
from .layouts import Layout, fill_wording
from .models import CertificateField, CertificateSettings


class NotApproved(DomainError):
    """Certificates are printed for a decided proposal only."""


@dataclass(frozen=True)
class Certificate:
    """One page: the line it prints and its text by field."""

    line_id: int | None
    label: str  # how the download page names the line: "Dòng 2: Nguyễn Văn A"
    texts: Mapping[CertificateField, str]


def ensure_approved(proposal: Proposal) -> None:
    if proposal.state is not ProposalState.APPROVED or not proposal.decision_number:
        raise NotApproved(
            "Chưa in được phôi: hồ sơ đề nghị này chưa có quyết định khen thưởng "
            f"(trạng thái: {proposal.state.label}). Phôi chỉ in sau khi đã nhập số và ngày Quyết định."
        )


def signer_lines(settings: CertificateSettings | None, names: Mapping[str, str], issuing_authority: str) -> tuple[str, str]:
    """(title block, name): the organiser's certificate signer; where it names none, the
    organiser's document signer; where that is empty too, the title of the award form's
    issuing authority ("Chủ tịch Ủy ban nhân dân tỉnh" → "CHỦ TỊCH") and no name."""
    from ..awards.documents import _signer_title_of

    own = settings and (settings.signer_title.strip() or settings.signer_name.strip())
    if own:
        authority, title, name = settings.signer_authority, settings.signer_title, settings.signer_name
    elif names.get("signer_title") or names.get("signer_name"):
        authority, title, name = names["signer_authority"], names["signer_title"], names["signer_name"]
    else:
        authority, title, name = "", _signer_title_of(issuing_authority), ""
    block = "\n".join(part.strip().upper() for part in (authority, title) if part.strip())
    return block, name.strip()


def line_label(index: int, line: ProposalLine) -> str:
    return f"Dòng {index}: {line.recipient_name}"


def certificate_for(line: ProposalLine, index: int, layout: Layout, names: Mapping[str, str],
                    settings: CertificateSettings | None) -> Certificate:
    proposal = line.proposal
    detail = "" if line.is_collective else ", ".join(
        part for part in (line.recipient_position.strip(), line.unit_name.strip()) if part)
    title, name = signer_lines(settings, names, line.award_form.issuing_authority)
    texts = {
        CertificateField.AWARD_FORM: line.award_form.name,
        CertificateField.RECIPIENT: line.recipient_name,
        CertificateField.RECIPIENT_DETAIL: detail,
        CertificateField.ACHIEVEMENT: fill_wording(layout.wording, initiative=line.initiative_name,
                                                   year=proposal.round.year),
        CertificateField.DECISION: f"Quyết định số {proposal.decision_number} ngày {short_day(proposal.decision_date)}",
        CertificateField.PLACE_DATE: place_date(names.get("place_name", ""), proposal.decision_date),
        CertificateField.SIGNER_TITLE: title,
        CertificateField.SIGNER_NAME: name,
    }
    return Certificate(line.id, line_label(index, line), texts)


def ordered_lines(proposal: Proposal) -> list[ProposalLine]:
    """The lines in the order of the list as signed: collectives (I) then individuals (II)."""
    return [*proposal.collective_lines, *proposal.individual_lines]


def organiser_names(proposal: Proposal, config: Mapping[str, Any]) -> dict[str, str]:
    return document_names(proposal.round.organiser, config)
