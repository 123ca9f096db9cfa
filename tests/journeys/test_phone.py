"""Each role's main tasks on a phone (390 CSS px from the first page on): the menu folded into
«Meny» and opened without script, tables that scroll in their own box or stack into cards,
and every page checked by browser.check_a11y (axe at 390 px and at the desktop width, and no
element wider than the window at 390, 320 and 640 px).

The journeys in test_journeys.py check the same on every page they open, starting wide; these
start narrow, as someone on a phone does, so the folded menu is what they must use."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.journeys.browser import PHONE, check_a11y, check_fits, log_in, open_menu
from tests.journeys.world import (
    ADMIN,
    COORDINATOR,
    FINISHED_COHORT,
    FINISHED_TRAINEE,
    INSTRUCTOR,
    PARTNER,
    PASSWORD,
)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(locale="nb-NO", viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def expect_folded_menu(page: Page) -> None:
    """On a phone the menu is one button; opened, it lists the pages and «Logg ut»."""
    menu = page.locator("details.menu-narrow")
    expect(menu.locator("summary")).to_be_visible()
    expect(page.get_by_role("navigation", name="Hovedmeny")).to_be_hidden()
    menu.locator("summary").click()
    expect(page.get_by_role("navigation", name="Hovedmeny")).to_be_visible()
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()
    check_fits(page, "a phone with the menu open")
    menu.locator("summary").click()


def open_a_sheet(page: Page) -> None:
    """From the timetable: a session's link to its sheet («Registrer», «N registrert» or
    «Oppmøteliste»)."""
    sheet = re.compile("[Rr]egistrer|Oppmøteliste")
    page.get_by_role("main").get_by_role("link", name=sheet).first.click()
    check_a11y(page)


def expect_sheet_in_view(page: Page) -> None:
    """The attendance sheet stacks into one card per trainee: every column stays in view."""
    hours = page.get_by_label(f"Timer til stede for {FINISHED_TRAINEE[0]}")
    hours.scroll_into_view_if_needed()
    box = hours.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


def follow(page: Page, name: str) -> None:
    page.get_by_role("main").get_by_role("link", name=name).first.click()
    check_a11y(page)


def test_coordinator_on_a_phone_opens_a_cohort_its_attendance_and_progress(phone, base_url):
    log_in(phone, base_url, COORDINATOR, PASSWORD)
    expect_folded_menu(phone)
    open_menu(phone, "Kurs")
    follow(phone, FINISHED_COHORT)
    cohort_url = phone.url
    follow(phone, "Progresjon for alle deltakerne")
    # The matrix is far wider than a phone: it scrolls in a region that can be reached and
    # named, and the page itself does not.
    region = phone.get_by_role("region", name="Tabell som kan rulles sideveis").first
    expect(region).to_be_visible()
    assert region.evaluate("e => e.scrollWidth > e.clientWidth"), "the matrix did not scroll"
    assert region.get_attribute("tabindex") == "0"
    phone.goto(cohort_url)
    follow(phone, "Hele timeplanen")
    open_a_sheet(phone)
    expect_sheet_in_view(phone)


def test_coordinator_on_a_phone_sees_an_error_summary_that_leads_to_the_field(phone, base_url):
    log_in(phone, base_url, COORDINATOR, PASSWORD)
    phone.goto(f"{base_url}/kurs/nytt")
    check_a11y(phone)
    phone.get_by_role("button", name="Lagre").click()
    summary = phone.locator(".aksel-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Du må rette dette før du kan gå videre:")
    link = summary.get_by_role("link", name="Navn på kurset – Dette feltet må fylles ut.")
    link.click()
    expect(phone.get_by_label("Navn på kurset")).to_be_in_viewport()
    assert phone.url.endswith("#name")
    check_a11y(phone)


def test_trainee_on_a_phone_reads_progress_and_timetable(phone, base_url):
    log_in(phone, base_url, FINISHED_TRAINEE[1], PASSWORD)
    expect_folded_menu(phone)
    open_menu(phone, "Min progresjon")
    expect(phone.get_by_role("heading", name="Min progresjon", level=1)).to_be_visible()
    open_menu(phone, "Min timeplan")
    open_menu(phone, "Mine data")


def test_admin_on_a_phone_finds_users_and_the_access_log(phone, base_url):
    log_in(phone, base_url, ADMIN, PASSWORD)
    expect_folded_menu(phone)
    open_menu(phone, "Brukere")
    open_menu(phone, "Tilgangslogg")


def test_instructor_on_a_phone_goes_from_the_course_to_a_sheet(phone, base_url):
    """The instructor's cohort (ended, so not on the home page's list of work), its timetable
    and a session's sheet; on a phone the sheet stacks into cards with every field in view."""
    log_in(phone, base_url, INSTRUCTOR, PASSWORD)
    check_a11y(phone)
    expect_folded_menu(phone)
    open_menu(phone, "Kurs")
    follow(phone, FINISHED_COHORT)
    follow(phone, "Hele timeplanen")
    open_a_sheet(phone)
    expect_sheet_in_view(phone)


def test_partner_on_a_phone_finds_the_placements(phone, base_url):
    log_in(phone, base_url, PARTNER, PASSWORD)
    check_a11y(phone)
    expect_folded_menu(phone)
    open_menu(phone, "Praksisplasser hos oss")
    check_a11y(phone)
    expect(phone.get_by_role("heading", name="Praksisplasser hos oss", level=1)).to_be_visible()
