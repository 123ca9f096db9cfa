"""Enums whose members carry a translatable display label."""

import enum

from flask_babel import lazy_gettext


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
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    def __str__(self) -> str:
        return self.label


_l = lazy_gettext
