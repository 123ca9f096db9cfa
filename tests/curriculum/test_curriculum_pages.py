"""The curriculum pages: the list, one version in full, and what changed between two versions."""

import html
import re

import pytest

from mbtrain.accounts.models import Role
from mbtrain.curriculum import loader, services
from mbtrain.extensions import db

READERS = [Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR]
OTHERS = [Role.TRAINEE, Role.PARTNER]
PAGES = ["/laereplaner/", "/laereplaner/MB-NASJONAL/2025.1", "/laereplaner/MB-NASJONAL/sammenlign"]


@pytest.fixture
def two_versions(app, shipped_text, edit_curriculum):
    """The shipped 2025.1 and a 2026.1 in which T1-02 has 20 hours instead of 24."""
    services.import_curriculum(loader.parse(shipped_text, "mb-nasjonal-2025.1.toml"))
    text = edit_curriculum(shipped_text, "top", "version", '"2026.1"')
    text = edit_curriculum(text, "T1-02", "hours", "20")
    services.import_curriculum(loader.parse(text, "mb-nasjonal-2026.1.toml"))
    db.session.commit()


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def visible(markup: str) -> str:
    """The page's text as a reader sees it: no tags, whitespace collapsed."""
    body = markup[markup.index("<main") :]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.mark.parametrize("role", READERS)
def test_the_list_shows_every_version_newest_first(role, login_as, two_versions):
    client = login_as(role)
    text = page(client, "/laereplaner/")
    assert text.index('href="/laereplaner/MB-NASJONAL/2026.1"') < text.index(
        'href="/laereplaner/MB-NASJONAL/2025.1"'
    )
    assert "Kvalifisering av medarbeidere med brukererfaring (MB)" in text
    assert 'href="/laereplaner/MB-NASJONAL/sammenlign"' in text
    assert 'href="/laereplaner/"' in page(client, "/")  # in the menu


@pytest.mark.parametrize("role", READERS)
def test_a_version_shows_blocks_modules_outcomes_and_the_completion_rule(
    role, login_as, two_versions
):
    markup = page(login_as(role), "/laereplaner/MB-NASJONAL/2025.1")
    text = visible(markup)
    for expected in [
        "Prosjekt og avslutning",
        "T1-02 Tilfriskning (recovery) og empowerment",
        "Kan forklare empowerment på individ-, gruppe- og samfunnsnivå.",
        "Signert læringsavtale",
        "10 uker",
        "Minst 80 % oppmøte i teori.",
        "Minst 80 % oppmøte i praksis.",
        "Fravær som teller mot oppmøtet: syk, avtalt fravær, ikke møtt.",
        "14 obligatoriske moduler må være godkjent.",
        "2 praksisperioder med bestått sluttvurdering.",
        "Prosjektoppgaven må være godkjent.",
        "Sum 14 624",
        "Teori 204 timer Praksis 380 timer Prosjekt 40 timer Uker i praksis 20",
    ]:
        assert expected in text, expected
    assert 'style="' not in markup and "<script" not in markup


@pytest.mark.parametrize("role", READERS)
def test_the_comparison_shows_the_changed_module(role, login_as, two_versions):
    text = visible(page(login_as(role), "/laereplaner/MB-NASJONAL/sammenlign"))
    assert "Fra versjon 2025.1 til versjon 2026.1" in text
    assert (
        "Endret modul: T1-02 Tilfriskning (recovery) og empowerment Felt Før Etter Timer 24 20"
        in (text)
    )
    assert "Endret modul: T1-01" not in text


def test_versions_are_chosen_in_a_get_form(login_as, two_versions):
    client = login_as(Role.COORDINATOR)
    markup = page(client, "/laereplaner/MB-NASJONAL/sammenlign?fra=2026.1&til=2025.1")
    assert '<form method="get"' in markup
    assert "Fra versjon 2026.1 til versjon 2025.1" in visible(markup)
    same = page(client, "/laereplaner/MB-NASJONAL/sammenlign?fra=2025.1&til=2025.1")
    assert "Versjonene har samme innhold." in same
    unknown = page(client, "/laereplaner/MB-NASJONAL/sammenlign?fra=1999.1&til=2025.1")
    assert 'aria-invalid="true"' in unknown and "Ikke et gyldig valg" in unknown
    assert "til versjon 2025.1" not in visible(unknown)


def test_a_single_version_has_nothing_to_compare(login_as, shipped_text):
    services.import_curriculum(loader.parse(shipped_text, "mb-nasjonal-2025.1.toml"))
    db.session.commit()
    text = page(login_as(Role.ADMIN), "/laereplaner/MB-NASJONAL/sammenlign")
    assert "Det finnes bare én versjon av denne læreplanen." in text


def test_an_empty_list_says_how_to_import(login_as):
    text = page(login_as(Role.ADMIN), "/laereplaner/")
    assert "Ingen læreplaner er importert ennå." in text


def test_an_unknown_curriculum_or_version_is_not_found(login_as, two_versions):
    client = login_as(Role.ADMIN)
    assert client.get("/laereplaner/MB-NASJONAL/2024.1").status_code == 404
    assert client.get("/laereplaner/MB-ANNEN/2025.1").status_code == 404
    assert client.get("/laereplaner/MB-ANNEN/sammenlign").status_code == 404


@pytest.mark.parametrize("role", OTHERS)
def test_trainees_and_partners_are_refused(role, login_as, two_versions):
    client = login_as(role)
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    assert 'href="/laereplaner/"' not in page(client, "/")
