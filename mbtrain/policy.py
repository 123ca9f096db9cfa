"""Who may do what: the one place that decides.

Every endpoint of the app is listed in POLICY. The role decides the function (this table,
enforced before every request); the relationship decides the data (the scope predicates
below, used by the services' loaders, which answer 404 for anything out of scope).
A route missing from the table is refused for everyone, and a test fails on it.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from flask import current_app
from flask_login import current_user
from sqlalchemy import ColumnElement, and_, false, or_, select, true

from mbtrain.accounts.models import Role, User
from mbtrain.cohorts.models import Cohort, cohort_instructor
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.placements.models import Placement, PlacementStatus


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    public: bool = False
    personal_data: bool = False


def public() -> Rule:
    return Rule(roles=frozenset(Role), public=True)


def allow(*roles: Role, personal_data: bool = False) -> Rule:
    return Rule(roles=frozenset(roles), personal_data=personal_data)


EVERYONE_SIGNED_IN = tuple(Role)
ADMIN, COORDINATOR, INSTRUCTOR, PARTNER, TRAINEE = Role

POLICY: dict[str, Rule] = {
    "static": public(),
    "home.index": allow(*EVERYONE_SIGNED_IN),
    "home.healthz": public(),
    "home.set_language": public(),
    "accounts.login": public(),
    "accounts.logout": allow(*EVERYONE_SIGNED_IN),
    "accounts.forgot_password": public(),
    "accounts.use_link": public(),
    "accounts.change_password": allow(*EVERYONE_SIGNED_IN),
    # OpenID Connect: the login through a provider, and the provider's own logout messages
    # (signed logout tokens, iss + sid), which come without a login of ours.
    "oidc.start": public(),
    "oidc.callback": public(),
    "oidc.backchannel": public(),
    "oidc.frontchannel": public(),
    "oidc.provider_logout": public(),
    "accounts.user_list": allow(ADMIN, personal_data=True),
    "accounts.invite_user": allow(ADMIN, personal_data=True),
    "accounts.edit_user": allow(ADMIN, personal_data=True),
    "organisations.organisation_list": allow(ADMIN, COORDINATOR),
    "organisations.create_organisation": allow(ADMIN, COORDINATOR),
    "organisations.edit_organisation": allow(ADMIN, COORDINATOR),
    "curriculum.curriculum_list": allow(ADMIN, COORDINATOR, INSTRUCTOR),
    "curriculum.curriculum_version": allow(ADMIN, COORDINATOR, INSTRUCTOR),
    "curriculum.compare_versions": allow(ADMIN, COORDINATOR, INSTRUCTOR),
    "mail.outbox": allow(ADMIN, personal_data=True),
    "mail.outbox_message": allow(ADMIN, personal_data=True),
    "audit.search": allow(ADMIN, personal_data=True),
    "audit.my_access_log": allow(TRAINEE, personal_data=True),
    "own_data.my_data": allow(TRAINEE, personal_data=True),
    "own_data.my_data_json": allow(TRAINEE, personal_data=True),
    "cohorts.cohort_list": allow(ADMIN, COORDINATOR, INSTRUCTOR),
    "cohorts.create_cohort": allow(ADMIN, COORDINATOR),
    "cohorts.edit_cohort": allow(ADMIN, COORDINATOR),
    "cohorts.cohort_overview": allow(ADMIN, COORDINATOR, INSTRUCTOR, personal_data=True),
    "cohorts.add_closed_period": allow(ADMIN, COORDINATOR),
    "cohorts.remove_closed_period": allow(ADMIN, COORDINATOR),
    "cohorts.cancel_cohort": allow(ADMIN, COORDINATOR, personal_data=True),
    "enrolments.application_queue": allow(ADMIN, COORDINATOR, personal_data=True),
    "enrolments.register_application": allow(ADMIN, COORDINATOR, personal_data=True),
    "enrolments.enrolment_detail": allow(ADMIN, COORDINATOR, INSTRUCTOR, personal_data=True),
    "enrolments.assess": allow(ADMIN, COORDINATOR, personal_data=True),
    "enrolments.decide": allow(ADMIN, COORDINATOR, personal_data=True),
    "enrolments.change_status": allow(ADMIN, COORDINATOR, personal_data=True),
    "enrolments.offer_next_place": allow(ADMIN, COORDINATOR, personal_data=True),
    "enrolments.my_enrolment": allow(TRAINEE, personal_data=True),
    "assessments.assess_module": allow(COORDINATOR, INSTRUCTOR, personal_data=True),
    "assessments.edit_project": allow(COORDINATOR, INSTRUCTOR, personal_data=True),
    "assessments.module_sheet": allow(COORDINATOR, INSTRUCTOR, personal_data=True),
    "progress.my_progress": allow(TRAINEE, personal_data=True),
    "progress.trainee_progress": allow(ADMIN, COORDINATOR, INSTRUCTOR, personal_data=True),
    "progress.cohort_matrix": allow(ADMIN, COORDINATOR, INSTRUCTOR, personal_data=True),
    "progress.meldekort_summary": allow(COORDINATOR, personal_data=True),
    "progress.meldekort_csv": allow(COORDINATOR, personal_data=True),
    # Schedule: the timetable has no personal data; the loaders scope it to the cohort.
    "schedule.cohort_schedule": allow(ADMIN, COORDINATOR, INSTRUCTOR),
    "schedule.generate_schedule": allow(ADMIN, COORDINATOR),
    "schedule.add_session": allow(ADMIN, COORDINATOR, INSTRUCTOR),
    "schedule.edit_session": allow(ADMIN, COORDINATOR, INSTRUCTOR),
    "schedule.cancel_session": allow(ADMIN, COORDINATOR, INSTRUCTOR),
    "schedule.restore_session": allow(ADMIN, COORDINATOR, INSTRUCTOR),
    "schedule.create_cohort_feed": allow(ADMIN, COORDINATOR, INSTRUCTOR),
    "schedule.revoke_cohort_feed": allow(ADMIN, COORDINATOR, INSTRUCTOR),
    "schedule.my_schedule": allow(TRAINEE),
    "schedule.create_my_feed": allow(TRAINEE, personal_data=True),
    "schedule.revoke_my_feed": allow(TRAINEE, personal_data=True),
    # A calendar app has no login: the unguessable token in the address is the credential.
    "schedule.calendar_feed": public(),
    "attendance.attendance_sheet": allow(ADMIN, COORDINATOR, INSTRUCTOR, personal_data=True),
    "attendance.import_sheet": allow(ADMIN, COORDINATOR, INSTRUCTOR, personal_data=True),
    # Placements: the coordinator's pages, «Min praksis», the partner's «Praksisplasser hos oss»
    "placements.cohort_placements": allow(ADMIN, COORDINATOR, personal_data=True),
    "placements.create_placement": allow(ADMIN, COORDINATOR, personal_data=True),
    "placements.placement_detail": allow(ADMIN, COORDINATOR, personal_data=True),
    "placements.edit_placement": allow(ADMIN, COORDINATOR, personal_data=True),
    "placements.change_status": allow(ADMIN, COORDINATOR, personal_data=True),
    "placements.record_gates": allow(ADMIN, COORDINATOR, personal_data=True),
    "placements.partner_list": allow(PARTNER, personal_data=True),
    "placements.partner_detail": allow(PARTNER, personal_data=True),
    "placements.my_placements": allow(TRAINEE, personal_data=True),
    # Offers of places, the trainee's wishes and the allocation (offers carry no personal data)
    "offers.allocation": allow(ADMIN, COORDINATOR, personal_data=True),
    "offers.create_offer": allow(ADMIN, COORDINATOR),
    "offers.edit_offer": allow(ADMIN, COORDINATOR),
    "offers.partner_offers": allow(PARTNER),
    "offers.partner_create_offer": allow(PARTNER),
    "offers.partner_edit_offer": allow(PARTNER),
    "offers.my_preferences": allow(TRAINEE, personal_data=True),
    "organisations.add_contact": allow(ADMIN, COORDINATOR),
    "organisations.remove_contact": allow(ADMIN, COORDINATOR),
    "organisations.invite_partner": allow(ADMIN, COORDINATOR, personal_data=True),
    # A supervisor without an account: the single-use link is the credential.
    "partner.use_link": public(),
    "partner.link_done": public(),
    "partner.answer_placement": allow(PARTNER, personal_data=True),
    "partner.confirm_hours": allow(PARTNER, personal_data=True),
    "partner.final_evaluation": allow(PARTNER, personal_data=True),
    "partner.raise_concern": allow(PARTNER, personal_data=True),
    "partner.record_meeting": allow(PARTNER, personal_data=True),
    "partner.propose_change": allow(PARTNER, personal_data=True),
    "partner.withdraw_proposal": allow(PARTNER, personal_data=True),
    "followup.send_link": allow(ADMIN, COORDINATOR, personal_data=True),
    "followup.record_meeting": allow(ADMIN, COORDINATOR, personal_data=True),
    "followup.decide_proposal": allow(ADMIN, COORDINATOR, personal_data=True),
    "followup.log_hours": allow(TRAINEE, personal_data=True),
    "followup.ask_for_confirmation": allow(TRAINEE, personal_data=True),
    # Certificates: anyone may verify one by its unguessable code (which shows no more than the
    # certificate itself); coordinators issue in their counties; the trainee downloads their own.
    "certificates.verify": public(),
    "certificates.verify_code": public(),
    "certificates.verify_json": public(),
    "certificates.preflight": allow(ADMIN, COORDINATOR, personal_data=True),
    "certificates.issue_all": allow(ADMIN, COORDINATOR, personal_data=True),
    "certificates.batch": allow(ADMIN, COORDINATOR, personal_data=True),
    "certificates.issue_one": allow(ADMIN, COORDINATOR, personal_data=True),
    "certificates.revoke": allow(ADMIN, COORDINATOR, personal_data=True),
    "certificates.download": allow(ADMIN, COORDINATOR, personal_data=True),
    "certificates.cohort_zip": allow(ADMIN, COORDINATOR, personal_data=True),
    "certificates.my_certificates": allow(TRAINEE, personal_data=True),
    "certificates.my_download": allow(TRAINEE, personal_data=True),
    # Outcomes after the course: the coordinator follows up named trainees in their counties.
    "outcomes.due_list": allow(ADMIN, COORDINATOR, personal_data=True),
    "outcomes.trainee_outcomes": allow(ADMIN, COORDINATOR, personal_data=True),
    "outcomes.record_outcome": allow(ADMIN, COORDINATOR, personal_data=True),
    # Reports. County and national reports add people up over many cohorts and hide every
    # figure under five (mbtrain/reports/suppression.py), so no one can be picked out: not
    # personal data, no access-log row. The cohort report keeps its true figures for the
    # cohort's own coordinator; in a cohort of fifteen, «1 avbrutt, årsak Syk» points at a
    # person the reader knows, so it is personal data and every view and export is logged.
    "reports.area_report": allow(ADMIN, COORDINATOR),
    "reports.area_export": allow(ADMIN, COORDINATOR),
    "reports.refresh_figures": allow(ADMIN),
    "reports.cohort_report": allow(ADMIN, COORDINATOR, personal_data=True),
    "reports.cohort_export": allow(ADMIN, COORDINATOR, personal_data=True),
}


def rule_for(endpoint: str | None) -> Rule | None:
    return POLICY.get(endpoint or "")


def may_use(user: User, endpoint: str) -> bool:
    """Whether this user's role may use an endpoint at all; templates ask it to hide links."""
    rule = rule_for(endpoint)
    if rule is None:
        return False
    if rule.public:
        return True
    return user.is_authenticated and user.role in rule.roles


