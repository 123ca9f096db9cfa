from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from mbtrain.forms import REQUIRED, VersionField
from mbtrain.organisations.models import OrganisationType


class OrganisationForm(FlaskForm):
    name = StringField(_l("Navn"), validators=[DataRequired(REQUIRED), Length(max=200)])
    orgnr = StringField(
        _l("Organisasjonsnummer"),
        validators=[DataRequired(REQUIRED), Length(max=20)],
        description=_l("9 siffer, for eksempel 974 760 673."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    type = SelectField(_l("Type"), choices=OrganisationType.choices())
    parent = SelectField(_l("Overordnet enhet"), coerce=int, choices=[])
    county = SelectField(_l("Fylke"), coerce=int, choices=[])


class EditOrganisationForm(OrganisationForm):
    version = VersionField()
