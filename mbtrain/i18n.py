"""Language and Norwegian date formats.

The interface is written in Norwegian bokmål (the message ids are bokmål); nynorsk and English
come from the catalogs in mbtrain/translations (state bodies offer both written forms,
språklova). The choice is the user's saved language, else a cookie.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import support
from flask import Flask, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.i18n import messages_path

from mbtrain.extensions import babel

# Each language's name in itself, as the selector in the footer shows it.
LANGUAGES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}
# The two written forms of Norwegian: dates and numbers are written alike in both.
NORWEGIAN = ("nb", "nn")
DEFAULT_LANGUAGE = "nb"
LANGUAGE_COOKIE = "mbtrain_lang"
TIMEZONE = ZoneInfo("Europe/Oslo")


def today() -> date:
    """Today's date in Norway, whatever the server's clock zone."""
    return datetime.now(TIMEZONE).date()


def names(people: list[str]) -> str:
    """«Kari», «Kari og Ola», «Kari, Ola og Per»: whom a message concerns, in one phrase."""
    if len(people) <= 1:
        return "".join(people)
    return _("%(first)s og %(last)s", first=", ".join(people[:-1]), last=people[-1])


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LANGUAGE
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def _date_pattern() -> str:
    return "dd.MM.yyyy" if get_locale().language in NORWEGIAN else "d MMM yyyy"


def norwegian_date(value: date | None) -> str:
    """23.11.2026, as Norwegians write it (bokmål and nynorsk); 23 Nov 2026 in English."""
    return format_date(value, _date_pattern()) if value else ""


def norwegian_datetime(value: datetime | None) -> str:
    """A timestamp shown in Norwegian time: 23.11.2026 14:05."""
    return format_datetime(value, _date_pattern() + " HH:mm") if value else ""


class _WTFormsMessages:
    """WTForms' own messages ("Not a valid choice.") in the user's language. WTForms has no
    nynorsk catalog, so nynorsk falls back to bokmål rather than to English. Loaded when a
    form first needs a message, so the locale is not settled before the view runs."""

    def __init__(self) -> None:
        self._loaded: support.NullTranslations | None = None

    def _translations(self) -> support.NullTranslations:
        if self._loaded is None:
            language = get_locale().language
            chosen = ["nn", "nb"] if language == "nn" else [language]
            self._loaded = support.Translations.load(messages_path(), chosen, domain="wtforms")
        return self._loaded

    def ugettext(self, string: str) -> str:
        return self._translations().ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations().ungettext(singular, plural, n)


def _wtforms_messages() -> None:
    # Flask-WTF looks for the request's WTForms translations here before loading its own.
    request.wtforms_translations = _WTFormsMessages()


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Oslo")
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["date"] = norwegian_date
    app.jinja_env.filters["datetime"] = norwegian_datetime
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, get_locale=get_locale)
    app.before_request(_wtforms_messages)
