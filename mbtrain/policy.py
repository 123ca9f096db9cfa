"""Who may do what: the one place that decides.

Every endpoint of the app is listed in POLICY. The role decides the function (this table,
enforced before every request); the relationship decides the data (the scope predicates
below, used by the services' loaders, which answer 404 for anything out of scope).
A route missing from the table is refused for everyone, and a test fails on it.
"""

from dataclasses import dataclass

from flask_login import current_user

from mbtrain.accounts.models import Role, User


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
    "mail.outbox": allow(ADMIN, personal_data=True),
    "mail.outbox_message": allow(ADMIN, personal_data=True),
    "audit.search": allow(ADMIN, personal_data=True),
    "audit.my_access_log": allow(TRAINEE, personal_data=True),
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


def describe_scope(user: User) -> str:
    """The actor's scope in words, as the access log keeps it."""
    match user.role:
        case Role.ADMIN:
            return "nasjonal"
        case Role.COORDINATOR:
            return ", ".join(county.name for county in user.counties) or "-"
        case Role.PARTNER:
            return user.organisation.name if user.organisation else "-"
        case _:
            return "-"
