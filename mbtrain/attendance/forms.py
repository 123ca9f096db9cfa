from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import FieldList, FormField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from mbtrain.attendance.services import SheetEntry
from mbtrain.curriculum.definition import AttendanceStatus
from mbtrain.forms import REQUIRED, HoursField, VersionField
from mbtrain.forms import RowForm as SharedRowForm


class RowForm(SharedRowForm):
    """One trainee on the sheet; the CSRF token is the sheet's."""

    enrolment = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    status = SelectField(_l("Status"), choices=AttendanceStatus.choices())
    hours = HoursField(_l("Timer til stede"), validators=[Optional()])


def reason_field(**kwargs) -> TextAreaField:
    return TextAreaField(
        _l("Hvorfor endres oppmøtet nå?"),
        validators=[Optional(), Length(max=500)],
        description=_l(
            "Økten er så lenge siden at en endring må begrunnes, for eksempel «Rettet etter "
            "melding fra deltakeren». Begrunnelsen lagres i endringsloggen. Ikke skriv "
            "helseopplysninger."
        ),
        **kwargs,
    )


class SheetForm(FlaskForm):
    rows = FieldList(FormField(RowForm))
    reason = reason_field()
    attendance_version = VersionField()

    @property
    def version(self) -> int | None:
        return self.attendance_version.data

    def entries(self) -> list[SheetEntry]:
        return [
            SheetEntry(row.enrolment.data, AttendanceStatus(row.status.data), row.hours.data)
            for row in self.rows
        ]


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV-fil"),
        validators=[FileRequired(REQUIRED)],
        description=_l("Semikolon eller komma mellom kolonnene, lagret som UTF-8."),
    )
    reason = reason_field(id="import-reason")
    attendance_version = VersionField()

    @property
    def version(self) -> int | None:
        return self.attendance_version.data
