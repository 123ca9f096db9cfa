"""Who may have a certificate now, and which: the pre-flight list of a cohort.

Read in a fixed number of queries for the whole cohort (the progress facts, the final
evaluations' signatures and the certificates already issued), then decided in plain Python.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import defer

from mbtrain.assessments.models import AssessmentResult
from mbtrain.certificates.models import Certificate, CertificateKind
from mbtrain.certificates.wording import issued_as
from mbtrain.cohorts.models import Cohort
from mbtrain.curriculum.definition import Curriculum, Module
from mbtrain.curriculum.services import curriculum_for
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.placements.models import FinalEvaluation, Placement, Signature
from mbtrain.progress.completion import CriterionState
from mbtrain.progress.facts import cohort_facts, roster
from mbtrain.progress.services import TraineeProgress, evaluate_all

# Those who may have a kursbevis once the completion rule is met.
TAKING_PART = (EnrolmentStatus.DELTAR, EnrolmentStatus.FULLFORT)


@dataclass(frozen=True)
class Confirmation:
    by: str
    at: datetime


@dataclass
class Candidate:
    progress: TraineeProgress
    kind: CertificateKind | None
    lacking: list[str]
    # The valid certificates already issued to this trainee, by what the issuer chose
    # (wording.issued_as: a nynorsk certificate is the Norwegian one).
    issued: dict[str, Certificate] = field(default_factory=dict)

    @property
    def enrolment_id(self) -> int:
        return self.progress.trainee.enrolment_id

    @property
    def may_have(self) -> bool:
        return self.kind is not None and not self.lacking

    def eligible(self, language: str = "nb") -> bool:
        """May be issued one in this language now (none is valid in it yet)."""
        return self.may_have and language not in self.issued


@dataclass(frozen=True)
class CohortCandidates:
    cohort: Cohort
    curriculum: Curriculum
    candidates: list[Candidate]
    confirmations: dict[int, Confirmation]

    def candidate(self, enrolment_id: int) -> Candidate | None:
        return next((c for c in self.candidates if c.enrolment_id == enrolment_id), None)

    def eligible(self, language: str = "nb") -> list[Candidate]:
        return [c for c in self.candidates if c.eligible(language)]

    def eligible_kursbevis(self, language: str = "nb") -> list[Candidate]:
        """Who «issue to all» issues to: those taking part who may have a kursbevis. Someone
        who left (a kompetansebevis) is issued one alone, from a page that says so."""
        return [c for c in self.eligible(language) if c.kind is CertificateKind.KURSBEVIS]

    def left(self, language: str = "nb") -> list[Candidate]:
        """Those who left and may have a kompetansebevis they have not been issued."""
        return [c for c in self.eligible(language) if c.kind is CertificateKind.KOMPETANSEBEVIS]


def cohort_candidates(cohort: Cohort, today: date, enrolment_id: int | None = None):
    """Every followed trainee of the cohort (or the one asked for) with what they may have."""
    curriculum = curriculum_for(cohort.curriculum_version)
    trainees = roster(cohort.id, enrolment_id)
    progress = evaluate_all(curriculum, trainees, cohort_facts(cohort.id, trainees), today)
    issued = valid_certificates(cohort.id)
    candidates = [decide(p, curriculum, issued.get(p.trainee.enrolment_id, {})) for p in progress]
    return CohortCandidates(cohort, curriculum, candidates, confirmations(cohort.id))


def decide(
    progress: TraineeProgress, curriculum: Curriculum, issued: dict[str, Certificate]
) -> Candidate:
    status = progress.trainee.status
    if status in TAKING_PART:
        lacking = [
            f"{c.label}: {c.reason}" for c in progress.criteria if c.state is not CriterionState.MET
        ]
        return Candidate(progress, CertificateKind.KURSBEVIS, lacking, issued)
    if status is EnrolmentStatus.AVBRUTT:
        lacking = [] if completed_modules(progress, curriculum) else [_("Ingen moduler godkjent.")]
        return Candidate(progress, CertificateKind.KOMPETANSEBEVIS, lacking, issued)
    return Candidate(progress, None, [_("Har ikke begynt på kurset ennå.")], issued)


def completed_modules(progress: TraineeProgress, curriculum: Curriculum) -> list[Module]:
    """The modules approved, in the curriculum's order: what a certificate lists."""
    return [m for m in curriculum.modules if progress.result(m.code) is AssessmentResult.GODKJENT]


def valid_certificates(cohort_id: int) -> dict[int, dict[str, Certificate]]:
    found: dict[int, dict[str, Certificate]] = defaultdict(dict)
    for certificate in db.session.scalars(
        select(Certificate)
        .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .where(
            Enrolment.cohort_id == cohort_id,
            Certificate.revoked_at.is_(None),
            Certificate.superseded_by_id.is_(None),
        )
        .options(defer(Certificate.pdf), defer(Certificate.snapshot_json))
        .order_by(Certificate.id)
    ):
        found[certificate.enrolment_id][issued_as(certificate.language)] = certificate
    return found


def confirmations(cohort_id: int) -> dict[int, Confirmation]:
    """Who confirmed each passed placement (the supervisor's signed final evaluation), when."""
    rows = db.session.execute(
        select(FinalEvaluation.placement_id, Signature.typed_name, Signature.at)
        .join(Signature, Signature.id == FinalEvaluation.signature_id)
        .join(Placement, Placement.id == FinalEvaluation.placement_id)
        .join(Enrolment, Enrolment.id == Placement.enrolment_id)
        .where(Enrolment.cohort_id == cohort_id, FinalEvaluation.passed.is_(True))
    )
    return {placement_id: Confirmation(name, at) for placement_id, name, at in rows}


def issued_counts(enrolment_ids: Sequence[int]) -> dict[int, int]:
    """How many certificates each enrolment has had, in any status (for the next number)."""
    counts: dict[int, int] = defaultdict(int)
    for enrolment_id in db.session.scalars(
        select(Certificate.enrolment_id).where(Certificate.enrolment_id.in_(enrolment_ids))
    ):
        counts[enrolment_id] += 1
    return counts
