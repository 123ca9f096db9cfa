"""Run by .ci/run with an installed wheel, from outside the repository.

Proves that the installed package carries what a source checkout keeps beside it (templates,
curriculum, migrations) and its compiled translations: the database the CLI migrated serves
the login page in Norwegian and English, and the account `mbtrain create-user` made can log in;
PDFs render with the font shipped in the package's static folder.
"""

import os
import re
import sys
from pathlib import Path

import mbtrain
from mbtrain import create_app
from mbtrain.curriculum.loader import shipped_curricula
from mbtrain.resources import resource_dir

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def files_under(root: Path) -> set[str]:
    return {
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def check_resources(repo: Path) -> None:
    package = Path(mbtrain.__file__).resolve().parent
    assert repo not in package.parents, f"mbtrain imported from the checkout: {package}"
    for name in ("templates", "curriculum", "migrations"):
        installed = resource_dir(name)
        assert installed == package / "_data" / name, installed
        missing = files_under(repo / name) - files_under(installed)
        assert not missing, f"{name} missing from the wheel: {sorted(missing)}"
    assert (package / "translations/en/LC_MESSAGES/messages.mo").is_file(), "no compiled catalog"
    assert shipped_curricula(), "no curriculum loaded from the wheel"


def check_pages() -> None:
    app = create_app()
    norwegian = app.test_client().get("/logg-inn").get_data(as_text=True)
    assert "Logg inn" in norwegian and '<html lang="nb">' in norwegian, "no Norwegian login page"

    english = app.test_client()
    english.set_cookie("mbtrain_lang", "en")
    page = english.get("/logg-inn").get_data(as_text=True)
    assert "Log in" in page and "Logg inn" not in page, "English catalog missing from the wheel"

    browser = app.test_client()
    token = CSRF_RE.search(browser.get("/logg-inn").get_data(as_text=True)).group(1)
    login = {
        "email": os.environ["CI_ADMIN_EMAIL"],
        "password": os.environ["CI_ADMIN_PASSWORD"],
        "csrf_token": token,
    }
    assert browser.post("/logg-inn", data=login).status_code == 302, "the new admin cannot log in"
    home = browser.get("/").get_data(as_text=True)
    assert "administrator for hele landet" in home, "the admin's home page is missing"


def check_pdf() -> None:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from mbtrain.pdf import STATIC_ORIGIN, StaticOnlyFetcher

    fetched: list[str] = []

    class Recording(StaticOnlyFetcher):
        def fetch(self, url, headers=None):
            response = super().fetch(url, headers)
            fetched.append(url)
            return response

    font_url = f"{STATIC_ORIGIN}fonts/mbsans-regular.ttf"
    fonts = FontConfiguration()
    face = CSS(
        string=f"@font-face {{ font-family: MB; src: url({font_url}) }} p {{ font-family: MB }}",
        url_fetcher=Recording(),
        font_config=fonts,
    )
    pdf = HTML(string="<p>Kursbevis: Åse Ødegård</p>").write_pdf(
        stylesheets=[face], font_config=fonts
    )
    assert pdf.startswith(b"%PDF"), "WeasyPrint made no PDF"
    assert fetched == [font_url], f"the certificate font was not served from the wheel: {fetched}"


if __name__ == "__main__":
    check_resources(Path(sys.argv[1]).resolve())
    check_pages()
    check_pdf()
    print(
        "wheel: resources inside the package; migrated, served nb and en, the new admin logs in,"
        " PDFs render with the shipped font"
    )
