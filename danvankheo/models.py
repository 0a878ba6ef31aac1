"""Imports every model so that Alembic and `db.create_all` see the whole schema."""

from .audit.models import AuditEvent  # noqa: F401
from .auth.models import User, UserRole  # noqa: F401
from .awards.models import AwardForm, AwardRevocation, Proposal, ProposalLine  # noqa: F401
from .certificates.models import CertificateLayout, CertificateLayoutField, CertificateSettings  # noqa: F401
from .evidence.models import Evidence  # noqa: F401
from .feedback.models import Survey, SurveyCode, SurveyResponse, SurveyTally  # noqa: F401
from .jobs.models import Job  # noqa: F401
from .notifications.models import Notification  # noqa: F401
from .organisers.models import Nomination, Organiser  # noqa: F401
from .register.models import AwardedPerson, CandidateMatch, OutsideAward  # noqa: F401
from .registry import step_dates, tallies  # noqa: F401 (kept in step with every flush: counts, dates)
from .registry.models import (  # noqa: F401
    DeadlineExtension,
    Initiative,
    InitiativeMember,
    InitiativeTag,
    InitiativeTally,
    SubmissionDeadline,
    SubmissionDeadlineKind,
    Transition,
)
from .registry.similarity import SimilarityFlag  # noqa: F401
from .scoring.models import (  # noqa: F401
    Assignment,
    Criterion,
    PanelMember,
    Round,
    RoundEntry,
    RoundEvent,
    Score,
    Scorecard,
)
from .scoring.snapshots import RankingSnapshot, RankingSnapshotRow  # noqa: F401
from .supervision.models import SupervisionOpinion, SupervisionOpinionVersion  # noqa: F401
from .units.models import Unit  # noqa: F401
