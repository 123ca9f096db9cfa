"""Forms of the certificates area: verify by code or by file, issue, re-issue, revoke."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from mbtrain.certificates import codes
from mbtrain.forms import REQUIRED, choices
from mbtrain.idempotency import SubmissionKeyField

# Norwegian is written in the trainee's own written form, bokmål or nynorsk (wording.ISSUED_AS).
LANGUAGE_CHOICES = choices(
    [("nb", _l("Norsk (deltakerens målform: bokmål eller nynorsk)")), ("en", _l("Engelsk"))]
)


class VerifyCodeForm(FlaskForm):
    """A GET form: the code goes in the address, so the result page can be bookmarked."""

    class Meta:
        csrf = False

    kode = StringField(
        _l("Kode"),
        validators=[InputRequired(REQUIRED), Length(max=40)],
        description=_l("Koden står nederst på kursbeviset, for eksempel K7QX-9M2P-4RTW."),
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )

    def validate_kode(self, field):
        """A code as typed becomes the code as printed; a typo says what is wrong with it."""
        if field.errors:
            return
        try:
            field.data = codes.normalise(field.data)
        except codes.CodeError as error:
            raise ValidationError(str(error)) from error


class UploadForm(FlaskForm):
    document = FileField(
        _l("Kursbevis som PDF"),
        validators=[FileRequired(_l("Velg PDF-filen du har fått."))],
        description=_l("Filen sammenlignes med det utstedte dokumentet. Den lagres ikke."),
        render_kw={"accept": "application/pdf"},
    )


class IssueAllForm(FlaskForm):
    """The confirmation of «issue to all»: the trainees it named, as hidden fields."""

    enrolment = SelectMultipleField(coerce=int, validate_choice=False)
    submission_key = SubmissionKeyField(
        repeated=_l("Skjemaet var allerede sendt. Ingen kursbevis er utstedt to ganger.")
    )


class IssueOneForm(FlaskForm):
    submission_key = SubmissionKeyField(
        repeated=_l("Skjemaet var allerede sendt. Kursbeviset er ikke utstedt to ganger.")
    )
    language = RadioField(_l("Språk"), choices=LANGUAGE_CHOICES, default="nb")


class LanguageChoice(FlaskForm):
    """The language asked for on the way to the confirmation page (a GET: no CSRF)."""

    class Meta:
        csrf = False

    language = RadioField(_l("Språk"), choices=LANGUAGE_CHOICES, default="nb")


class RevokeForm(FlaskForm):
    submission_key = SubmissionKeyField(
        repeated=_l("Skjemaet var allerede sendt. Kursbeviset er tilbakekalt én gang.")
    )
    reason = TextAreaField(
        _l("Hvorfor tilbakekalles kursbeviset?"),
        validators=[DataRequired(REQUIRED), Length(max=500)],
        description=_l("Begrunnelsen vises på kontrollsiden for alle som sjekker koden."),
    )
