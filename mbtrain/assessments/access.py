"""A trainee and a module for an assessment page: both must exist, and the cohort be one this
user teaches or coordinates; otherwise 404."""

from flask import abort

from mbtrain.assessments.services import ASSESSED
from mbtrain.cohorts.access import load_cohort
from mbtrain.cohorts.models import Cohort
from mbtrain.curriculum.definition import Module
from mbtrain.curriculum.services import curriculum_for
from mbtrain.enrolments.access import load_enrolment
from mbtrain.enrolments.models import Enrolment


def load_trainee(enrolment_id: int) -> Enrolment:
    """A trainee in a cohort this user may see, who has started the course; else 404."""
    enrolment = load_enrolment(enrolment_id)
    if enrolment.status not in ASSESSED:
        abort(404)
    return enrolment


def load_trainee_module(enrolment_id: int, code: str) -> tuple[Enrolment, Module]:
    enrolment = load_trainee(enrolment_id)
    return enrolment, module_of(enrolment.cohort, code)


def load_cohort_module(cohort_id: int, code: str) -> tuple[Cohort, Module]:
    cohort = load_cohort(cohort_id)
    return cohort, module_of(cohort, code)


def module_of(cohort: Cohort, code: str) -> Module:
    """The module of the cohort's curriculum with this code; 404 if there is none."""
    module = curriculum_for(cohort.curriculum_version).module(code)
    if module is None:
        abort(404)
    return module
