"""A Norwegian certificate is written in the trainee's own written form (målform), bokmål or
nynorsk, whoever issues it (språklova); at most one Norwegian certificate is valid at a time."""

from mbtrain.certificates.models import CertificateStatus
from mbtrain.extensions import db
from tests.certificates.conftest import certificate_of, confirmed, pdf_text


def choose(client, language: str) -> None:
    response = client.submit("/sprak", {"language": language, "next": "/"}, page="/")
    assert response.status_code == 302


def text_of(certificate) -> str:
    return " ".join(pdf_text(certificate.pdf).split())


def test_a_trainee_who_chose_nynorsk_gets_the_certificate_in_nynorsk(course, login):
    choose(login(course.trainee_user), "nn")
    db.session.refresh(course.complete.person)
    assert course.complete.person.written_form == "nn"
    # The coordinator works in bokmål and presses "issue all", as every day.
    coordinator = login(course.coordinator)
    assert confirmed(coordinator, f"{course.preflight()}/utsted").status_code == 302
    assert certificate_of(course.complete, "nb") is None
    nynorsk = certificate_of(course.complete, "nn")
    text = text_of(nynorsk)
    for expected in (
        "Kursbevis",
        "Åse Ødegård-Æsøy",
        "fødd 29. februar 1984",
        "har gjennomført og bestått opplæringa",
        "624 timar i alt, 244 timar teori, 20 veker praksis; 50 % deltid",
        "Prosjektoppgåve",
        "Utferda av",
        "4. januar 2027 – 17. desember 2027",
        nynorsk.code,
    ):
        assert expected in text, expected
    for bokmal in ("født", "timer i alt", "uker praksis", "Utstedt av", "opplæringen"):
        assert bokmal not in text, bokmal
    assert certificate_of(course.lacking, "nb") is None  # the others still follow the rules
    # The trainee who chose bokmål (the default) gets bokmål beside her (on her own page: she
    # left, and gets a kompetansebevis).
    confirmed(coordinator, f"{course.preflight()}/{course.stopped.id}/utsted?language=nb")
    assert "født" in text_of(certificate_of(course.stopped, "nb"))
    page = coordinator.get(course.preflight()).get_data(as_text=True)
    assert "Nynorsk" in page


def test_choosing_english_keeps_the_written_form(course, login):
    trainee = login(course.trainee_user)
    choose(trainee, "nn")
    choose(trainee, "en")
    db.session.refresh(course.complete.person)
    assert course.complete.person.written_form == "nn"


def test_one_norwegian_certificate_at_a_time_in_either_form(course, login):
    trainee = login(course.trainee_user)
    choose(trainee, "nn")
    coordinator = login(course.coordinator)
    assert confirmed(coordinator, f"{course.preflight()}/utsted").status_code == 302
    nynorsk = certificate_of(course.complete, "nn")
    assert nynorsk is not None
    # Issuing all again issues no second Norwegian certificate: the nynorsk one is it.
    again = f"{course.preflight()}/utsted"
    assert "Ingen kan få kursbevis nå" in coordinator.get(again).get_data(as_text=True)
    coordinator.submit(again, {"enrolment": [course.complete.id]}, page=again)
    assert certificate_of(course.complete, "nb") is None
    assert certificate_of(course.complete, "nn").id == nynorsk.id
    # She changes to bokmål; the re-issued certificate is in bokmål and replaces the nynorsk.
    choose(trainee, "nb")
    url = f"{course.preflight()}/{course.complete.id}/utsted"
    coordinator.submit(url, {"language": "nb"}, page=course.preflight())
    bokmal = certificate_of(course.complete, "nb")
    db.session.refresh(nynorsk)
    assert nynorsk.superseded_by_id == bokmal.id
    assert nynorsk.status is CertificateStatus.SUPERSEDED
    assert "født 29. februar 1984" in text_of(bokmal)
    # English stands beside it, in English whatever the written form.
    coordinator.submit(url, {"language": "en"}, page=course.preflight())
    assert "Course certificate" in text_of(certificate_of(course.complete, "en"))


def test_the_trainee_sees_her_certificate_named_nynorsk(course, login):
    trainee = login(course.trainee_user)
    choose(trainee, "nn")
    coordinator = login(course.coordinator)
    assert confirmed(coordinator, f"{course.preflight()}/utsted").status_code == 302
    page = trainee.get("/mitt-kurs/kursbevis").get_data(as_text=True)
    assert "Nynorsk" in page and "Kursbevisa mine" in page
