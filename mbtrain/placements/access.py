"""A placement for a page: one query that both finds it and checks that this user may see it;
404 otherwise, the same answer as for a placement that does not exist. And what the access
log records about the trainee a placement page shows."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from mbtrain.audit.models import AccessAction
from mbtrain.cohorts.models import Cohort
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db
from mbtrain.people.models import Person
from mbtrain.placements.models import Placement, PlacementEvent
from mbtrain.policy import may_manage_county, reachable_enrolments

# What a placement's pages show of it: where, who, and the cohort with its curriculum.
SHOWN = (
    joinedload(Placement.organisation),
    joinedload(Placement.enrolment).joinedload(Enrolment.person),
    joinedload(Placement.enrolment)
    .joinedload(Enrolment.cohort)
    .joinedload(Cohort.curriculum_version),
)


def load_placement(placement_id: int, *, manage: bool = False) -> Placement:
    """The placement if its cohort is visible to this user (and manageable, if asked); else 404."""
    placement = db.session.scalar(
        select(Placement)
        .join(Enrolment, Enrolment.id == Placement.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            Placement.id == placement_id,
            reachable_enrolments(current_user),
        )
        .options(*SHOWN, selectinload(Placement.events).joinedload(PlacementEvent.by_user))
    )
    if placement is None or (
        manage and not may_manage_county(current_user, placement.enrolment.cohort.county_id)
    ):
        abort(404)
    return placement


def load_own_placement(placement_id: int) -> Placement:
    """One of the signed-in trainee's own placements; otherwise 404."""
    placement = db.session.scalar(
        select(Placement)
        .join(Enrolment, Enrolment.id == Placement.enrolment_id)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Placement.id == placement_id, Person.user_id == current_user.id)
        .options(*SHOWN[:2])
    )
    if placement is None:
        abort(404)
    return placement


def own_placements(person: Person) -> list[Placement]:
    """The trainee's placements, newest first, with their history («Min praksis»)."""
    return list(
        db.session.scalars(
            select(Placement)
            .join(Enrolment, Enrolment.id == Placement.enrolment_id)
            .where(Enrolment.person_id == person.id)
            .options(SHOWN[0], SHOWN[2], selectinload(Placement.events))
            .order_by(Placement.start_date.desc(), Placement.id)
        )
    )


def about(
    placement: Placement, object_type: str | None = None, *, action: AccessAction | None = None
) -> dict:
    """What an access-log row about a placement names besides what log_view and log_change
    take from it: the trainee's user account, and another kind of object or action if given."""
    details: dict = {"subject_user_id": placement.enrolment.person.user_id}
    if object_type is not None:
        details["object_type"] = object_type
    if action is not None:
        details["action"] = action
    return details


def about_me(person: Person) -> dict[str, int]:
    """An access-log row about the signed-in trainee's own data (object: their person)."""
    return {
        "object_id": person.id,
        "subject_person_id": person.id,
        "subject_user_id": current_user.id,
    }
