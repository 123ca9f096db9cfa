from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from mbtrain.curriculum.models import CurriculumVersion


class CompareForm(FlaskForm):
    """Two versions of one curriculum, chosen with a GET form (no JavaScript needed)."""

    old = SelectField(_l("Fra versjon"), name="fra", choices=[])
    new = SelectField(_l("Til versjon"), name="til", choices=[])

    @classmethod
    def between(cls, rows: list[CurriculumVersion]) -> "CompareForm":
        """A choice among ``rows`` (oldest first); without one in the URL, the two newest."""
        versions = [row.version for row in reversed(rows)]
        older = versions[min(1, len(versions) - 1)]
        form = cls(request.args, meta={"csrf": False}, old=older, new=versions[0])
        form.old.choices = form.new.choices = [(v, v) for v in versions]
        return form

    def chosen(self) -> tuple[str, str] | None:
        """(from, to) if there is a choice to make and it is valid."""
        if len(self.old.choices) > 1 and self.validate():
            return self.old.data, self.new.data
        return None
