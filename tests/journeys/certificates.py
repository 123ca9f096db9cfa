"""The certificate steps of the journeys (issue 6), one function per step: the coordinator's
pre-flight, issue and ZIP; the trainee's own PDF and the public check of its code.

They run on the seeded cohort that has finished (world.seed_finished_cohort): the
journeys' own trainee has only just begun, so the pre-flight rightly lists what she lacks.
"""

import io
import zipfile

from playwright.sync_api import Page, expect

from tests.journeys.browser import check_a11y, open_menu, visit


def run_preflight_and_issue(page: Page, cohort: str, trainee: str) -> None:
    """The pre-flight lists who may have a certificate and what the others lack; then issue."""
    open_menu(page, "Kurs")
    page.get_by_role("link", name=cohort).click()
    check_a11y(page)
    page.get_by_role("link", name="Hvem kan få kursbevis, og utstedelse").click()
    check_a11y(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kursbevis for")
    row = page.get_by_role("row").filter(has_text=trainee)
    expect(row.get_by_role("cell").nth(2)).to_have_text("Ingenting")  # «Mangler»
    page.get_by_role("link", name="Utsted kursbevis til").click()
    check_a11y(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Utsted kursbevis til")
    expect(page.get_by_role("main")).to_contain_text(trainee)
    page.get_by_role("button", name="Bekreft").click()
    # The worker issues the batch; its page says how far it has come (here: done).
    expect(page.get_by_role("heading", level=1)).to_have_text("Kursbevisene er utstedt")
    expect(page.get_by_role("row").filter(has_text=trainee)).to_contain_text("Utstedt")
    check_a11y(page)
    page.get_by_role("link", name="Tilbake til kursbevisene").click()
    expect(row.get_by_role("link", name="Tilbakekall")).to_be_visible()


def download_zip(page: Page) -> None:
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned alle gyldige kursbevis (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    names = archive.namelist()
    assert names and all(name.endswith(".pdf") for name in names), names
    assert all(archive.read(name).startswith(b"%PDF") for name in names)


def download_own_certificate(page: Page) -> str:
    """The trainee's own PDF; returns the code printed beside it for checking."""
    open_menu(page, "Mitt kurs")
    page.get_by_role("link", name="Mine kursbevis").click()
    check_a11y(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine kursbevis")
    with page.expect_download() as download:
        page.get_by_role("link", name="(PDF)").first.click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    return page.locator("main code").first.inner_text()


def verify_on_public_page(page: Page, base_url: str, code: str, trainee: str) -> None:
    """Anyone may check a certificate, without logging in, and see what it certifies."""
    page.context.clear_cookies()
    visit(page, f"{base_url}/verify")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontroller et kursbevis")
    page.get_by_label("Kode").fill(code)
    page.get_by_role("button", name="Kontroller").click()
    check_a11y(page)
    expect(page.get_by_role("status").first).to_contain_text("Gyldig.")
    expect(page.get_by_role("heading", name="Dette bekrefter kursbeviset")).to_be_visible()
    expect(page.get_by_role("definition").first).to_have_text(trainee)  # «Navn»
