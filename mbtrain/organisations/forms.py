from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

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


EMAIL_MESSAGE = _l("Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no.")


class ContactForm(FlaskForm):
    name = StringField(_l("Navn"), validators=[DataRequired(REQUIRED), Length(max=200)])
    role_title = StringField(
        _l("Rolle (valgfritt)"),
        validators=[Optional(), Length(max=100)],
        description=_l("For eksempel «Avdelingsleder» eller «Praksiskoordinator»."),
    )
    email = EmailField(
        _l("E-post (valgfritt)"), validators=[Optional(), Length(max=254), Email(EMAIL_MESSAGE)]
    )
    phone = StringField(_l("Telefon (valgfritt)"), validators=[Optional(), Length(max=30)])


class InvitePartnerForm(FlaskForm):
    name = StringField(_l("Navn"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField(
        _l("E-post"),
        validators=[DataRequired(REQUIRED), Length(max=254), Email(EMAIL_MESSAGE)],
        description=_l("Invitasjonen med en engangslenke sendes hit."),
    )
