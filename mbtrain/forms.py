"""Form pieces shared by every area: the optimistic-lock field, error placement and common
messages."""

import math
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import FloatField, Form, HiddenField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

REQUIRED = _l("Dette feltet må fylles ut.")
HOURS = _l("Skriv antall timer som et tall, for eksempel 2,5.")


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


def show_error(form: Form, error: Exception) -> None:
    """A service's refusal shown where it belongs: beside the visible field it names
    (``error.field``, where the error has one), else at the top of the form."""
    field = getattr(form, getattr(error, "field", None) or "", None)
    if field is not None and field.type != "HiddenField":
        field.errors.append(str(error))
    else:
        form.form_errors.append(str(error))


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


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes; the form macro draws them as a fieldset with a legend."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
