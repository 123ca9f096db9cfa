"""The main menu: each role sees the pages its policy lets it open."""

from flask_babel import lazy_gettext as _l

from mbtrain.policy import can

MENU = (
    ("cohorts.cohort_list", _l("Kurs")),
    ("enrolments.my_enrolment", _l("Mitt kurs")),
    ("curriculum.curriculum_list", _l("Læreplaner")),
    ("organisations.organisation_list", _l("Organisasjoner")),
    ("accounts.user_list", _l("Brukere")),
    ("audit.search", _l("Tilgangslogg")),
    ("audit.my_access_log", _l("Hvem har sett opplysningene mine")),
    ("mail.outbox", _l("Utboks")),
)


def nav_links() -> list[tuple[str, str]]:
    return [(endpoint, str(label)) for endpoint, label in MENU if can(endpoint)]
