"""WeasyPrint fetches nothing but our static files, whatever text reaches the template."""

import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from mbtrain import pdf as shared_pdf
from mbtrain.assessments.models import ProjectAssignment
from mbtrain.certificates import pdf
from mbtrain.extensions import db
from mbtrain.organisations.models import Organisation
from mbtrain.placements.models import Signature
from tests.certificates.conftest import certificate_of, confirmed, pdf_attachment, pdf_text

PASSWD_LINE = "root:x:0:0"


@pytest.fixture
def listener():
    """A local web server that counts every request made to it."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { background: red }")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


@pytest.fixture
def fetched(monkeypatch) -> list[str]:
    """Every URL WeasyPrint asks the fetcher for, allowed or not."""
    asked: list[str] = []
    original = shared_pdf.StaticOnlyFetcher.fetch

    def fetch(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(shared_pdf.StaticOnlyFetcher, "fetch", fetch)
    return asked


def fragments(base: str) -> list[str]:
    return [
        '<img src="file:///etc/passwd">',
        f'<link rel="stylesheet" href="{base}/x.css">',
        '<a rel="attachment" href="file:///etc/passwd">x</a>',
        f"<style>@import url({base}/y.css); body {{ background: url(file:///etc/passwd) }}</style>",
        f"file:///etc/passwd {base}/z",
    ]


def payloads(base: str) -> str:
    return "".join(fragments(base))


def hostile(base: str, prefix: str, index: int) -> str:
    """Two of the fragments, different for each field; short enough for any name column."""
    parts = fragments(base)
    return f"{prefix} {parts[index % len(parts)]} {parts[(index + 1) % len(parts)]}"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        f"{shared_pdf.STATIC_ORIGIN}../../../../etc/passwd",
        f"{shared_pdf.STATIC_ORIGIN}%2e%2e/%2e%2e/etc/passwd",
        f"{shared_pdf.STATIC_ORIGIN}fonts/../../certificates/models.py",
        "https://static.mbtrain.invalid.example.org/fonts/mbsans-regular.ttf",
    ],
)
def test_the_fetcher_refuses_all_but_the_static_folder(url):
    refused = []
    with pytest.raises(shared_pdf.RefusedURL):
        shared_pdf.StaticOnlyFetcher(refused.append).fetch(url)
    assert refused == [url]


def test_the_fetcher_serves_our_font():
    response = shared_pdf.StaticOnlyFetcher().fetch(
        f"{shared_pdf.STATIC_ORIGIN}fonts/mbsans-regular.ttf"
    )
    assert response.read()[:4] == b"\x00\x01\x00\x00"


def test_markup_that_reaches_weasyprint_unescaped_still_fetches_nothing(listener, fetched):
    base, hits = listener
    refused: list[str] = []
    document = pdf.render_pdf(
        f"<html><body><p>Hei</p>{payloads(base)}</body></html>",
        b"{}",
        datetime.now(UTC),
        on_refused=refused.append,
    )
    assert hits == []
    assert "file:///etc/passwd" in refused and f"{base}/x.css" in refused
    assert all(url.startswith(shared_pdf.STATIC_ORIGIN) for url in fetched if url not in refused)
    assert PASSWD_LINE.encode() not in document
    assert pdf_attachment(document)[0] == "kursbevis.json"


def test_hostile_text_in_every_field_is_printed_as_text(course, login, listener, fetched):
    base, hits = listener
    person = course.complete.person
    person.name = hostile(base, "Åse", 0)
    course.cohort.provider.name = hostile(base, "Arrangør", 1)
    for number, organisation in enumerate(db.session.scalars(db.select(Organisation))):
        organisation.name = hostile(base, organisation.name[:20], 2 + number)
    course.coordinator.name = hostile(base, "Kari", 3)
    for signature in db.session.scalars(db.select(Signature)):
        signature.typed_name = hostile(base, "Synne", 4)
    project = db.session.scalar(
        db.select(ProjectAssignment).where(ProjectAssignment.enrolment_id == course.complete.id)
    )
    project.title = hostile(base, "Prosjekt", 0)
    db.session.commit()
    client = login(course.coordinator)
    confirmed(client, f"{course.preflight()}/utsted")
    certificate = certificate_of(course.complete)
    assert certificate is not None
    assert hits == []
    # The stylesheet's own fonts at most (fetched once per process, maybe earlier).
    assert all(url.startswith(shared_pdf.STATIC_ORIGIN + "fonts/") for url in fetched)
    text = pdf_text(certificate.pdf)
    assert text.count("file:///etc/passwd") >= 5 and PASSWD_LINE not in text
    assert PASSWD_LINE.encode() not in certificate.pdf
