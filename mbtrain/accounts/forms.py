from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from mbtrain.accounts.models import Role, User
from mbtrain.accounts.services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, scope_options
from mbtrain.forms import REQUIRED, VersionField, choices

PASSWORD_LENGTH = Length(
    min=MIN_PASSWORD_LENGTH,
    max=MAX_PASSWORD_LENGTH,
    message=_l("Passordet må ha mellom %(min)d og %(max)d tegn."),
)
EMAIL = [
    DataRequired(REQUIRED),
    Length(max=254),
    Email(_l("Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no.")),
]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-post"), validators=EMAIL, render_kw={"autocomplete": "username"})
    password = PasswordField(
        _l("Passord"),
        validators=[DataRequired(REQUIRED), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-post"), validators=EMAIL, render_kw={"autocomplete": "username"})


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Nytt passord"),
        validators=[DataRequired(REQUIRED), PASSWORD_LENGTH],
        description=_l("Minst 12 tegn. Gjerne flere ord etter hverandre."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Gjenta passordet"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("Passordene er ikke like."))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(
        _l("Nåværende passord"),
        validators=[DataRequired(REQUIRED), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )

    def passwords(self) -> dict[str, str]:
        return {"current": self.current.data, "password": self.password.data}


class UserForm(FlaskForm):
    name = StringField(_l("Navn"), validators=[DataRequired(REQUIRED), Length(max=200)])
    role = SelectField(_l("Rolle"), choices=Role.choices(), validators=[DataRequired(REQUIRED)])
    counties = SelectMultipleField(
        _l("Fylker"),
        coerce=int,
        validators=[Optional()],
        description=_l("Gjelder fylkeskoordinatorer: fylkene de har ansvar for."),
    )
    organisation = SelectField(
        _l("Organisasjon"),
        coerce=int,
        validators=[Optional()],
        description=_l("Gjelder praksisveiledere: organisasjonen de representerer."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        counties, organisations = scope_options()
        self._counties = {county.id: county for county in counties}
        self._organisations = {org.id: org for org in organisations}
        self.counties.choices = choices((county.id, county.name) for county in counties)
        self.organisation.choices = choices(
            [(0, _("Ingen"))] + [(org.id, org.name) for org in organisations]
        )

    def account(self) -> dict[str, Any]:
        """The name, role and scope chosen, as the account services take them (the choices
        were checked against the options by validation)."""
        return {
            "name": self.name.data,
            "role": Role(self.role.data),
            "counties": [self._counties[county_id] for county_id in self.counties.data or []],
            "organisation": self._organisations.get(self.organisation.data or 0),
        }


class InviteUserForm(UserForm):
    email = EmailField(_l("E-post"), validators=EMAIL)

    def account(self) -> dict[str, Any]:
        return {**super().account(), "email": self.email.data}


class EditUserForm(UserForm):
    active = BooleanField(_l("Aktiv konto"))
    version = VersionField()

    @classmethod
    def opened_on(cls, user: User) -> "EditUserForm":
        form = cls(obj=user, role=user.role.value)
        if not form.is_submitted():
            # obj= wins over role=: without this the page marked no role as chosen, and the
            # browser sent the first one (administrator) when only the name was corrected.
            form.role.data = user.role.value
            form.counties.data = sorted(user.county_ids)
            form.organisation.data = user.organisation_id or 0
        return form

    def account(self) -> dict[str, Any]:
        """The account as changed, and the version the form was opened on."""
        return {**super().account(), "active": self.active.data, "seen_version": self.version.data}
