from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from mbtrain.accounts.models import Role
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.extensions import db
from mbtrain.forms import choices
from mbtrain.organisations.models import County


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

    @classmethod
    def for_counties(cls, counties: list[County]) -> "ReportFilterForm":
        """The filters in the address, to choose among these counties and every version."""
        form = cls(formdata=request.args)
        everything = _("Hele landet") if current_user.role is Role.ADMIN else _("Alle mine fylker")
        form.fylke.choices = choices([("", everything), *((str(c.id), c.name) for c in counties)])
        versions = db.session.execute(
            select(
                CurriculumVersion.id, CurriculumVersion.code, CurriculumVersion.version
            ).order_by(CurriculumVersion.code, CurriculumVersion.version)
        )
        form.laereplan.choices = choices(
            [("", _("Alle versjoner")), *((str(v.id), f"{v.code} {v.version}") for v in versions)]
        )
        return form
