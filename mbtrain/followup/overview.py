"""What a page shows of a placement's follow-up: its signatures, hours, meetings, concerns,
evaluation, proposals and the links sent, loaded in a fixed number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mbtrain.accounts.models import ActionToken
from mbtrain.cohorts.models import Cohort
from mbtrain.database import utcnow
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db
from mbtrain.followup.rules import chosen_week, placement_weeks
from mbtrain.organisations.models import Organisation
from mbtrain.partner.links import LINK_PURPOSES
from mbtrain.people.models import Person
from mbtrain.placements.models import (
    ChangeProposal,
    Concern,
    FinalEvaluation,
    HoursEntry,
    Meeting,
    Placement,
    PlacementStatus,
    ProposalStatus,
    Signature,
)


@dataclass
class FollowUp:
    """Everything about one placement's follow-up, loaded in a fixed number of queries."""

    placement: Placement
    signatures: list[Signature] = field(default_factory=list)
    hours: list[HoursEntry] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    concerns: list[Concern] = field(default_factory=list)
    evaluation: FinalEvaluation | None = None
    proposals: list[ChangeProposal] = field(default_factory=list)
    links: list[ActionToken] = field(default_factory=list)  # sent, not yet used or expired

    @property
    def logged_hours(self) -> float:
        return sum(entry.hours for entry in self.hours)

    @property
    def confirmed_hours(self) -> float:
        return sum(entry.hours for entry in self.hours if entry.confirmed_signature_id)

    @property
    def unconfirmed(self) -> list[HoursEntry]:
        return [entry for entry in self.hours if entry.confirmed_signature_id is None]

    @property
    def open_proposal(self) -> ChangeProposal | None:
        return next((p for p in self.proposals if p.status is ProposalStatus.PROPOSED), None)

    def entry_for(self, week: date) -> HoursEntry | None:
        return next((entry for entry in self.hours if entry.week_start == week), None)


def followups(placements: Iterable[Placement]) -> dict[int, FollowUp]:
    """Follow-up for several placements: seven queries, however many placements."""
    result = {p.id: FollowUp(placement=p) for p in placements}
    ids = list(result)
    if not ids:
        return result
    for signature in db.session.scalars(
        select(Signature).where(Signature.placement_id.in_(ids)).order_by(Signature.at)
    ):
        result[signature.placement_id].signatures.append(signature)
    for entry in db.session.scalars(
        select(HoursEntry)
        .where(HoursEntry.placement_id.in_(ids))
        .options(joinedload(HoursEntry.confirmed_signature))
        .order_by(HoursEntry.week_start)
    ):
        result[entry.placement_id].hours.append(entry)
    for meeting in db.session.scalars(
        select(Meeting).where(Meeting.placement_id.in_(ids)).order_by(Meeting.held_on)
    ):
        result[meeting.placement_id].meetings.append(meeting)
    for concern in db.session.scalars(
        select(Concern)
        .where(Concern.placement_id.in_(ids))
        .options(joinedload(Concern.signature))
        .order_by(Concern.created_at)
    ):
        result[concern.placement_id].concerns.append(concern)
    for evaluation in db.session.scalars(
        select(FinalEvaluation)
        .where(FinalEvaluation.placement_id.in_(ids))
        .options(joinedload(FinalEvaluation.signature))
    ):
        result[evaluation.placement_id].evaluation = evaluation
    for proposal in db.session.scalars(
        select(ChangeProposal)
        .where(ChangeProposal.placement_id.in_(ids))
        .order_by(ChangeProposal.proposed_at.desc(), ChangeProposal.id.desc())
    ):
        result[proposal.placement_id].proposals.append(proposal)
    for link in db.session.scalars(
        select(ActionToken)
        .where(
            ActionToken.object_id.in_(ids),
            ActionToken.purpose.in_(LINK_PURPOSES),
            ActionToken.used_at.is_(None),
            ActionToken.expires_at > utcnow(),
        )
        .order_by(ActionToken.created_at)
    ):
        result[link.object_id].links.append(link)
    return result


def followup_of(placement: Placement) -> FollowUp:
    return followups([placement])[placement.id]


def open_concerns(cohort: Cohort) -> list:
    """Tvilsmeldinger on the cohort's placements still under way, newest first: one query,
    for the coordinator's cohort overview."""
    return list(
        db.session.execute(
            select(
                Concern.placement_id,
                Concern.created_at,
                Person.name.label("trainee"),
                Organisation.name.label("organisation"),
            )
            .join(Placement, Placement.id == Concern.placement_id)
            .join(Enrolment, Enrolment.id == Placement.enrolment_id)
            .join(Person, Person.id == Enrolment.person_id)
            .join(Organisation, Organisation.id == Placement.organisation_id)
            .where(
                Enrolment.cohort_id == cohort.id,
                Placement.status.in_((PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE)),
            )
            .order_by(Concern.created_at.desc())
        )
    )


@dataclass
class HoursPage:
    """The trainee's hours: the placement's weeks so far, the week shown and its follow-up."""

    placement: Placement
    weeks: list[date]
    week: date | None
    state: FollowUp

    @classmethod
    def of(cls, placement: Placement, asked: str | None, today: date) -> "HoursPage":
        """``asked``: the week asked for (an ISO date); else this week, else the last."""
        weeks = placement_weeks(placement.start_date, placement.end_date, today)
        week = chosen_week(asked, weeks, today)
        return cls(placement, weeks, week, followup_of(placement))

    @property
    def entry(self) -> HoursEntry | None:
        return self.state.entry_for(self.week) if self.week else None

    def reload(self) -> None:
        """What is saved now (after a refused save)."""
        self.state = followup_of(self.placement)