def can(endpoint: str) -> bool:
    return may_use(current_user, endpoint)


def may_manage_county(user: User, county_id: int | None) -> bool:
    """Coordinators act within their own counties; the national admin everywhere."""
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.COORDINATOR and county_id in user.county_ids


def visible_cohorts(user: User) -> ColumnElement[bool]:
    """SQL condition for the cohorts a user may see: county, teaching, or everything."""
    match user.role:
        case Role.ADMIN:
            return true()
        case Role.COORDINATOR:
            return Cohort.county_id.in_(user.county_ids)
        case Role.INSTRUCTOR:
            taught = select(cohort_instructor.c.cohort_id).where(
                cohort_instructor.c.user_id == user.id
            )
            return Cohort.id.in_(taught)
        case _:
            return false()


# Need to know. The routes above say which pages a role may open; this says which people a
# role may see on them (by the enrolment's status) and which parts of their records. Every
# loader and list that shows enrolments asks visible_enrolments / may_see_enrolment, and
# templates ask may_see_part; a refused record answers 404, like a missing one.
class StatusClass(Enum):
    INTAKE = "intake"  # applicants, the waiting list and those turned down: the intake's
    PARTICIPANT = "participant"  # holds a place in the cohort
    ENDED = "ended"  # completed or dropped out
    VOID = "void"  # registered in error


