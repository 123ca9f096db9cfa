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

from mbtrain.assessments.models import AssessmentResult, ModuleAssessment
from mbtrain.assessments.services import MAX_COMMENT, Entry, SheetRow, as_int, entry_of
from mbtrain.forms import REQUIRED, NorwegianDateField, RowForm, VersionField

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

    @classmethod
    def of(cls, assessment: ModuleAssessment | None) -> "AssessmentForm":
        """The form on what is stored (version 0: nothing yet), or as sent."""
        form = cls(obj=assessment, version=0)
        if not form.is_submitted():
            form.result.data = entry_of(assessment).result.value
            form.version.data = assessment.version if assessment else 0
        return form

    def assessment(self) -> dict:
        """The entry and the version the form was opened on."""
        entry = Entry(AssessmentResult(self.result.data), self.assessed_on.data, self.comment.data)
        return {"entry": entry, "version": self.version.data}


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

    def fill(self, trainees) -> None:
        """A row for each trainee, on what is stored (``services.sheet_trainees``)."""
        for row in trainees:
            self.rows.append_entry(
                {
                    "enrolment_id": row.enrolment_id,
                    "version": row.version or 0,
                    "result": (row.result or AssessmentResult.IKKE_VURDERT).value,
                    "assessed_on": row.assessed_on,
                    "comment": row.comment or "",
                }
            )

    def entries(self) -> list[SheetRow]:
        return [
            SheetRow(
                enrolment_id=as_int(row.enrolment_id.data),
                entry=Entry(
                    AssessmentResult(row.result.data), row.assessed_on.data, row.comment.data or ""
                ),
                version=as_int(row.version.data),
            )
            for row in (entry.form for entry in self.rows)
        ]


class ProjectForm(FlaskForm):
    title = StringField(
        _l("Tittel på prosjektoppgaven"), validators=[DataRequired(REQUIRED), Length(max=300)]
    )
    approved = BooleanField(_l("Prosjektoppgaven er godkjent"))
    approved_on = NorwegianDateField(
        _l("Godkjent dato"), validators=[Optional()], description=DATE_HELP
    )
    version = VersionField()

    def project(self) -> dict:
        return {
            "title": self.title.data,
            "approved": self.approved.data,
            "approved_on": self.approved_on.data,
            "version": self.version.data,
        }
