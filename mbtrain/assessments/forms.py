from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from mbtrain.assessments.models import AssessmentResult
from mbtrain.assessments.services import MAX_COMMENT
from mbtrain.cohorts.forms import NorwegianDateField
from mbtrain.forms import REQUIRED, RowForm, VersionField

COMMENT_HELP = _l(
    "Kort og saklig om det faglige, høyst 500 tegn. Deltakeren kan lese kommentaren. "
    "Ikke skriv helseopplysninger, diagnoser eller noe om fravær på grunn av sykdom."
)
DATE_HELP = _l("Tom dato blir dagens dato.")


class AssessmentForm(FlaskForm):
    result = RadioField(
        _l("Resultat"),
        choices=AssessmentResult.choices(),
        validators=[InputRequired(_l("Velg et resultat."))],
    )
    assessed_on = NorwegianDateField(
        _l("Vurdert dato"), validators=[Optional()], description=DATE_HELP
    )
    comment = TextAreaField(
        _l("Kommentar"),
        validators=[Optional(), Length(max=MAX_COMMENT)],
        description=COMMENT_HELP,
        render_kw={"maxlength": MAX_COMMENT, "rows": 4},
    )
    version = VersionField()


class SheetRowForm(RowForm):
    """One trainee's row on a module's assessment sheet (the sheet carries the CSRF token)."""

    enrolment_id = HiddenField()
    version = HiddenField()
    result = SelectField(_l("Resultat"), choices=AssessmentResult.choices())
    assessed_on = NorwegianDateField(_l("Vurdert dato"), validators=[Optional()])
    comment = StringField(
        _l("Kommentar"),
        validators=[Optional(), Length(max=MAX_COMMENT)],
        render_kw={"maxlength": MAX_COMMENT},
    )


class SheetForm(FlaskForm):
    rows = FieldList(FormField(SheetRowForm))


class ProjectForm(FlaskForm):
    title = StringField(
        _l("Tittel på prosjektoppgaven"), validators=[DataRequired(REQUIRED), Length(max=300)]
    )
    approved = BooleanField(_l("Prosjektoppgaven er godkjent"))
    approved_on = NorwegianDateField(
        _l("Godkjent dato"), validators=[Optional()], description=DATE_HELP
    )
    version = VersionField()
