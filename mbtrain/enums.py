"""Enums whose members carry a translatable display label."""

import enum

from flask_babel import lazy_gettext
from wtforms.fields.choices import SelectChoice


class LabelledEnum(enum.Enum):
    """Members are declared as ``NAME = "NAME", _l("Label")``; the value is what is stored."""

    def __new__(cls, value: str, label: str):
        member = object.__new__(cls)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        return str(self._label)

    @classmethod
    def choices(cls) -> list[SelectChoice]:
        # The lazy label, so that a form declared at import time still shows the user's language.
        return [SelectChoice(member.value, member._label) for member in cls]

    def __str__(self) -> str:
        return self.label


_l = lazy_gettext
