"""Issuing: the pre-flight list, the document itself, frozen bytes, re-issue and revocation."""

import hashlib
import io
import json
import re
import zipfile

from pypdf import PdfReader
from sqlalchemy import func, select
from stdnum.no import orgnr as stdnum_orgnr

from mbtrain.accounts.models import Role
from mbtrain.audit.models import AccessLog
from mbtrain.certificates import signing
from mbtrain.certificates.models import Certificate, CertificateKind, CertificateStatus
from mbtrain.extensions import db
from tests.certificates.conftest import certificate_of, confirmed, pdf_attachment, pdf_text


def count_certificates() -> int:
    return db.session.scalar(select(func.count(Certificate.id)))


def test_preflight_lists_who_may_have_which_certificate_and_what_the_others_lack(course, login):
    client = login(course.coordinator)
    page = client.get(course.preflight()).get_data(as_text=True)
    assert "Utsted kursbevis til 1 deltaker …" in page
    assert "Åse Ødegård-Æsøy" in page and "Kompetansebevis" in page
    assert "Prosjektoppgaven «Uferdig» er ikke godkjent ennå." in page
    assert db.session.scalar(
        select(AccessLog).where(AccessLog.object_type == "certificate_preflight")
    )


def test_issue_all_makes_a_signed_pdfa_with_the_certified_facts(issued, signing_pair):
    course, _ = issued
    certificate = certificate_of(course.complete)
    assert certificate.kind is CertificateKind.KURSBEVIS
    assert certificate_of(course.lacking) is None
    text = " ".join(pdf_text(certificate.pdf).split())
    for expected in (
        "Kursbevis",
        "Åse Ødegård-Æsøy",
        "født 29. februar 1984",
        "Kvalifisering av medarbeidere med brukererfaring (MB)",
        "Testarrangør AS, org.nr.",
        stdnum_orgnr.format(course.cohort.provider.orgnr),  # «919 985 003»
        "Vestland",
        "4. januar 2027 – 17. desember 2027",
        "624 timer i alt, 244 timer teori, 20 uker praksis; 50 % deltid",
        "Prosjektoppgave og avslutning",
        "Bjørgvin DPS",
        "Synne Veileder",
        "«Likepersonsarbeid i rusfeltet»",
        "Kari Koordinator",
        certificate.number,
        certificate.code,
        f"/verify/{certificate.code}",
    ):
        assert expected in text, expected
    # The code a reader types is never broken: the link's line ends with it or before it.
    lines = [line.strip() for line in pdf_text(certificate.pdf).splitlines()]
    at = next(n for n, line in enumerate(lines) if "/verify/" in line)
    after = lines[at].split("/verify/", 1)[1]
    assert after == certificate.code or (not after and lines[at + 1] == certificate.code), lines
    reader = PdfReader(io.BytesIO(certificate.pdf))
    assert len(reader.pages) == 1
    assert reader.metadata.title == f"Kursbevis {certificate.number} – Åse Ødegård-Æsøy"
    assert reader.metadata.author == "Testarrangør AS"
    assert reader.metadata.subject == "Kvalifisering av medarbeidere med brukererfaring (MB)"
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    # PDF/A-3b, still declared after the signature's incremental update rewrote the XMP.
    assert re.search(rb'pdfaid:part(="|>)3', xmp) and re.search(rb'pdfaid:conformance(="|>)B', xmp)


def test_the_attachment_is_the_stored_snapshot_and_the_hashes_match(issued, signing_pair):
    course, _ = issued
    certificate = certificate_of(course.complete)
    name, attached = pdf_attachment(certificate.pdf)
    assert name == "kursbevis.json"
    assert attached == certificate.snapshot_json.encode()
    assert hashlib.sha256(attached).hexdigest() == certificate.snapshot_sha256
    assert hashlib.sha256(certificate.pdf).hexdigest() == certificate.pdf_sha256
    credential = json.loads(attached)
    assert "OpenBadgeCredential" in credential["type"]
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["name"] == "Kvalifisering av medarbeidere med brukererfaring (MB)"
    assert credential["certificate"]["name"] == "Åse Ødegård-Æsøy"
    assert signing.check_signature(certificate.pdf, signing_pair[1]).ok


def test_a_trainee_who_stopped_gets_a_kompetansebevis_for_the_approved_modules(issued):
    course, _ = issued
    certificate = certificate_of(course.stopped)
    assert certificate.kind is CertificateKind.KOMPETANSEBEVIS
    modules = [m["code"] for m in json.loads(certificate.snapshot_json)["certificate"]["modules"]]
    assert modules == ["OPP-01", "T1-01"]
    text = " ".join(pdf_text(certificate.pdf).split())
    assert "Kompetansebevis" in text and "T1-02" not in text
    # No practice among the approved modules: the scope says nothing of practice at all.
    assert "timer teori; 50 % deltid" in text and "praksis" not in text


