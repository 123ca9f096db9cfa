"""Form pieces shared by every area: the optimistic-lock field and common messages."""

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

REQUIRED = _l("Dette feltet må fylles ut.")


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
