"""The certificate as PDF/A-3b: our own template and stylesheet in, bytes out.

WeasyPrint is given a URL fetcher that serves the app's own static files and refuses
everything else, so no text that reaches the template can make it read a local file or
call out to the network. The stylesheet and the font configuration are made once per
process and shared by every document: the @font-face font is then fetched and registered
once, and only the layout and the PDF are made per certificate.
"""

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration

from mbtrain.pdf import STATIC_ORIGIN, StaticOnlyFetcher
from mbtrain.resources import resource_dir

STYLESHEET = "certificates/pdf/kursbevis.css"
ATTACHMENT_NAME = "kursbevis.json"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str


@cache
def _shared() -> tuple[FontConfiguration, CSS]:
    """One font configuration and one parsed stylesheet for the life of the process."""
    fonts = FontConfiguration()
    css = CSS(
        filename=str(resource_dir("templates") / STYLESHEET),
        base_url=STATIC_ORIGIN,
        url_fetcher=StaticOnlyFetcher(),
        font_config=fonts,
    )
    return fonts, css


def render_pdf(
    html: str,
    attachment: bytes,
    issued_at: datetime,
    on_refused: Callable[[str], None] | None = None,
) -> bytes:
    """A PDF/A-3b of the HTML with our stylesheet, the JSON facts attached."""
    fonts, css = _shared()
    document = HTML(string=html, base_url=STATIC_ORIGIN, url_fetcher=StaticOnlyFetcher(on_refused))
    facts = Attachment(
        string=attachment,
        name=ATTACHMENT_NAME,
        description="Sertifiserte opplysninger (Open Badges 3.0 AchievementCredential)",
        created=issued_at,
        modified=issued_at,
        relationship="Data",
        url_fetcher=StaticOnlyFetcher(on_refused),
    )
    with warnings.catch_warnings():
        # WeasyPrint leaves its sRGB profile's file for the garbage collector (PDF/A only).
        warnings.simplefilter("ignore", ResourceWarning)
        pdf = document.write_pdf(
            stylesheets=[css],
            font_config=fonts,
            pdf_variant="pdf/a-3b",
            attachments=[facts],
        )
        del document, facts
    return pdf


def layout_only(html: str) -> None:
    """The layout of the same page and nothing more: the benchmark's yardstick."""
    fonts, css = _shared()
    HTML(string=html, base_url=STATIC_ORIGIN, url_fetcher=StaticOnlyFetcher()).render(
        stylesheets=[css], font_config=fonts
    )
