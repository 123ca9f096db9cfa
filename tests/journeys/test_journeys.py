"""The three journeys in a real browser, in the order they happen in a course:

1. the coordinator creates a cohort, takes in a trainee, records a session's attendance and
   proposes a placement (its link goes to the supervisor by e-mail);
2. the trainee activates the account from the e-mail, sees the progress chart and who has
   seen their data;
3. the supervisor, with the keyboard alone, confirms the placement from the e-mailed link,
   then the trainee's hours, then signs the final evaluation;
4. certificates: the coordinator's pre-flight, issue and ZIP; the trainee's download and the
   public check (tests/journeys/certificates.py).

Each journey starts where the one before left the course, so they share one browser, one
server and one ``Story``; each checks every page it opens for universal design (browser.py).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from mbtrain.i18n import today as norwegian_today
from tests.journeys import certificates
from tests.journeys.browser import (
    DESKTOP,
    check_a11y,
    choose_radio,
    expect_flash,
    log_in,
    open_menu,
    press_on,
    type_into,
    visit,
)
from tests.journeys.world import (
    COORDINATOR,
    FINISHED_COHORT,
    FINISHED_TRAINEE,
    PARTNER_ORGANISATION,
    PASSWORD,
    PROVIDER,
    SUPERVISOR,
    TRAINEE,
    Mailbox,
    monday,
)

COHORT = "MB-kurs Bergen høst"
TRAINEE_PASSWORD = "mitt eget lange passord"


@dataclass
class Story:
    """What one journey leaves for the next: where things are."""

    cohort_url: str = ""
    enrolment_url: str = ""
    placement_url: str = ""


@pytest.fixture(scope="module")
def story() -> Story:
    return Story()


@pytest.fixture(scope="module")
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="nb-NO", viewport=DESKTOP)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    yield page
    page.close()
    context.clear_cookies()  # each journey is a different person


def norwegian(day: date) -> str:
    return day.strftime("%d.%m.%Y")


TODAY = norwegian_today()  # the app's today, also just after midnight in Oslo
COHORT_START = monday(TODAY) - timedelta(weeks=4)
COHORT_END = COHORT_START + timedelta(weeks=40)
PLACEMENT_START = monday(TODAY) - timedelta(weeks=1)
PLACEMENT_END = PLACEMENT_START + timedelta(weeks=6) - timedelta(days=3)


# 1. The coordinator ----------------------------------------------------------------------


def test_coordinator_takes_in_a_trainee_and_proposes_a_placement(page, base_url, mailbox, story):
    log_in(page, base_url, COORDINATOR, PASSWORD)
    create_cohort(page, base_url, story)
    register_application(page, story)
    assess_and_grant_place(page, mailbox)
    record_attendance(page, story)
    propose_placement(page, story, mailbox)


def create_cohort(page: Page, base_url: str, story: Story) -> None:
    visit(page, f"{base_url}/kurs/nytt")
    expect(page.get_by_role("heading", level=1)).to_have_text("Opprett kurs")
    page.get_by_label("Navn på kurset").fill(COHORT)
    page.get_by_label("Kursarrangør").select_option(label=PROVIDER)
    page.get_by_label("Startdato").fill(norwegian(COHORT_START))
    page.get_by_label("Sluttdato").fill(norwegian(COHORT_END))
    page.get_by_label("Antall plasser").fill("12")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COHORT)
    expect_flash(page, "opprettet")
    story.cohort_url = page.url


def register_application(page: Page, story: Story) -> None:
    visit(page, f"{story.cohort_url}/soknader/ny")
    page.get_by_label("Fullt navn").fill(TRAINEE[0])
    page.get_by_label("Fødselsdato").fill("14.03.1990")
    page.get_by_label("E-post").fill(TRAINEE[1])
    page.get_by_label("Søknadsdato").fill(norwegian(COHORT_START - timedelta(weeks=6)))
    page.get_by_role("button", name="Registrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TRAINEE[0])
    expect_flash(page, f"Søknaden fra {TRAINEE[0]} er registrert.")
    story.enrolment_url = page.url


def assess_and_grant_place(page: Page, mailbox: Mailbox) -> None:
    page.get_by_label("Ja, kravene er oppfylt").check()
    page.get_by_label("Begrunnelse").fill("Motivert, har erfaring fra frivillig arbeid.")
    page.get_by_role("button", name="Lagre vurdering").click()
    expect_flash(page, f"Vurderingen av {TRAINEE[0]} er lagret.")
    expect(page.get_by_text("Oppfyller kravene")).to_be_visible()

    page.get_by_label("Gi plass").check()
    page.get_by_role("button", name="Lagre vedtak").click()
    expect_flash(page, f"Plass er gitt til {TRAINEE[0]}")
    expect(page.locator(".lead")).to_contain_text("Deltar")
    expect(page.get_by_text("Invitert, ikke aktivert ennå")).to_be_visible()
    assert TRAINEE[0] in mailbox.latest(TRAINEE[1], "invitert").get_content()


def record_attendance(page: Page, story: Story) -> None:
    # Today's session, added to the timetable; then the register taken on its sheet.
    visit(page, f"{story.cohort_url}/timeplan/okter/ny")
    page.get_by_label("Modul").select_option(index=1)
    page.get_by_label("Dato").fill(norwegian(TODAY))
    page.get_by_label("Starter kl.").fill("09:00")
    page.get_by_label("Timer").fill("5")
    page.get_by_role("button", name="Lagre").click()
    expect_flash(page, "lagt til")
    page.get_by_role("link", name=f"Registrer {norwegian(TODAY)}").click()
    check_a11y(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oppmøte")
    page.get_by_label(f"Status for {TRAINEE[0]}").select_option(label="Til stede")
    page.get_by_label(f"Timer til stede for {TRAINEE[0]}").fill("3,5")
    page.get_by_role("button", name="Lagre oppmøtet").click()
    expect_flash(page, f"Oppmøtet for {norwegian(TODAY)} er lagret for 1 deltakere.")
    row = page.get_by_role("row").filter(has_text=TRAINEE[0])
    expect(row).to_contain_text("Til stede, 3,5 t")


def propose_placement(page: Page, story: Story, mailbox: Mailbox) -> None:
    visit(page, f"{story.cohort_url}/praksis/ny")
    page.get_by_label("Deltaker").select_option(label=TRAINEE[0])
    page.get_by_label("Praksissted").select_option(label=PARTNER_ORGANISATION)
    page.get_by_label("Praksisperiode").select_option(index=1)
    page.get_by_label("Veileder", exact=True).fill(SUPERVISOR[0])
    page.get_by_label("Veileders e-post", exact=True).fill(SUPERVISOR[1])
    page.get_by_label("Startdato").fill(norwegian(PLACEMENT_START))
    page.get_by_label("Sluttdato").fill(norwegian(PLACEMENT_END))
    page.get_by_label("Timer per uke").fill("19")
    page.get_by_role("button", name="Foreslå praksisplassen").click()
    expect_flash(page, f"Praksisplassen for {TRAINEE[0]} er foreslått.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TRAINEE[0])
    expect(page.locator(".lead")).to_contain_text("Foreslått")
    story.placement_url = page.url
    send_confirmation_link(page, mailbox)


def send_confirmation_link(page: Page, mailbox: Mailbox) -> None:
    page.get_by_role("button", name="Send lenke for bekreftelse til veileder").click()
    expect_flash(page, f"Lenken til {SUPERVISOR[1]} er lagt i kø for sending.")
    expect(page.get_by_text("ikke brukt ennå")).to_be_visible()
    assert "/praksislenke/" in mailbox.link(SUPERVISOR[1], "Bekreft praksisplass")


# 2. The trainee --------------------------------------------------------------------------


def test_trainee_activates_the_account_and_sees_progress_and_who_looked(page, mailbox, story):
    assert story.enrolment_url, "the coordinator's journey runs first (same module, in order)"
    activate_account(page, mailbox)
    see_progress_chart(page)
    see_who_has_seen_my_data(page)


def activate_account(page: Page, mailbox: Mailbox) -> None:
    visit(page, mailbox.link(TRAINEE[1], "invitert"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktiver kontoen din")
    page.get_by_label("Nytt passord").fill(TRAINEE_PASSWORD)
    page.get_by_label("Gjenta passordet").fill(TRAINEE_PASSWORD)
    page.get_by_role("button", name="Lagre passord").click()
    expect_flash(page, "Passordet er lagret.")
    page.get_by_label("E-post").fill(TRAINEE[1])
    page.get_by_label("Passord").fill(TRAINEE_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TRAINEE[0].split()[0])
    # The home page is her work, not a copy of the menu: what is missing to complete.
    expect(page.get_by_role("heading", name="Dette gjelder deg nå")).to_be_visible()
    expect(page.get_by_role("heading", name="Dette mangler før du kan fullføre")).to_be_visible()
    check_a11y(page)


def see_progress_chart(page: Page) -> None:
    open_menu(page, "Min progresjon")
    expect(page.get_by_role("heading", level=1)).to_have_text("Min progresjon")
    chart = page.get_by_role("img", name="Oppmøte i teori og godkjente moduler, måned for måned")
    expect(chart).to_be_visible()
    # The text alternative says what the chart shows; the same numbers are in a table.
    expect(chart.locator("desc")).to_contain_text("Oppmøte i teori så langt")
    expect(page.get_by_role("table", name="Tallene i diagrammet")).to_be_visible()


def see_who_has_seen_my_data(page: Page) -> None:
    open_menu(page, "Hvem har sett opplysningene mine")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hvem har sett opplysningene mine")
    log = page.get_by_role("table", name="Oppslag og endringer, nyeste først")
    # The coordinator registered, assessed and admitted her: those rows are hers to see.
    expect(log.get_by_role("row").filter(has_text="Koordinator").first).to_be_visible()
    expect(log).to_contain_text("Vestland")


# 3. The supervisor, with the keyboard alone ----------------------------------------------


def test_supervisor_confirms_placement_hours_and_final_evaluation_by_keyboard(
    page, base_url, mailbox, story
):
    assert story.placement_url, "the coordinator's journey runs first (same module, in order)"
    confirm_placement_from_link(page, mailbox)
    with another_person(page.context, base_url, COORDINATOR, PASSWORD) as coordinator:
        start_placement(coordinator, story)
    with another_person(page.context, base_url, TRAINEE[1], TRAINEE_PASSWORD) as trainee:
        log_hours_and_ask_for_confirmation(trainee)
    confirm_hours_from_link(page, mailbox)
    with another_person(page.context, base_url, COORDINATOR, PASSWORD) as coordinator:
        send_evaluation_link(coordinator, story)
    sign_final_evaluation_from_link(page, mailbox)


def confirm_placement_from_link(page: Page, mailbox: Mailbox) -> None:
    visit(page, mailbox.link(SUPERVISOR[1], "Bekreft praksisplass"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekreft praksisplass")
    expect(page.get_by_role("heading", name="Dette deles med dere")).to_be_visible()
    expect(page.get_by_text(TRAINEE[0]).first).to_be_visible()
    choose_radio(page, page.get_by_label("Vi bekrefter praksisplassen"))
    type_into(page, page.get_by_label("Ditt navn"), SUPERVISOR[0])
    press_on(page, page.get_by_role("button", name="Send svaret"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Takk")
    expect_flash(page, "Svaret er registrert")


def confirm_hours_from_link(page: Page, mailbox: Mailbox) -> None:
    visit(page, mailbox.link(SUPERVISOR[1], "Bekreft praksistimer"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekreft timer i praksis")
    week = page.get_by_role("checkbox")
    expect(week).not_to_be_checked()  # nothing is ticked for the supervisor: they tick it
    press_on(page, week, "Space")
    expect(week).to_be_checked()
    expect(page.get_by_role("table")).to_contain_text("17,5")
    type_into(page, page.get_by_label("Ditt navn"), SUPERVISOR[0])
    press_on(page, page.get_by_role("button", name="Bekreft timene"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Takk")
    expect_flash(page, "Timene er bekreftet")


def sign_final_evaluation_from_link(page: Page, mailbox: Mailbox) -> None:
    visit(page, mailbox.link(SUPERVISOR[1], "Sluttvurdering"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sluttvurdering av praksis")
    choose_radio(page, page.get_by_label("Bestått", exact=True))
    type_into(page, page.get_by_label("Kort begrunnelse"), "Stabil og omsorgsfull i arbeidet.")
    type_into(page, page.get_by_label("Ditt navn"), SUPERVISOR[0])
    press_on(page, page.get_by_role("button", name="Signer sluttvurderingen"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Takk")
    expect_flash(page, "Sluttvurderingen er signert")


# What the others do between the supervisor's steps (with the mouse) ------------------------


@contextmanager
def another_person(context: BrowserContext, base_url: str, email: str, password: str):
    """A second browser window, logged in as someone else, closed afterwards."""
    other = context.browser.new_context(locale="nb-NO", viewport=DESKTOP)
    other.set_default_timeout(10_000)
    page = other.new_page()
    log_in(page, base_url, email, password)
    try:
        yield page
    finally:
        other.close()


def start_placement(page: Page, story: Story) -> None:
    visit(page, story.placement_url)
    expect(page.locator(".lead")).to_contain_text("Bekreftet")
    page.get_by_label("Taushetserklæring signert").fill(norwegian(PLACEMENT_START))
    page.get_by_role("button", name="Lagre datoene").click()
    expect_flash(page, f"Opplysningene om praksisplassen til {TRAINEE[0]} er lagret.")
    page.get_by_role("button", name="Start praksisen").click()
    expect_flash(page, f"Praksisplassen til {TRAINEE[0]} har nå status «Pågår».")


def log_hours_and_ask_for_confirmation(page: Page) -> None:
    open_menu(page, "Min praksis")
    expect(page.get_by_role("heading", level=1)).to_have_text("Min praksis")
    page.get_by_role("link", name="Før timer").first.click()
    check_a11y(page)
    page.get_by_label("Timer denne uken").fill("17,5")
    page.get_by_role("button", name="Lagre timene").click()
    expect_flash(page, "Timene er lagret.")
    page.get_by_role("button", name="Be veilederen bekrefte timene").click()
    expect_flash(page, "Veilederen har fått en e-post")


def send_evaluation_link(page: Page, story: Story) -> None:
    visit(page, story.placement_url)
    expect(page.get_by_text("1 uke bekreftet").or_(page.get_by_text("17,5"))).not_to_have_count(0)
    page.get_by_role("button", name="Send lenke for sluttvurdering").click()
    expect_flash(page, f"Lenken til {SUPERVISOR[1]} er lagt i kø for sending.")


# 4. Certificates (tests/journeys/certificates.py) ----------------------------------------
# Issued to the trainee of the seeded cohort that has finished (see world.py).


def test_coordinator_issues_certificates(page, base_url):
    log_in(page, base_url, COORDINATOR, PASSWORD)
    certificates.run_preflight_and_issue(page, FINISHED_COHORT, FINISHED_TRAINEE[0])
    certificates.download_zip(page)


def test_trainee_downloads_and_verifies_the_certificate(page, base_url):
    log_in(page, base_url, FINISHED_TRAINEE[1], PASSWORD)
    code = certificates.download_own_certificate(page)
    certificates.verify_on_public_page(page, base_url, code, FINISHED_TRAINEE[0])
