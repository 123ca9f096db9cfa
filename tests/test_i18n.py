"""The English and nynorsk catalogs cover every bokmål source string and ship compiled; the
interface follows the chosen language, nynorsk included."""

import io
import re
from datetime import date

import pytest
from babel.messages.mofile import read_mo
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from mbtrain import translations
from mbtrain.filters import long_day
from mbtrain.i18n import LANGUAGE_COOKIE, LANGUAGES, norwegian_date

PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs%]")


@pytest.fixture(scope="module", params=sorted(translations.LOCALES))
def catalog(request):
    return translations.read_catalog(request.param)


def as_tuple(value) -> tuple[str, ...]:
    """A message's id or string; plural messages have several (read_mo gives lists)."""
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def translations_by_id(catalog) -> dict:
    return {(as_tuple(m.id), m.context): as_tuple(m.string) for m in catalog if m.id}


def test_both_catalogs_are_there():
    assert set(translations.LOCALES) == {"en", "nn"}
    assert set(LANGUAGES) == {"nb", *translations.LOCALES}


def test_every_source_string_has_a_translation(catalog):
    missing = []
    for message in translations.extract_messages():
        if not message.id:
            continue
        entry = catalog.get(message.id, message.context)
        if entry is None or entry.fuzzy or not all(as_tuple(entry.string)):
            missing.append(as_tuple(message.id)[0])
    assert not missing, (
        "Untranslated or fuzzy messages; run `mbtrain translations update` and translate them "
        f"in {translations.po_file(str(catalog.locale))}:\n  " + "\n  ".join(missing)
    )


def test_the_committed_mo_is_the_compiled_po(catalog):
    compiled = read_mo(io.BytesIO(translations.compile_catalog(catalog)))
    committed = read_mo(io.BytesIO(translations.mo_file(str(catalog.locale)).read_bytes()))
    assert translations_by_id(committed) == translations_by_id(compiled), (
        "messages.mo is out of date; run `mbtrain translations update`"
    )


def test_translations_keep_the_placeholders(catalog):
    broken = []
    for message in catalog:
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


def test_login_page_is_nynorsk_with_the_language_cookie(app, client):
    client.set_cookie(LANGUAGE_COOKIE, "nn", domain=app.config["SERVER_NAME"])
    page = client.get("/logg-inn").get_data(as_text=True)
    assert '<html lang="nn">' in page
    assert "Gløymt passordet?" in page
    assert "Glemt passordet?" not in page
    assert '<option value="nn" selected lang="nn">Nynorsk</option>' in page


def test_choosing_nynorsk_in_the_footer_switches_the_interface(client):
    response = client.submit("/sprak", {"language": "nn", "next": "/logg-inn"}, page="/logg-inn")
    assert response.status_code == 302
    page = client.get("/logg-inn").get_data(as_text=True)
    assert "Gløymt passordet?" in page and "Hopp til innhaldet" in page


def test_a_signed_in_user_gets_nynorsk_pages_and_keeps_the_choice(make_user, login):
    from mbtrain.accounts.models import Role

    user = make_user(Role.COORDINATOR)
    client = login(user)
    client.submit("/sprak", {"language": "nn", "next": "/"}, page="/")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="nn">' in page
    assert "Hovudmeny" in page and "Hovedmeny" not in page
    assert user.locale == "nn"


@pytest.mark.parametrize(
    ("language", "day", "long"),
    [
        ("nb", "04.01.2027", "mandag 4. januar 2027"),
        ("nn", "04.01.2027", "måndag 4. januar 2027"),
        ("en", "4 Jan 2027", "Monday 4 January 2027"),
    ],
)
def test_dates_follow_the_language(app, language, day, long):
    headers = {"Cookie": f"{LANGUAGE_COOKIE}={language}"}
    with app.app_context(), app.test_request_context("/", headers=headers):
        assert norwegian_date(date(2027, 1, 4)) == day
        assert long_day(date(2027, 1, 4)) == long


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
        # WTForms has no nynorsk catalog: bokmål, not English.
        ("nn", "", "Dette feltet er påkrevd."),
    ],
)
def test_wtforms_own_messages_follow_the_language(app, language, posted, message):
    headers = {"Cookie": f"{LANGUAGE_COOKIE}={language}"}
    # A fresh application context: Flask-Babel caches the locale on it.
    with (
        app.app_context(),
        app.test_request_context("/", method="POST", data={"places": posted}, headers=headers),
    ):
        app.preprocess_request()  # as a real request would: the language's WTForms messages
        form = NumberForm()
        assert not form.validate()
        assert form.places.errors == [message]
