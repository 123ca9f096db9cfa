"""Nothing is issued or revoked in one click: a page names each person and what they get, a
trainee who left is never in «issue to all», and the message says to whom."""

from sqlalchemy import func, select

from mbtrain.certificates.models import Certificate, CertificateKind, CertificateStatus
from mbtrain.extensions import db
from mbtrain.i18n import names
from tests.certificates.conftest import certificate_of, confirm_form, confirmed


def count_certificates() -> int:
    return db.session.scalar(select(func.count(Certificate.id)))


def test_issue_to_all_names_each_person_and_leaves_out_who_left(course, login):
    client = login(course.coordinator)
    page = client.get(f"{course.preflight()}/utsted")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and count_certificates() == 0  # looking issues nothing
    assert "Utsted kursbevis til 1 deltaker?" in text
    gets = text[: text.index("Ikke med: har sluttet")]
    assert "Åse Ødegård-Æsøy" in gets and "Kari Avbrøt" not in gets
    assert "Kari Avbrøt (Avbrutt" in text[text.index("Ikke med: har sluttet") :]
    assert ">Bekreft</button>" in text and ">Avbryt</a>" in text


def test_issue_to_all_gives_no_kompetansebevis_to_someone_who_left(course, login):
    client = login(course.coordinator)
    response = confirmed(client, f"{course.preflight()}/utsted")
    assert response.status_code == 302
    assert certificate_of(course.complete).kind is CertificateKind.KURSBEVIS
    assert certificate_of(course.stopped) is None
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 av 1 kursbevis er utstedt." in shown and "Kari Avbrøt" not in shown


def test_a_confirmation_naming_someone_who_left_issues_nothing(course, login):
    client = login(course.coordinator)
    url = f"{course.preflight()}/utsted"
    ids = {"enrolment": [course.complete.id, course.stopped.id]}
    assert client.submit(url, ids, page=url).status_code == 302
    assert count_certificates() == 0
    shown = client.get(course.preflight()).get_data(as_text=True)
    assert "Kari Avbrøt kan ikke få kursbevis fra denne siden nå. Ingenting er utstedt" in shown


def test_a_kompetansebevis_is_said_as_such_before_it_is_issued(course, login):
    client = login(course.coordinator)
    url = f"{course.preflight()}/{course.stopped.id}/utsted?language=nb"
    text = client.get(url).get_data(as_text=True)
    assert "Utstede kompetansebevis til Kari Avbrøt?" in text
    assert "har sluttet på kurset og får et kompetansebevis, ikke et kursbevis" in text
    assert "OPP-01" in text and "T1-01" in text and "T1-02" not in text
    assert count_certificates() == 0
    assert confirmed(client, url).status_code == 302
    assert certificate_of(course.stopped).kind is CertificateKind.KOMPETANSEBEVIS
    shown = client.get(course.preflight()).get_data(as_text=True)
    assert "Kompetansebevis utstedt til Kari Avbrøt." in shown


def test_a_double_click_on_bekreft_issues_once(course, login):
    client = login(course.coordinator)
    url = f"{course.preflight()}/utsted"

    data = confirm_form(client.get(url).get_data(as_text=True))
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 302
    assert count_certificates() == 1


def test_revoking_names_the_person_and_the_message_says_whose(issued):
    course, client = issued
    certificate = certificate_of(course.complete)
    url = f"/kursbevis/{certificate.id}/tilbakekall"
    text = client.get(url).get_data(as_text=True)
    assert "Åse Ødegård-Æsøy" in text and certificate.number in text
    assert "Dette kan ikke angres." in text and ">Avbryt</a>" in text
    assert client.submit(url, {"reason": "Feil fødselsdato"}).status_code == 302
    db.session.refresh(certificate)
    assert certificate.status is CertificateStatus.REVOKED
    shown = client.get(course.preflight()).get_data(as_text=True)
    assert f"Kursbevis {certificate.number} til Åse Ødegård-Æsøy er tilbakekalt." in shown


def test_names_are_joined_as_a_sentence_says_them(app):
    with app.test_request_context():
        assert names([]) == "" and names(["Kari"]) == "Kari"
        assert names(["Kari", "Ola"]) == "Kari og Ola"
        assert names(["Kari", "Ola", "Per"]) == "Kari, Ola og Per"


def test_a_hostile_confirmation_issues_nothing(course, login):
    client = login(course.coordinator)
    url = f"{course.preflight()}/utsted"
    for enrolment in (["abc"], [str(2**63)], ["-1"], [""], [str(course.lacking.id)]):
        response = client.submit(url, {"enrolment": enrolment}, page=url)
        assert response.status_code in {302, 400}, enrolment
    one = f"{course.preflight()}/{course.complete.id}/utsted"
    assert client.get(f"{one}?language=<script>").status_code == 200
    assert client.submit(one, {"language": "xx"}, page=one).status_code == 400
    assert count_certificates() == 0
