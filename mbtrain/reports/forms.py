from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional


class ReportFilterForm(FlaskForm):
    """The filters travel in the address (GET), so a report can be bookmarked and shared."""

    class Meta:
        csrf = False

    fylke = SelectField(_l("Fylke"), validators=[Optional()])
    aar = IntegerField(
        _l("År kurset startet"),
        validators=[Optional(), NumberRange(2000, 2100, _l("Velg et år mellom 2000 og 2100."))],
    )
    laereplan = SelectField(_l("Læreplanversjon"), validators=[Optional()])
