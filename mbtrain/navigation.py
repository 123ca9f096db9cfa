"""The main menu: each role sees the pages its policy lets it open."""

from flask_babel import lazy_gettext as _l

from mbtrain.policy import can

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


def nav_links() -> list[tuple[str, str]]:
    return [(endpoint, str(label)) for endpoint, label in MENU if can(endpoint)]
