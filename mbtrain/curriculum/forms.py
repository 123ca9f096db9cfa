from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField


class CompareForm(FlaskForm):
    """Two versions of one curriculum, chosen with a GET form (no JavaScript needed)."""

    old = SelectField(_l("Fra versjon"), name="fra", choices=[])
    new = SelectField(_l("Til versjon"), name="til", choices=[])