_S = EnrolmentStatus
STATUS_CLASS: dict[EnrolmentStatus, StatusClass] = {
    _S.SOKT_INN: StatusClass.INTAKE,
    _S.VURDERES: StatusClass.INTAKE,
    _S.VENTELISTE: StatusClass.INTAKE,
    _S.IKKE_AKTUELL: StatusClass.INTAKE,
    _S.VENTER_PA_OPPSTART: StatusClass.PARTICIPANT,
    _S.DELTAR: StatusClass.PARTICIPANT,
    _S.FULLFORT: StatusClass.ENDED,
    _S.AVBRUTT: StatusClass.ENDED,
    _S.FEILREGISTRERT: StatusClass.VOID,
}


class Part(Enum):
    CONTACT = "contact"  # e-mail and phone: how to reach the person
    PERSONAL = "personal"  # date of birth, the NAV contact, the application date
    INTAKE = "intake"  # the intake assessment («Vurdering»: the interview notes)
    HISTORY = "history"  # the status history, with its reasons


@dataclass(frozen=True)
class NeedToKnow:
    classes: frozenset[StatusClass]
    parts: frozenset[Part]

    @property
    def statuses(self) -> frozenset[EnrolmentStatus]:
        return frozenset(s for s, kind in STATUS_CLASS.items() if kind in self.classes)


