"""Form pieces shared by every area: the optimistic-lock field, fields for numbers, dates and
times as Norwegians write them, and common messages."""

import math
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import DateField, FloatField, Form, HiddenField, SelectMultipleField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

REQUIRED = _l("Dette feltet må fylles ut.")
HOURS = _l("Skriv inn antall timer, for eksempel 2,5.")
DATE = _l("Skriv datoen som dd.mm.åååå, for eksempel 15.01.2027.")
TIME = _l("Skriv klokkeslettet som tt:mm, for eksempel 09:00.")


class RowForm(Form):
    """A row of a sheet (FieldList of FormField). A plain WTForms Form speaks English ("Not a
    valid choice."); this one takes WTForms' own messages in the user's language, as
    FlaskForm does."""

    class Meta:
        def get_translations(self, form):
            return wtforms_translations


class VersionField(HiddenField):
    """Carries the version a form was opened on, so a stale save is caught (409)."""

    def __init__(self, **kwargs):
        super().__init__(validators=[InputRequired()], **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = int(self.data) if self.data and str(self.data).isdigit() else None


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs, in the form WTForms 3.3+ expects."""
    return [SelectChoice(value, label) for value, label in pairs]


class HoursField(FloatField):
    """Hours as Norwegians type them, with a decimal comma (2,5) or point (2.5). ``message``:
    what is said about anything else."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, message=HOURS, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(label, validators, **kwargs)
        self.message = message

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:g}".replace(".", ",")

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.data = None
            raise ValueError(str(self.message))
        self.data = value


class NorwegianDateField(DateField):
    """A date typed as Norwegians write it (15.08.2027); ISO dates are accepted too.

    A text input rather than the browser's date picker, whose format follows the browser's
    language instead of the page's, and which cannot show a date written the Norwegian way.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%d.%m.%Y", "%Y-%m-%d"])
        kwargs.setdefault("render_kw", {"placeholder": "dd.mm.åååå", "inputmode": "numeric"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d.%m.%Y") if self.data else ""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(DATE)) from error


class NorwegianTimeField(TimeField):
    """A time of day typed as 09:00 or 09.00, in a text input (see NorwegianDateField)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%H:%M", "%H.%M"])
        kwargs.setdefault("render_kw", {"placeholder": "tt:mm", "inputmode": "numeric"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%H:%M") if self.data else ""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(TIME)) from error


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes; the form macro draws them as a fieldset with a legend."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def error_links(form: Form) -> list[tuple[str, str]]:
    """Every field error of ``form`` as (the id of the element to go to, the message), in the
    order of the form, for the error summary at its top. Rows of a sheet (FieldList of
    FormField) give one item per field in error; a group of options goes to its first one."""
    items = []
    for field in form:
        if field.type == "FieldList":
            for entry in field.entries:
                items += error_links(entry.form) if entry.type == "FormField" else _own(entry)
        elif field.type == "FormField":
            items += error_links(field.form)
        else:
            items += _own(field)
    return items


def _own(field) -> list[tuple[str, str]]:
    """The summary names the field («E-post – Dette feltet må fylles ut.»): read there, away
    from the field, a message alone would not say which one it is about."""
    target = f"{field.id}-0" if field.type in ("RadioField", "MultiCheckboxField") else field.id
    label = str(field.label.text).rstrip(" :")
    return [
        (target, _l("%(field)s – %(message)s", field=label, message=str(message)))
        for message in field.errors
        if not isinstance(message, list | tuple | dict)
    ]
