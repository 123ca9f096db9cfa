from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from mbtrain.forms import REQUIRED, VersionField, choices
from mbtrain.outcomes.models import EmployerType, Situation

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