EVERYTHING = NeedToKnow(frozenset(StatusClass), frozenset(Part))
# The relationship still decides whose: coordinators their counties, instructors the cohorts
# they teach, partners their placements' trainees (partner_can_see), trainees their own.
NEED_TO_KNOW: dict[Role, NeedToKnow] = {
    ADMIN: EVERYTHING,
    COORDINATOR: EVERYTHING,
    # Instructors teach the participants and reach them; nothing of the intake.
    INSTRUCTOR: NeedToKnow(
        frozenset({StatusClass.PARTICIPANT, StatusClass.ENDED}), frozenset({Part.CONTACT})
    ),
    PARTNER: NeedToKnow(
        frozenset({StatusClass.PARTICIPANT, StatusClass.ENDED}), frozenset({Part.CONTACT})
    ),
    # A trainee's own record, all of it (the right of access).
    TRAINEE: EVERYTHING,
}


def need_to_know(user: User) -> NeedToKnow:
    role = user.role if user.is_authenticated else None
    return NEED_TO_KNOW.get(role, NeedToKnow(frozenset(), frozenset()))


def visible_enrolments(user: User) -> ColumnElement[bool]:
    """SQL condition on Enrolment: the statuses this user's role may see (with the scope)."""
    statuses = need_to_know(user).statuses
    if statuses == frozenset(EnrolmentStatus):
        return true()
    return Enrolment.status.in_(sorted(statuses, key=lambda s: s.value))


