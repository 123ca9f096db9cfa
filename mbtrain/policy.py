"""Who may do what: the one place that decides.

Every endpoint of the app is listed in POLICY. The role decides the function (this table,
enforced before every request); the relationship decides the data (the scope predicates
below, used by the services' loaders, which answer 404 for anything out of scope).
A route missing from the table is refused for everyone, and a test fails on it.
"""

from dataclasses import dataclass

from flask_login import current_user
from sqlalchemy import ColumnElement, false, select, true

from mbtrain.accounts.models import Role, User
from mbtrain.cohorts.models import Cohort, cohort_instructor


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
