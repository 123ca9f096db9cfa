"""A curriculum in words for its pages: the completion rule, hours and what a diff shows."""

from enum import Enum
from typing import Any

from flask_babel import format_decimal, format_percent, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from mbtrain.curriculum import services
from mbtrain.curriculum.definition import Curriculum, ModuleKind
from mbtrain.curriculum.models import CurriculumVersion

FIELD_LABELS = {
    "title": _l("Tittel"),
    "description": _l("Beskrivelse"),
    "blocks": _l("Blokker"),
    "block": _l("Blokk"),
    "kind": _l("Type"),
    "hours": _l("Timer"),
    "weeks": _l("Uker"),
    "learning_outcomes": _l("Læringsutbytte"),
    "assessment": _l("Vurdering"),
    "required": _l("Obligatorisk"),
    "min_attendance_theory": _l("Minste oppmøte i teori"),
    "min_attendance_practice": _l("Minste oppmøte i praksis"),
    "counts_against_attendance": _l("Fravær som teller mot oppmøtet"),
    "required_modules": _l("Obligatoriske moduler"),
    "required_placements": _l("Praksisperioder med bestått sluttvurdering"),
    "project_required": _l("Prosjektoppgave kreves"),
}


def version_page(row: CurriculumVersion) -> dict[str, Any]:
    """What the page of one imported version shows, beyond its modules: the rule in words,
    the hours by kind, the weeks in practice, and whether there is another to compare with."""
    curriculum = services.curriculum_of(row)
    return {
        "row": row,
        "curriculum": curriculum,
        "completion": describe_completion(curriculum),
        "kinds": [(kind, curriculum.hours(kind)) for kind in ModuleKind if curriculum.hours(kind)],
        "practice_weeks": sum(module.weeks or 0 for module in curriculum.modules),
        "comparable": len(services.versions_of(row.code)) > 1,
        "hours": format_hours,
    }


def describe_completion(curriculum: Curriculum) -> list[str]:
    """The completion rule in words, one requirement a line."""
    rule = curriculum.completion
    absences = ", ".join(status.label.lower() for status in rule.counts_against_attendance)
    lines = [
        _("Minst %(percent)s oppmøte i teori.", percent=format_percent(rule.min_attendance_theory)),
        _(
            "Minst %(percent)s oppmøte i praksis.",
            percent=format_percent(rule.min_attendance_practice),
        ),
        _("Fravær som teller mot oppmøtet: %(kinds)s.", kinds=absences)
        if absences
        else _("Fravær teller ikke mot oppmøtet."),
    ]
    if rule.required_modules:
        lines.append(
            ngettext(
                "%(num)d obligatorisk modul må være godkjent.",
                "%(num)d obligatoriske moduler må være godkjent.",
                len(rule.required_modules),
            )
        )
    if rule.required_placements:
        lines.append(
            ngettext(
                "%(num)d praksisperiode med bestått sluttvurdering.",
                "%(num)d praksisperioder med bestått sluttvurdering.",
                rule.required_placements,
            )
        )
    if rule.project_required:
        lines.append(_("Prosjektoppgaven må være godkjent."))
    return lines


def format_hours(value: float) -> str:
    return format_decimal(value)


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def show_value(name: str, value: Any) -> str | list[str]:
    """A field's value as the diff page shows it: a list for lists, else one string."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("Ja") if value else _("Nei")
    if isinstance(value, Enum):
        return str(value)
    if isinstance(value, tuple):
        return [show_value(name, item) for item in value]
    if name.startswith("min_attendance"):
        return format_percent(value)
    if isinstance(value, int | float):
        return format_decimal(value)
    return str(value)


# The diff page's words for fields and values, as the template calls them.
DIFF_WORDS = {"show": show_value, "label": field_label, "hours": format_hours}
