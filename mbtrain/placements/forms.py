from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from mbtrain.cohorts.forms import NorwegianDateField
from mbtrain.forms import REQUIRED, VersionField, choices
from mbtrain.idempotency import SubmissionKeyField

EMAIL = _l("Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no.")
NO_HEALTH = _l("Ikke skriv helseopplysninger eller diagnoser.")


class HoursField(DecimalField):
    """Hours as Norwegians write them: 19,5 (a point works too)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("places", 1)
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{float(self.data):g}".replace(".", ",")

    def process_formdata(self, valuelist):
        super().process_formdata([value.replace(",", ".").strip() for value in valuelist])


class PlacementForm(FlaskForm):
    organisation = SelectField(_l("Praksissted"), coerce=int, validators=[InputRequired(REQUIRED)])
    module_code = SelectField(_l("Praksisperiode"), validators=[InputRequired(REQUIRED)])
    supervisor_name = StringField(
        _l("Veileder"), validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    supervisor_email = EmailField(
        _l("Veileders e-post"),
        validators=[DataRequired(REQUIRED), Length(max=254), Email(EMAIL)],
        description=_l("Bekreftelser og lenker sendes hit."),
    )
    co_supervisor_name = StringField(
        _l("Medveileder (valgfritt)"), validators=[Optional(), Length(max=200)]
    )
    co_supervisor_email = EmailField(
        _l("Medveileders e-post (valgfritt)"),
        validators=[Optional(), Length(max=254), Email(EMAIL)],
    )
    start_date = NorwegianDateField(_l("Startdato"), validators=[InputRequired(REQUIRED)])
    end_date = NorwegianDateField(_l("Sluttdato"), validators=[InputRequired(REQUIRED)])
    weekly_hours = HoursField(
        _l("Timer per uke"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0.5, 37.5, _l("Velg mellom 0,5 og 37,5.")),
        ],
    )
    politiattest_required = BooleanField(_l("Stedet krever politiattest"))


class CreatePlacementForm(PlacementForm):
    enrolment = SelectField(_l("Deltaker"), coerce=int, validators=[InputRequired(REQUIRED)])
    offer = HiddenField()
    submission_key = SubmissionKeyField()


class EditPlacementForm(PlacementForm):
    version = VersionField()


class StatusForm(FlaskForm):
    status = HiddenField(validators=[InputRequired()])
    reason = TextAreaField(
        _l("Begrunnelse"),
        validators=[Optional(), Length(max=500)],
        description=NO_HEALTH,
    )
    version = VersionField()


class GatesForm(FlaskForm):
    confidentiality_signed_on = NorwegianDateField(
        _l("Taushetserklæring signert"),
        validators=[Optional()],
        description=_l("Datoen deltakeren signerte taushetserklæringen. Tomt: ikke signert."),
    )
    politiattest_checked_on = NorwegianDateField(
        _l("Politiattest kontrollert"),
        validators=[Optional()],
        description=_l("Datoen du så politiattesten. Attesten selv lagres ikke."),
    )
    version = VersionField()


class OfferForm(FlaskForm):
    module_code = SelectField(_l("Praksisperiode"), validators=[InputRequired(REQUIRED)])
    start_date = NorwegianDateField(_l("Fra"), validators=[InputRequired(REQUIRED)])
    end_date = NorwegianDateField(_l("Til"), validators=[InputRequired(REQUIRED)])
    places = IntegerField(
        _l("Antall plasser"),
        default=1,
        validators=[InputRequired(REQUIRED), NumberRange(1, 50, _l("Velg mellom 1 og 50."))],
    )
    field_of_work = StringField(
        _l("Arbeidsfelt"),
        validators=[DataRequired(REQUIRED), Length(max=200)],
        description=_l("For eksempel «Dagtilbud rus», «Bofellesskap psykisk helse»."),
    )
    requirements = TextAreaField(
        _l("Krav og forventninger (valgfritt)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("For eksempel arbeidstider, førerkort eller språk."),
    )
    politiattest_required = BooleanField(_l("Krever politiattest"))
    open = BooleanField(_l("Åpent for ønsker og fordeling"), default=True)


class CoordinatorOfferForm(OfferForm):
    organisation = SelectField(_l("Organisasjon"), coerce=int, validators=[InputRequired(REQUIRED)])


class CreateCoordinatorOfferForm(CoordinatorOfferForm):
    submission_key = SubmissionKeyField()


class EditCoordinatorOfferForm(CoordinatorOfferForm):
    version = VersionField()


class PartnerOfferForm(OfferForm):
    cohort = SelectField(_l("Kurs"), coerce=int, validators=[InputRequired(REQUIRED)])
    start_date = NorwegianDateField(
        _l("Fra (valgfritt)"),
        validators=[Optional()],
        description=_l("Tomt: fra praksisperiodens første dag."),
    )
    end_date = NorwegianDateField(
        _l("Til (valgfritt)"),
        validators=[Optional()],
        description=_l("Tomt: til praksisperiodens siste dag."),
    )


class CreatePartnerOfferForm(PartnerOfferForm):
    submission_key = SubmissionKeyField()


class EditPartnerOfferForm(OfferForm):
    version = VersionField()


class AllocationRowForm(FlaskForm):
    class Meta:
        csrf = False  # the enclosing form carries the token

    enrolment = HiddenField()
    offer = SelectField(_l("Praksisplass"), coerce=int, validate_choice=False)


class AllocationForm(FlaskForm):
    rows = FieldList(FormField(AllocationRowForm))
    submission_key = SubmissionKeyField()


class PreferencesForm(FlaskForm):
    """One select per open offer («1. ønske», «2. ønske» … or «Ikke aktuelt»), added per page
    (mbtrain.placements.views.preferences_form)."""

    module_code = HiddenField(validators=[InputRequired()])


def rank_choices(count: int):
    return choices(
        [(0, _l("Ikke aktuelt"))] + [(n, _l("%(n)d. ønske", n=n)) for n in range(1, count + 1)]
    )
