"""What a service raises when it refuses: the user's own words for what is wrong, and where.

A leaf module: every domain error subclasses ``Refused``, so one helper (``web.attempt``) turns
any refusal into form errors with the right status, and nothing above it needs a ``try``.
"""

from collections.abc import Mapping

from flask_babel import gettext as _


class Refused(Exception):
    """A broken rule. ``errors`` maps a form field's name (None: the whole form) to a message
    meant for the user; ``status`` is the HTTP status of the page that says so."""

    status = 400

    def __init__(
        self,
        message: str = "",
        field: str | None = None,
        *,
        errors: Mapping[str | None, str] | None = None,
    ) -> None:
        self.errors: dict[str | None, str] = dict(errors) if errors else {field: message}
        self.field = field if not errors else next(iter(self.errors))
        super().__init__(message or "; ".join(self.errors.values()))

    @property
    def message(self) -> str:
        return str(self)

    def place(self, form) -> None:
        """Put the messages on the form: on the visible field they name, or above the form
        (a hidden field shows no message of its own)."""
        for name, message in self.errors.items():
            field = form._fields.get(name) if name else None
            if field is None or getattr(field.widget, "input_type", None) == "hidden":
                form.form_errors.append(message)
            else:
                field.errors = [*field.errors, message]


class StaleEdit(Refused):
    """The record changed after the form was opened; the message explains what to do."""

    status = 409

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or _(
                "Noen andre har lagret endringer her etter at du åpnet skjemaet. "
                "Ingenting er overskrevet. Dine endringer står fortsatt i skjemaet, og det som "
                "nå er lagret vises over det. Kontroller og lagre på nytt."
            )
        )
