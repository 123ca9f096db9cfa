"""Catching the lost update: a form saved on top of someone else's newer save."""

from flask_babel import gettext as _


class StaleEdit(Exception):
    """The record changed after the form was opened; the message explains what to do."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Noen andre har lagret endringer her etter at du åpnet skjemaet. "
                "Ingenting er overskrevet. Dine endringer står fortsatt i skjemaet, og det som "
                "nå er lagret vises over det. Kontroller og lagre på nytt."
            )
        )


def check_version(current: int, submitted: int | None) -> None:
    if submitted != current:
        raise StaleEdit()
