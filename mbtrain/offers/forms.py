"""Forms for offers of places, the trainee's wishes and the coordinator's allocation."""

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from mbtrain.cohorts.models import Cohort
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db
from mbtrain.forms import REQUIRED, NorwegianDateField, VersionField, choices
from mbtrain.idempotency import SubmissionKeyField
from mbtrain.offers import services
from mbtrain.offers.boards import Board
from mbtrain.organisations.models import Organisation
from mbtrain.placements.forms import module_choices, organisation_choices
from mbtrain.placements.models import PlacementOffer
from mbtrain.placements.services import practice_modules, practice_window

OFFER_SENT = _l("Skjemaet var allerede sendt. Tilbudet er ikke registrert to ganger.")


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

    def fields(self, organisation: Organisation | None = None) -> services.OfferFields:
        return services.OfferFields(
            organisation=organisation,
            module_code=self.module_code.data,
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            places=self.places.data,
            field_of_work=self.field_of_work.data or "",
            requirements=self.requirements.data or "",
            politiattest_required=self.politiattest_required.data,
            open=self.open.data,
        )

    @classmethod
    def of(cls, offer: PlacementOffer) -> "OfferForm":
        """The form for changing an offer: as saved, or as sent."""
        form = cls(obj=offer if request.method == "GET" else None)
        module_choices(form, offer.cohort)
        form.editing = offer
        return form


class CoordinatorOfferForm(OfferForm):
    organisation = SelectField(_l("Organisasjon"), coerce=int, validators=[InputRequired(REQUIRED)])

    def fields(self, organisation: Organisation | None = None) -> services.OfferFields:
        return super().fields(db.session.get(Organisation, self.organisation.data or 0))

    def for_cohort(self, cohort: Cohort, module_code: str | None) -> "CoordinatorOfferForm":
        """A new offer for the cohort; unless sent, all of the practice period the link
        named (or the first)."""
        organisation_choices(self)
        module_choices(self, cohort)
        if not self.is_submitted():
            codes = [choice.value for choice in self.module_code.choices]
            if module_code in codes:
                self.module_code.data = module_code
            window, _scheduled = practice_window(cohort, self.module_code.data or codes[0])
            self.start_date.data, self.end_date.data = window
        return self

    @classmethod
    def of(cls, offer: PlacementOffer) -> "CoordinatorOfferForm":
        form = super().of(offer)
        organisation_choices(form)
        if request.method == "GET":
            form.organisation.data = offer.organisation_id
        return form


class CreateCoordinatorOfferForm(CoordinatorOfferForm):
    submission_key = SubmissionKeyField(repeated=OFFER_SENT)


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

    def for_partner(self, organisation: Organisation, cohorts: list[Cohort]) -> "PartnerOfferForm":
        """The organisation's offer, to any of ``cohorts`` and any practice period of theirs."""
        self.owner = organisation
        self.cohort.choices = choices(
            (c.id, f"{c.name} ({c.start_date:%d.%m.%Y}–{c.end_date:%d.%m.%Y})") for c in cohorts
        )
        modules = {m.code: m for c in cohorts for m in practice_modules(c)}
        self.module_code.choices = choices(
            (m.code, f"{m.title} ({m.code})") for m in modules.values()
        )
        self.cohorts = {cohort.id: cohort for cohort in cohorts}
        return self

    @property
    def chosen_cohort(self) -> Cohort:
        return self.cohorts[self.cohort.data]

    def fields(self, organisation: Organisation | None = None) -> services.OfferFields:
        return super().fields(self.owner)

    def periods(self) -> list:
        """Each cohort with its practice periods and when they are, for the page's help."""
        return [(cohort, services.practice_windows(cohort)) for cohort in self.cohorts.values()]


class CreatePartnerOfferForm(PartnerOfferForm):
    submission_key = SubmissionKeyField(repeated=OFFER_SENT)


class EditPartnerOfferForm(OfferForm):
    version = VersionField()

    def fields(self, organisation: Organisation | None = None) -> services.OfferFields:
        """A partner's offer stays their organisation's."""
        return super().fields(self.editing.organisation)


class AllocationRowForm(FlaskForm):
    class Meta:
        csrf = False  # the enclosing form carries the token

    enrolment = HiddenField()
    offer = SelectField(_l("Praksisplass"), coerce=int, validate_choice=False)


class AllocationForm(FlaskForm):
    rows = FieldList(FormField(AllocationRowForm))
    submission_key = SubmissionKeyField(
        repeated=_l("Skjemaet var allerede sendt. Ingen plass er foreslått to ganger.")
    )

    def chosen(self) -> dict[int, int | None]:
        """enrolment id → the offer chosen for them (None: no placement now)."""
        return {int(row.enrolment.data): row.offer.data or None for row in self.rows}

    def fill(self, board: Board, suggested: dict) -> None:
        """One row per trainee lacking a place; a sent form keeps what was chosen, and the
        messages on it."""
        offer_choices = choices(
            [(0, _("Ingen nå"))]
            + [
                (offer.id, _("%(name)s (%(free)d ledige)", name=offer.organisation.name, free=free))
                for offer, free in board.offers
                if offer.open
            ]
        )
        sent = {row.enrolment.data: row.offer for row in self.rows}
        while len(self.rows):
            self.rows.pop_entry()
        for row in board.lacking:
            entry = self.rows.append_entry()
            entry.enrolment.data = str(row.enrolment.id)
            entry.offer.choices = offer_choices
            posted, suggestion = sent.get(entry.enrolment.data), suggested.get(row.enrolment.id)
            entry.offer.data = (posted and posted.data) or (
                suggestion.offer_id if suggestion and suggestion.offer_id else 0
            )
            entry.offer.errors = list(posted.errors) if posted else []
            entry.offer.label.text = _("Praksisplass for %(name)s", name=row.enrolment.person.name)


class PreferencesForm(FlaskForm):
    """One select per open offer («1. ønske», «2. ønske» … or «Ikke aktuelt»), added per page
    (``preferences_form``)."""

    module_code = HiddenField(validators=[InputRequired()])

    def ranked(self) -> tuple[Enrolment, str, dict[int, int | None]]:
        """What set_preferences takes: the trainee's enrolment, the practice period, and offer
        id → the rank given it (None: not wanted)."""
        ranks = {offer.id: self[f"offer-{offer.id}"].data or None for offer in self.offers}
        return self.enrolment, self.module_code.data, ranks


def rank_choices(count: int):
    return choices(
        [(0, _l("Ikke aktuelt"))] + [(n, _l("%(n)d. ønske", n=n)) for n in range(1, count + 1)]
    )


def preferences_form(
    enrolment: Enrolment, module_code: str, offers: list[PlacementOffer], formdata=None
) -> PreferencesForm:
    """The ranking form for one practice period: a select per open offer."""

    class Form(PreferencesForm):
        pass

    ranks = services.preference_ranks(enrolment)
    for offer in offers:
        setattr(
            Form,
            f"offer-{offer.id}",
            SelectField(
                _("Ønske for %(name)s", name=offer.organisation.name),
                coerce=int,
                choices=rank_choices(len(offers)),
                default=ranks.get(offer.id, 0),
            ),
        )
    form = Form(formdata=formdata, module_code=module_code)
    form.enrolment, form.offers = enrolment, offers
    return form
