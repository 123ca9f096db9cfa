"""The English catalog covers every Norwegian source string and ships compiled."""

import io
import re

import pytest
from babel.messages.mofile import read_mo
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from mbtrain import translations
from mbtrain.i18n import LANGUAGE_COOKIE

PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs%]")


@pytest.fixture(scope="module")
def english():
    return translations.read_catalog()


def as_tuple(value) -> tuple[str, ...]:
    """A message's id or string; plural messages have several (read_mo gives lists)."""
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def translations_by_id(catalog) -> dict:
    return {(as_tuple(m.id), m.context): as_tuple(m.string) for m in catalog if m.id}


def test_every_source_string_has_an_english_translation(english):
    missing = []
    for message in translations.extract_messages():
        if not message.id:
            continue
        entry = english.get(message.id, message.context)
        if entry is None or entry.fuzzy or not all(as_tuple(entry.string)):
            missing.append(as_tuple(message.id)[0])
    assert not missing, (
        "Untranslated or fuzzy messages; run `mbtrain translations update` and translate them "
        "in mbtrain/translations/en/LC_MESSAGES/messages.po:\n  " + "\n  ".join(missing)
    )


def test_the_committed_mo_is_the_compiled_po(english):
    compiled = read_mo(io.BytesIO(translations.compile_catalog(english)))
    committed = read_mo(io.BytesIO(translations.MO_FILE.read_bytes()))
    assert translations_by_id(committed) == translations_by_id(compiled), (
        "messages.mo is out of date; run `mbtrain translations update`"
    )


def test_translations_keep_the_placeholders(english):
    broken = []
    for message in english:
        if not message.id or not message.string:
            continue
        source = sorted(PLACEHOLDER.findall(as_tuple(message.id)[0]))
        for text in as_tuple(message.id)[1:] + as_tuple(message.string):
            if sorted(PLACEHOLDER.findall(text)) != source:
                broken.append(f"{as_tuple(message.id)[0]!r} -> {text!r}")
    assert not broken, "\n".join(broken)


def test_login_page_is_english_with_the_language_cookie(app, client):
    client.set_cookie(LANGUAGE_COOKIE, "en", domain=app.config["SERVER_NAME"])
    page = client.get("/logg-inn").get_data(as_text=True)
    assert "Log in" in page
    assert "Logg inn" not in page
    assert '<html lang="en">' in page


def test_choosing_english_in_the_footer_switches_the_interface(client):
    response = client.submit("/sprak", {"language": "en", "next": "/logg-inn"}, page="/logg-inn")
    assert response.status_code == 302
    assert "Forgotten your password?" in client.get("/logg-inn").get_data(as_text=True)


class NumberForm(FlaskForm):
    class Meta:
        csrf = False

    places = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=5)])


@pytest.mark.parametrize(
    ("language", "posted", "message"),
    [
        ("nb", "", "Dette feltet er påkrevd."),
        ("nb", "9", "Tall må være mellom 1 og 5."),
        ("en", "", "This field is required."),
        ("en", "9", "Number must be between 1 and 5."),
    ],
)
def test_wtforms_own_messages_follow_the_language(app, language, posted, message):
    headers = {"Cookie": f"{LANGUAGE_COOKIE}={language}"}
    # A fresh application context: Flask-Babel caches the locale on it.
    with (
        app.app_context(),
        app.test_request_context("/", method="POST", data={"places": posted}, headers=headers),
    ):
        form = NumberForm()
        assert not form.validate()
        assert form.places.errors == [message]
