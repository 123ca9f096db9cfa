from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from mbtrain.forms import REQUIRED, VersionField, choices
from mbtrain.outcomes.models import EmployerType, OutcomeFollowUp, Situation
from mbtrain.outcomes.services import OutcomeFields, check_fields

WHOLE_PERCENT = _l("Skriv et helt tall fra 1 til 100.")


class PercentField(IntegerField):
    """A whole percentage; anything else gets a Norwegian message on the field."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip().rstrip("%").strip() if valuelist else ""
        if not text:
            self.data = None
        elif text.isdigit():
            self.data = int(text)
        else:
            self.data = None
            raise ValueError(str(WHOLE_PERCENT))


class OutcomeForm(FlaskForm):
    situation = SelectField(
        _l("Situasjon"), choices=Situation.choices(), validators=[InputRequired(REQUIRED)]
    )
    employer_type = SelectField(
        _l("Type arbeidsgiver"),
        choices=choices([("", _l("– ikke i arbeid –"))]) + EmployerType.choices(),
        validators=[Optional()],
        description=_l("Bare når personen er i arbeid."),
    )
    position_percent = PercentField(
        _l("Stillingsprosent"),
        validators=[Optional(), NumberRange(1, 100, message=WHOLE_PERCENT)],
        description=_l("Bare når personen er i arbeid, for eksempel 50."),
        render_kw={"inputmode": "numeric"},
    )
    version = VersionField()

    @classmethod
    def opened_on(cls, existing: OutcomeFollowUp | None) -> "OutcomeForm":
        """What is recorded, if anything, at the version it has (0: nothing yet)."""
        form = cls(obj=existing)
        if not form.is_submitted():
            form.version.data = existing.version if existing else 0
        return form

    def fields(self) -> OutcomeFields:
        return OutcomeFields(
            situation=Situation(self.situation.data),
            employer_type=EmployerType(self.employer_type.data)
            if self.employer_type.data
            else None,
            position_percent=self.position_percent.data,
        )

    def answers(self) -> dict[str, Any]:
        """What was answered, and on which version of the follow-up (as the service takes it)."""
        return {"fields": self.fields(), "seen_version": self.version.data}

    def validate(self, extra_validators=None) -> bool:
        """The fields, and then the service's rule for them together (employer and position
        percentage belong to work, and only to work), each message beside its field."""
        if not super().validate(extra_validators):
            return False
        for name, message in check_fields(self.fields()).items():
            self[name].errors = [*self[name].errors, message]
        return not self.errors
