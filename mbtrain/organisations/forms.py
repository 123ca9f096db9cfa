from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from mbtrain.accounts.models import User
from mbtrain.forms import REQUIRED, VersionField, choices
from mbtrain.organisations.models import Organisation, OrganisationType
from mbtrain.organisations.services import parents_and_counties


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

    def __init__(
        self, *args: Any, user: User, editing: Organisation | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        parents, counties = parents_and_counties(user, editing)
        self._parents = {org.id: org for org in parents}
        self._counties = {county.id: county for county in counties}
        self.parent.choices = choices([(0, _("Ingen"))] + [(o.id, o.name) for o in parents])
        self.county.choices = choices(
            [(0, _("Ikke knyttet til ett fylke"))] + [(c.id, c.name) for c in counties]
        )

    def fields(self) -> dict[str, Any]:
        """The organisation as the services take it; parent and county among the choices."""
        return {
            "name": self.name.data,
            "orgnr": self.orgnr.data,
            "type": OrganisationType(self.type.data),
            "parent": self._parents.get(self.parent.data or 0),
            "county": self._counties.get(self.county.data or 0),
        }


class EditOrganisationForm(OrganisationForm):
    version = VersionField()

    @classmethod
    def opened_on(
        cls, organisation: Organisation, user: User, *, sent: bool = True
    ) -> "EditOrganisationForm":
        """The form on ``organisation``: what was posted (if ``sent``), else what is saved."""
        formdata = {} if sent else {"formdata": None}
        form = cls(obj=organisation, user=user, editing=organisation, **formdata)
        if not (sent and form.is_submitted()):
            form.orgnr.data = organisation.orgnr_display
            # The form's obj= gives the enum member, which no option's string value equals.
            form.type.data = organisation.type.value
            form.parent.data = organisation.parent_id or 0
            form.county.data = organisation.county_id or 0
        return form

    def fields(self) -> dict[str, Any]:
        return {**super().fields(), "seen_version": self.version.data}


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

    def fields(self) -> dict[str, str]:
        return {
            "name": self.name.data,
            "email": self.email.data or "",
            "phone": self.phone.data or "",
            "role_title": self.role_title.data or "",
        }


class InvitePartnerForm(FlaskForm):
    name = StringField(_l("Navn"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField(
        _l("E-post"),
        validators=[DataRequired(REQUIRED), Length(max=254), Email(EMAIL_MESSAGE)],
        description=_l("Invitasjonen med en engangslenke sendes hit."),
    )

    def partner(self) -> dict[str, str]:
        return {"name": self.name.data, "email": self.email.data}
