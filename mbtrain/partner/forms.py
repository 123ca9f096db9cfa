"""What every signature asks (the signer's typed name), and each signing step's own fields."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from mbtrain.followup.forms import NO_HEALTH
from mbtrain.forms import REQUIRED, choices


class SignForm(FlaskForm):
    """What every signature asks: the signer's typed name. ``content_sha256`` is the hash of
    what the page showed, so a change in the meantime is caught instead of signed."""

    typed_name = StringField(
        _l("Ditt navn"),
        validators=[DataRequired(REQUIRED), Length(max=200)],
        description=_l("Skriv fullt navn. Det gjelder som din signatur."),
        render_kw={"autocomplete": "name"},
    )
    content_sha256 = HiddenField()


class PlacementAnswerForm(SignForm):
    decision = RadioField(
        _l("Svar"),
        choices=choices(
            [
                ("confirm", _l("Vi bekrefter praksisplassen")),
                ("decline", _l("Vi takker nei")),
            ]
        ),
        validators=[InputRequired(_l("Velg om dere bekrefter eller takker nei."))],
    )
    reason = TextAreaField(
        _l("Begrunnelse (må fylles ut når dere takker nei)"),
        validators=[Optional(), Length(max=500)],
        description=NO_HEALTH,
    )


class HoursConfirmForm(SignForm):
    weeks = SelectMultipleField(
        _l("Uker som bekreftes"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class FinalEvaluationForm(SignForm):
    passed = RadioField(
        _l("Vurdering"),
        choices=choices([("yes", _l("Bestått")), ("no", _l("Ikke bestått"))]),
        validators=[InputRequired(_l("Velg bestått eller ikke bestått."))],
    )
    text = TextAreaField(
        _l("Kort begrunnelse"),
        validators=[DataRequired(REQUIRED), Length(max=2000)],
        description=NO_HEALTH,
    )


class ConcernForm(SignForm):
    text = TextAreaField(
        _l("Hva er det tvil om?"),
        validators=[DataRequired(REQUIRED), Length(max=2000)],
        description=_l(
            "Beskriv hva som må bli bedre for at praksisen skal bli bestått, og hva dere har "
            "avtalt. Ikke skriv helseopplysninger eller diagnoser."
        ),
    )