def test_a_renamed_trainee_still_downloads_the_identical_issued_pdf(issued, login):
    course, client = issued
    certificate = certificate_of(course.complete)
    issued_bytes = certificate.pdf
    course.complete.person.name = "Åse Helt Annet Navn"
    course.cohort.provider.name = "Nytt Navn AS"
    db.session.commit()
    response = client.get(f"/kursbevis/{certificate.id}.pdf")
    assert response.data == issued_bytes
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''Kursbevis%20" in disposition
    assert "%C3%85se%20%C3%98deg%C3%A5rd-%C3%86s%C3%B8y.pdf" in disposition  # Åse Ødegård-Æsøy
    assert 'filename="Kursbevis KB-' in disposition and "Aase Odegaard-Aesoy.pdf" in disposition
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Åse Ødegård-Æsøy" in page and "Helt Annet" not in page


def test_issuing_again_for_everyone_issues_nothing_twice(issued):
    course, client = issued
    before = count_certificates()
    url = f"{course.preflight()}/utsted"
    page = client.get(url).get_data(as_text=True)
    assert "Ingen kan få kursbevis nå" in page and ">Bekreft</button>" not in page
    # The earlier confirmation sent again (a resent form): refused, nothing issued.
    response = client.submit(url, {"enrolment": course.complete.id}, page=course.preflight())
    assert response.status_code == 302
    assert count_certificates() == before == 2
    shown = client.get(course.preflight()).get_data(as_text=True)
    assert "Åse Ødegård-Æsøy kan ikke få kursbevis fra denne siden nå." in shown


def test_a_trainee_who_lacks_something_cannot_be_issued_one(course, login):
    client = login(course.coordinator)
    url = f"{course.preflight()}/{course.lacking.id}/utsted"
    page = client.get(url).get_data(as_text=True)
    assert "Per Prosjektløs kan ikke få kursbevis nå" in page and ">Bekreft</button>" not in page
    response = client.submit(url, {"language": "nb"}, page=course.preflight())
    assert response.status_code == 302
    assert "oppfyller ikke kravene" in client.get(course.preflight()).get_data(as_text=True)
    assert count_certificates() == 0


def test_reissue_supersedes_and_an_english_version_stands_beside_the_norwegian(issued):
    course, client = issued
    old = certificate_of(course.complete)
    url = f"{course.preflight()}/{course.complete.id}/utsted"
    page = client.get(f"{url}?language=nb").get_data(as_text=True)
    assert "Erstatter" in page and old.number in page
    assert confirmed(client, f"{url}?language=nb").status_code == 302
    assert confirmed(client, f"{url}?language=en").status_code == 302
    db.session.refresh(old)
    new, english = certificate_of(course.complete), certificate_of(course.complete, "en")
    assert old.superseded_by_id == new.id and old.status is CertificateStatus.SUPERSEDED
    assert new.number.endswith("-2") and new.status is CertificateStatus.VALID
    assert english.status is CertificateStatus.VALID
    assert "Course certificate" in pdf_text(english.pdf)
    page = client.get(f"/verify/{old.code}").get_data(as_text=True)
    assert "Erstattet" in page and new.number in page


def test_revoking_needs_a_reason_and_is_a_status_not_a_deletion(issued):
    course, client = issued
    certificate = certificate_of(course.complete)
    url = f"/kursbevis/{certificate.id}/tilbakekall"
    response = client.submit(url, {"reason": "  "})
    assert response.status_code == 200
    assert "Dette feltet må fylles ut." in response.get_data(as_text=True)
    response = client.submit(url, {"reason": "Feil fødselsdato"})
    assert response.status_code == 302
    db.session.refresh(certificate)
    assert certificate.status is CertificateStatus.REVOKED
    assert certificate.revoked_by_id == course.coordinator.id
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Tilbakekalt" in page and "Feil fødselsdato" in page


def test_the_cohort_zip_holds_each_valid_certificate_as_issued(issued):
    course, client = issued
    response = client.get(f"/kurs/{course.cohort.id}/kursbevis.zip")
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = sorted(archive.namelist())
    assert len(names) == 2
    complete = certificate_of(course.complete)
    (own,) = [n for n in names if "Åse Ødegård-Æsøy" in n]
    assert archive.read(own) == complete.pdf
    exports = db.session.scalar(
        select(func.count(AccessLog.id)).where(
            AccessLog.object_type == "certificate", AccessLog.action == "EXPORT"
        )
    )
    assert exports == 2


def test_the_trainee_downloads_their_own_and_nobody_elses(issued, login, make_user):
    course, _ = issued
    own, other = certificate_of(course.complete), certificate_of(course.stopped)
    trainee = login(course.trainee_user)
    page = trainee.get("/mitt-kurs/kursbevis").get_data(as_text=True)
    assert own.number in page and own.code in page and other.number not in page
    assert trainee.get(f"/mitt-kurs/kursbevis/{own.id}.pdf").data == own.pdf
    assert trainee.get(f"/mitt-kurs/kursbevis/{other.id}.pdf").status_code == 404
    stranger = login(make_user(Role.TRAINEE))
    assert stranger.get(f"/mitt-kurs/kursbevis/{own.id}.pdf").status_code == 404


def test_coordinators_of_another_county_see_nothing(issued, login, make_user, other_county):
    course, _ = issued
    outsider = login(make_user(Role.COORDINATOR, counties=[other_county]))
    certificate = certificate_of(course.complete)
    assert outsider.get(course.preflight()).status_code == 404
    assert outsider.get(f"/kursbevis/{certificate.id}.pdf").status_code == 404
    assert outsider.get(f"/kurs/{course.cohort.id}/kursbevis.zip").status_code == 404
