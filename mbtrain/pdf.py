"""PDFs are templates: one HTML template and its stylesheet, plain values in, bytes out.

WeasyPrint fetches only the app's own static files (fonts): StaticOnlyFetcher refuses every
other address, so no text that reaches a template can make it read a local file or call out
to the network. The certificates keep their own, cached renderer for PDF/A
(mbtrain/certificates/pdf.py) on the same fetcher; render_pdf is for plain documents such as
the reports.
"""

import logging
import mimetypes
from collections.abc import Callable
from pathlib import Path

from flask import render_template
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from mbtrain.resources import resource_dir

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
# A made-up origin for our static files: the .invalid domain can never resolve, and our
# fetcher answers it from STATIC_DIR without any network.
STATIC_ORIGIN = "https://static.mbtrain.invalid/"


class RefusedURL(ValueError):
    """WeasyPrint asked for something other than our static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serves STATIC_ORIGIN from the static folder; refuses every other URL.

    ``on_refused`` is told each refused URL (the tests count them)."""

    def __init__(self, on_refused: Callable[[str], None] | None = None) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.on_refused = on_refused

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = self._static_path(url)
        if path is None:
            log.warning("PDF rendering refused a URL")
            if self.on_refused is not None:
                self.on_refused(url)
            raise RefusedURL("only the app's static files may be used in a PDF")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type})

    @staticmethod
    def _static_path(url: str) -> Path | None:
        if not url.startswith(STATIC_ORIGIN) or "?" in url or "#" in url or "%" in url:
            return None
        path = (STATIC_DIR / url.removeprefix(STATIC_ORIGIN)).resolve()
        if not path.is_relative_to(STATIC_DIR) or not path.is_file():
            return None
        return path


def render_pdf(template: str, stylesheet: str, **context) -> bytes:
    """``template`` and ``stylesheet`` are paths under templates/, e.g. reports/pdf/x.html."""
    fetcher = StaticOnlyFetcher()
    fonts = FontConfiguration()  # without it WeasyPrint ignores @font-face
    css_text = (resource_dir("templates") / stylesheet).read_text(encoding="utf-8")
    html = render_template(template, **context)
    document = HTML(string=html, base_url=STATIC_ORIGIN, url_fetcher=fetcher)
    stylesheet_ = CSS(
        string=css_text, base_url=STATIC_ORIGIN, url_fetcher=fetcher, font_config=fonts
    )
    return document.write_pdf(stylesheets=[stylesheet_], font_config=fonts)
