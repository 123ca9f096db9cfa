"""The main menu: each role sees the pages its policy lets it open."""

from typing import NamedTuple

from flask import current_app, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from mbtrain.policy import may_use

MENU = (
    ("cohorts.cohort_list", _l("Kurs")),
    ("enrolments.my_enrolment", _l("Mitt kurs")),
    ("schedule.my_schedule", _l("Min timeplan")),
    ("progress.my_progress", _l("Min progresjon")),
    ("placements.my_placements", _l("Min praksis")),
    ("placements.partner_list", _l("Praksisplasser hos oss")),
    ("offers.partner_offers", _l("Tilbud om praksisplasser")),
    ("outcomes.due_list", _l("Oppfølging etter kurset")),
    ("reports.area_report", _l("Rapporter")),
    ("curriculum.curriculum_list", _l("Læreplaner")),
    ("organisations.organisation_list", _l("Organisasjoner")),
    ("accounts.user_list", _l("Brukere")),
    ("audit.search", _l("Tilgangslogg")),
    ("audit.my_access_log", _l("Hvem har sett opplysningene mine")),
    ("own_data.my_data", _l("Mine data")),
    ("mail.outbox", _l("Utboks")),
)


class Link(NamedTuple):
    endpoint: str
    url: str
    label: str


def nav_links() -> tuple[Link, ...]:
    """The menu of the signed-in user's role, in the page's language.

    It depends on nothing else (the policy is by role), so each worker builds it once per
    role, language and mount point, not on every page: every page shows it."""
    if not current_user.is_authenticated:
        return ()
    key = (current_user.role, str(get_locale()), request.script_root)
    menus = current_app.extensions.setdefault("mbtrain.menus", {})
    menu = menus.get(key)
    if menu is None:
        menu = menus[key] = tuple(
            Link(endpoint, url_for(endpoint), str(label))
            for endpoint, label in MENU
            if may_use(current_user, endpoint)
        )
    return menu
