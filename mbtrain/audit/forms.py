from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField
from wtforms.validators import NumberRange, Optional

from mbtrain.ids import INT_MAX

ID = [Optional(), NumberRange(min=1, max=INT_MAX)]


class AccessLogSearchForm(FlaskForm):
    actor_user_id = IntegerField(_l("Hvem (bruker-id)"), validators=ID)
    subject_user_id = IntegerField(_l("Hvem sine opplysninger (bruker-id)"), validators=ID)
    subject_person_id = IntegerField(_l("Hvem sine opplysninger (person-id)"), validators=ID)
    date_from = DateField(_l("Fra dato"), validators=[Optional()])
    date_to = DateField(_l("Til dato"), validators=[Optional()])

    def criteria(self) -> dict[str, Any]:
        """What to search for, if the form is valid; nothing (the newest rows) if not."""
        return dict(self.data) if self.validate() else {}
