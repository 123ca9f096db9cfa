"""Verification for anyone: by code, by file, as JSON; typos caught; throttled; minimal."""

import io

import pytest

from mbtrain.certificates import codes
from tests.certificates.conftest import certificate_of


def test_a_typed_code_is_forgiven_its_case_and_a_typo_is_named(issued, client):
    course, _ = issued
    certificate = certificate_of(course.complete)
    response = client.get("/verify", query_string={"kode": certificate.code.lower()})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{certificate.code}")
    typo = certificate.code[:-1] + ("A" if certificate.code[-1] != "A" else "B")
    page = client.get("/verify", query_string={"kode": typo}).get_data(as_text=True)
    assert "Koden stemmer ikke." in page and 'aria-invalid="true"' in page


def test_the_page_shows_status_content_hashes_and_no_more_personal_data(issued, client):
    course, _ = issued
    certificate = certificate_of(course.complete)
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Gyldig." in page and "signaturen i det utstedte dokumentet er intakt" in page
    assert "Åse Ødegård-Æsøy" in page and "29.02.1984" in page
    assert certificate.pdf_sha256 in page and certificate.snapshot_sha256 in page
    person = course.complete.person
    assert person.email not in page and "Prosjektløs" not in page


def test_an_uploaded_pdf_is_compared_with_the_issued_one(issued, client):
    course, _ = issued
    certificate = certificate_of(course.complete)
    url = f"/verify/{certificate.code}"

    def upload(data: bytes) -> str:
        form = {"document": (io.BytesIO(data), "kursbevis.pdf", "application/pdf")}
        return client.submit(url, form, content_type="multipart/form-data").get_data(as_text=True)

    page = upload(certificate.pdf)
    assert "Identisk med utstedt dokument." in page
    assert "Filen har en intakt elektronisk signatur fra utstederen." in page
    edited = certificate.pdf.replace(b"/Title", b"/Titel", 1)
    page = upload(edited)
    assert "Ikke identisk med utstedt dokument." in page
    assert certificate_of(course.stopped).pdf_sha256 not in page
    assert "ingen intakt elektronisk signatur" in upload(b"%PDF-1.7 ikke en ekte fil")


def test_machines_get_the_same_as_json(issued, client):
    course, coordinator = issued
    certificate = certificate_of(course.complete)
    coordinator.submit(f"/kursbevis/{certificate.id}/tilbakekall", {"reason": "Feil i navnet"})
    answer = client.get(f"/verify/{certificate.code}.json").get_json()
    assert answer["status"] == "REVOKED" and answer["revoked_reason"] == "Feil i navnet"
    assert answer["pdf_sha256"] == certificate.pdf_sha256
    assert answer["signature_intact"] is True
    assert answer["credential"]["certificate"]["name"] == "Åse Ødegård-Æsøy"


def test_an_unknown_or_mistyped_code_is_not_found(app, client):
    assert client.get(f"/verify/{codes.new_code()}").status_code == 404
    assert client.get("/verify/ikke-en-kode.json").status_code == 404


@pytest.mark.parametrize("app_config", [{"CERTIFICATE_VERIFY_LIMIT": "3 per minute"}])
def test_guessing_codes_is_throttled(app, client, signing_pair):
    answers = [client.get(f"/verify/{codes.new_code()}").status_code for _ in range(4)]
    assert answers == [404, 404, 404, 429]