def reachable_enrolments(user: User) -> ColumnElement[bool]:
    """SQL condition on Enrolment joined to its Cohort: in a cohort this user may see, in a
    status their role may see. What every loader of an enrolment's data asks."""
    return and_(visible_cohorts(user), visible_enrolments(user))


def may_see_status(user: User, status: EnrolmentStatus) -> bool:
    return status in need_to_know(user).statuses


def may_see_intake(user: User) -> bool:
    """Whether this user's role may see the intake at all: applicants, their numbers too."""
    return StatusClass.INTAKE in need_to_know(user).classes


def may_see_part(user: User, part: Part | str) -> bool:
    """Whether this user's role may see a part of a person's record; templates ask it."""
    return Part(part) in need_to_know(user).parts


# Partners see trainees who hold a place in the cohort, and — for placements that went past
# the proposal — those whose course has ended. Never applicants or the waiting list.
PARTNER_VISIBLE_ENROLMENT = frozenset({EnrolmentStatus.VENTER_PA_OPPSTART, EnrolmentStatus.DELTAR})
PARTNER_VISIBLE_AFTER_PROPOSAL = NEED_TO_KNOW[PARTNER].statuses


def partner_access_days() -> int:
    return int(current_app.config.get("PARTNER_ACCESS_DAYS", 40))


def partner_can_see(user: User, placement: Placement, today: date) -> bool:
    """Whether a partner user may see this placement and its trainee.

    Own organisation only — not its child units: a user at Helse Bergen HF is not
    thereby entitled to the trainees at each of its DPSs (minimisation: invite the
    user to the unit where the placement is). Access ends PARTNER_ACCESS_DAYS after the
    placement's end date. A proposal is shown only for a trainee who holds a place.
    """
    if user.role is not Role.PARTNER or user.organisation_id is None:
        return False
    if placement.organisation_id != user.organisation_id:
        return False
    if today > placement.end_date + timedelta(days=partner_access_days()):
        return False
    if placement.status is PlacementStatus.PROPOSED:
        return placement.enrolment.status in PARTNER_VISIBLE_ENROLMENT
    return placement.enrolment.status in PARTNER_VISIBLE_AFTER_PROPOSAL


def partner_placements(user: User, today: date) -> ColumnElement[bool]:
    """partner_can_see as an SQL condition on Placement, for lists."""
    if user.role is not Role.PARTNER or user.organisation_id is None:
        return false()
    holds = sorted(PARTNER_VISIBLE_ENROLMENT, key=lambda s: s.value)
    after = sorted(PARTNER_VISIBLE_AFTER_PROPOSAL, key=lambda s: s.value)
    return and_(
        Placement.organisation_id == user.organisation_id,
        Placement.end_date >= today - timedelta(days=partner_access_days()),
        or_(
            and_(
                Placement.status == PlacementStatus.PROPOSED,
                Placement.enrolment.has(Enrolment.status.in_(holds)),
            ),
            and_(
                Placement.status != PlacementStatus.PROPOSED,
                Placement.enrolment.has(Enrolment.status.in_(after)),
            ),
        ),
    )


def describe_scope(user: User) -> str:
    """The actor's scope in words, as the access log keeps it."""
    match user.role:
        case Role.ADMIN:
            return "nasjonal"
        case Role.COORDINATOR:
            return ", ".join(county.name for county in user.counties) or "-"
        case Role.PARTNER:
            return user.organisation.name if user.organisation else "-"
        case Role.INSTRUCTOR:
            return "kursholder"
        case Role.TRAINEE:
            return "deltaker"
        case _:
            return "-"
