import itertools
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from mbtrain.accounts.models import Role
from mbtrain.accounts.services import hash_password
from mbtrain.audit.models import AccessLog
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus, StatusPeriod
from mbtrain.enrolments.services import invite_trainee
from mbtrain.extensions import db
from mbtrain.mail.models import OutboxMessage
from mbtrain.people.models import Person
from tests.conftest import PASSWORD

S = EnrolmentStatus


@pytest.fixture
def coordinator_client(login, make_user):
    return login(make_user(Role.COORDINATOR))


def application(**overrides):
    data = {
        "name": "Ola Testesen",
        "date_of_birth": "14.03.1985",
        "email": "ola.testesen@example.org",
        "phone": "400 00 000",
        "applied_on": "01.09.2026",
        "nav_contact": "Veileder Vestesen, NAV Årstad",
    }
    data.update(overrides)
    return data


def current_status(enrolment_id: int) -> S:
    db.session.expire_all()
    return db.session.get(Enrolment, enrolment_id).status


def test_register_assess_and_grant_a_place(coordinator_client, make_cohort):
    cohort = make_cohort()
    client = coordinator_client
    page = f"/kurs/{cohort.id}/soknader/ny"
    created = client.submit(page, application())
    assert created.status_code == 302
    enrolment = db.session.scalar(select(Enrolment))
    detail = f"/deltakere/{enrolment.id}"
    assert "Søkt inn" in client.get(detail).get_data(as_text=True)

    assessed = client.submit(
        f"{detail}/vurdering",
        {
            "meets": "yes",
            "reasoning": "Godt intervju, avklart forhold til egen historie.",
            "version": enrolment.version,
        },
        page=detail,
    )
    assert assessed.status_code == 302
    assert current_status(enrolment.id) is S.VURDERES

    version = db.session.get(Enrolment, enrolment.id).version
    granted = client.submit(
        f"{detail}/vedtak", {"decision": "grant", "version": version}, page=detail
    )
    assert granted.status_code == 302
    assert current_status(enrolment.id) is S.VENTER_PA_OPPSTART
    # The trainee is invited to activate an account with a single-use link.
    person = db.session.scalar(select(Person))
    assert person.user is not None and person.user.role is Role.TRAINEE
    invitation = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == person.email)
    )
    assert "/lenke/" in invitation.body
    timeline = client.get(detail).get_data(as_text=True)
    assert timeline.index("Venter på oppstart") < timeline.index("Søkt inn")


def test_no_national_id_or_health_fields_on_the_application_form(coordinator_client, make_cohort):
    page = coordinator_client.get(f"/kurs/{make_cohort().id}/soknader/ny").get_data(as_text=True)
    for forbidden in ('fødselsnummer"', 'name="fnr', 'diagnose"', 'name="diagnos'):
        assert forbidden not in page.lower()


def test_double_submitted_application_creates_one(coordinator_client, make_cohort):
    cohort = make_cohort()
    page = f"/kurs/{cohort.id}/soknader/ny"
    data = application(submission_key="same-key-twice")
    first = coordinator_client.submit(page, data)
    second = coordinator_client.submit(page, data)
    assert first.location == second.location
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 1
    assert db.session.scalar(select(func.count()).select_from(StatusPeriod)) == 1


def test_the_same_person_cannot_apply_twice_to_one_cohort(coordinator_client, make_cohort):
    cohort = make_cohort()
    page = f"/kurs/{cohort.id}/soknader/ny"
    coordinator_client.submit(page, application())
    again = coordinator_client.submit(page, application(name="Ola T."))
    assert again.status_code == 200
    assert "har allerede søkt på dette kurset" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 1


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"applied_on": "01.01.2099"}, "Søknadsdatoen kan ikke være frem i tid."),
        ({"date_of_birth": "31.02.1990"}, "Skriv datoen som dd.mm.åååå"),
        ({"date_of_birth": "01.01.1850"}, "Fødselsdatoen er ikke gyldig."),
        ({"email": "ikke-en-adresse"}, "Skriv en gyldig e-postadresse"),
        ({"name": ""}, "Dette feltet må fylles ut."),
    ],
)
def test_bad_application_input(coordinator_client, make_cohort, overrides, message):
    cohort = make_cohort()
    response = coordinator_client.submit(f"/kurs/{cohort.id}/soknader/ny", application(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_granting_beyond_capacity_is_refused(coordinator_client, make_cohort, make_enrolment):
    cohort = make_cohort(places=1)
    make_enrolment(cohort, S.VENTER_PA_OPPSTART)
    second = make_enrolment(cohort, S.VURDERES)
    detail = f"/deltakere/{second.id}"
    response = coordinator_client.submit(
        f"{detail}/vedtak", {"decision": "grant", "version": second.version}, page=detail
    )
    assert response.status_code == 400
    assert "Kurset er fullt: alle 1 plassene er tatt." in response.get_data(as_text=True)
    assert current_status(second.id) is S.VURDERES


def confirmed_status_change(client, detail: str, data: dict):
    """A final status as a coordinator sets it: the form, then «Bekreft» on the page that
    names whom it concerns."""
    page = client.submit(f"{detail}/status", data, page=detail)
    assert page.status_code == 200 and "Dette kan ikke angres." in page.get_data(as_text=True)
    return client.submit(f"{detail}/status", {**data, "confirmed": "1"}, page=detail)


def test_a_freed_place_goes_to_the_first_on_the_waiting_list(
    coordinator_client, make_cohort, make_enrolment
):
    cohort = make_cohort(places=1)
    holder = make_enrolment(cohort, S.VENTER_PA_OPPSTART)
    later = make_enrolment(cohort, S.VENTELISTE, applied_on=date(2026, 9, 20), name="Sist Søkt")
    first = make_enrolment(cohort, S.VENTELISTE, applied_on=date(2026, 9, 2), name="Først Søkt")
    overview = coordinator_client.get(f"/kurs/{cohort.id}").get_data(as_text=True)
    assert overview.index("Først Søkt") < overview.index("Sist Søkt")
    detail = f"/deltakere/{holder.id}"
    confirmed_status_change(
        coordinator_client,
        detail,
        {"status": "IKKE_AKTUELL", "reason": "FATT_JOBB", "version": holder.version},
    )
    offered = coordinator_client.submit(
        f"/kurs/{cohort.id}/venteliste/tilby-plass", {}, page=f"/kurs/{cohort.id}"
    )
    assert offered.status_code == 302
    assert current_status(first.id) is S.VENTER_PA_OPPSTART
    assert current_status(later.id) is S.VENTELISTE


def test_reject_needs_a_reason_and_free_text_only_with_annet(
    coordinator_client, make_cohort, make_enrolment
):
    enrolment = make_enrolment(make_cohort(), S.VURDERES)
    detail = f"/deltakere/{enrolment.id}"
    url = f"{detail}/vedtak"
    no_reason = coordinator_client.submit(
        url, {"decision": "reject", "version": enrolment.version}, page=detail
    )
    assert "Velg en årsak til avslaget." in no_reason.get_data(as_text=True)
    text_without_annet = coordinator_client.submit(
        url,
        {
            "decision": "reject",
            "reason": "KURS_FULLT",
            "reason_text": "fordi",
            "version": enrolment.version,
        },
        page=detail,
    )
    assert "Fritekst kan bare brukes" in text_without_annet.get_data(as_text=True)
    assert current_status(enrolment.id) is S.VURDERES
    done = coordinator_client.submit(
        url,
        {"decision": "reject", "reason": "KRAV_IKKE_OPPFYLT", "version": enrolment.version},
        page=detail,
    )
    assert done.status_code == 302
    assert current_status(enrolment.id) is S.IKKE_AKTUELL
    period = db.session.scalar(select(StatusPeriod).where(StatusPeriod.valid_to.is_(None)))
    assert period.reason.value == "KRAV_IKKE_OPPFYLT"


def test_stale_status_change_gets_409(login, make_user, make_cohort, make_enrolment):
    enrolment = make_enrolment(make_cohort(), S.DELTAR)
    first, second = login(make_user(Role.COORDINATOR)), login(make_user(Role.COORDINATOR))
    detail = f"/deltakere/{enrolment.id}"
    data = {"status": "AVBRUTT", "reason": "FATT_JOBB", "version": enrolment.version}
    assert confirmed_status_change(first, detail, data).status_code == 302
    stale = second.submit(
        f"{detail}/status", {**data, "reason": "SYK", "confirmed": "1"}, page=detail
    )
    assert stale.status_code == 409
    assert "Noen andre har lagret endringer" in stale.get_data(as_text=True)
    periods = db.session.scalars(select(StatusPeriod).order_by(StatusPeriod.id)).all()
    assert [p.status for p in periods][-1] is S.AVBRUTT
    assert periods[-1].reason.value == "FATT_JOBB"


def test_history_is_temporal_with_one_current_row(make_cohort, make_enrolment):
    enrolment = make_enrolment(make_cohort(), S.DELTAR)
    periods = db.session.scalars(
        select(StatusPeriod)
        .where(StatusPeriod.enrolment_id == enrolment.id)
        .order_by(StatusPeriod.id)
    ).all()
    assert [p.status for p in periods] == [S.SOKT_INN, S.VURDERES, S.DELTAR]
    assert [p.valid_to is None for p in periods] == [False, False, True]
    for earlier, later in itertools.pairwise(periods):
        assert earlier.valid_to == later.valid_from


def test_viewing_and_changing_an_enrolment_is_logged(
    coordinator_client, make_cohort, make_enrolment
):
    enrolment = make_enrolment(make_cohort(), S.DELTAR)
    coordinator_client.get(f"/deltakere/{enrolment.id}")
    rows = db.session.scalars(
        select(AccessLog).where(AccessLog.subject_person_id == enrolment.person_id)
    ).all()
    assert len(rows) == 1
    assert rows[0].action.value == "VIEW" and rows[0].actor_role == "COORDINATOR"
    assert rows[0].actor_scope == "Vestland"


def test_trainee_sees_own_cohort_status_and_timeline(login, make_cohort, make_enrolment):
    cohort = make_cohort(name="MB-kurs for meg", meeting_place="Storgata 1")
    enrolment = make_enrolment(cohort, S.VENTER_PA_OPPSTART)
    invite_trainee(enrolment.person)
    user = enrolment.person.user
    user.password_hash = hash_password(PASSWORD)  # as if the invitation link had been used
    db.session.commit()
    page = login(user).get("/mitt-kurs").get_data(as_text=True)
    assert "MB-kurs for meg" in page and "Storgata 1" in page
    assert "Venter på oppstart" in page and "Søkt inn" in page


def test_other_trainee_and_partner_cannot_reach_enrolments(login_as, make_cohort, make_enrolment):
    enrolment = make_enrolment(make_cohort(), S.DELTAR)
    for role in (Role.TRAINEE, Role.PARTNER):
        assert login_as(role).get(f"/deltakere/{enrolment.id}").status_code == 403


def test_trainee_sees_who_looked_at_their_enrolment(login, make_user, make_cohort, make_enrolment):
    enrolment = make_enrolment(make_cohort(), S.VENTER_PA_OPPSTART)
    invite_trainee(enrolment.person)
    trainee = enrolment.person.user
    trainee.password_hash = hash_password(PASSWORD)
    db.session.commit()
    login(make_user(Role.COORDINATOR)).get(f"/deltakere/{enrolment.id}")
    trainee_client = login(trainee)
    trainee_client.get("/mitt-kurs")  # their own look is not listed as someone else's
    page = trainee_client.get("/meg/innsyn").get_data(as_text=True)
    assert "Fylkeskoordinator" in page and "Vestland" in page and "Opptak" in page
    assert page.count("Deltakeropplysninger") == 1
    assert "Mitt kurs</td>" not in page


# A final status: never preselected, set only once confirmed --------------------------------


def test_the_status_form_opens_on_no_status(coordinator_client, make_cohort, make_enrolment):
    enrolment = make_enrolment(make_cohort(), S.DELTAR)
    page = coordinator_client.get(f"/deltakere/{enrolment.id}").get_data(as_text=True)
    form = page[page.index('id="status-heading"') :]
    select_html = form[: form.index("</select>")]
    options = re.findall(r'<option[^>]*value="([^"]*)"[^>]*>', select_html)
    assert options[0] == "" and "AVBRUTT" in options
    # The browser shows the first option unless another is selected: none is.
    assert [o for o in re.findall(r"<option[^>]*>", select_html) if "selected" in o] in (
        [],
        ['<option selected value="">'],
    )
    sent = coordinator_client.submit(
        f"/deltakere/{enrolment.id}/status",
        {"status": "", "version": enrolment.version},
        page=f"/deltakere/{enrolment.id}",
    )
    assert sent.status_code == 400 and "Velg ny status." in sent.get_data(as_text=True)
    assert current_status(enrolment.id) is S.DELTAR


def test_a_final_status_is_set_only_after_a_page_that_names_whom(
    coordinator_client, make_cohort, make_enrolment
):
    enrolment = make_enrolment(make_cohort(), S.DELTAR, name="Kari Nordmann")
    detail = f"/deltakere/{enrolment.id}"
    data = {"status": "AVBRUTT", "reason": "FATT_JOBB", "version": enrolment.version}
    page = coordinator_client.submit(f"{detail}/status", data, page=detail)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Sett Kari Nordmann til «Avbrutt»?" in text and "Fått jobb" in text
    assert ">Bekreft</button>" in text and f'href="{detail}">Avbryt</a>' in text
    assert current_status(enrolment.id) is S.DELTAR  # nothing changed yet
    done = coordinator_client.submit(f"{detail}/status", {**data, "confirmed": "1"}, page=detail)
    assert done.status_code == 302
    assert current_status(enrolment.id) is S.AVBRUTT
    shown = coordinator_client.get(detail).get_data(as_text=True)
    assert "Statusen til Kari Nordmann er endret til «Avbrutt»." in shown


def test_a_refused_final_status_shows_the_form_not_the_confirmation(
    coordinator_client, make_cohort, make_enrolment
):
    enrolment = make_enrolment(make_cohort(), S.DELTAR)
    detail = f"/deltakere/{enrolment.id}"
    page = coordinator_client.submit(
        f"{detail}/status", {"status": "AVBRUTT", "version": enrolment.version}, page=detail
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "Velg en årsak for «Avbrutt»." in text
    assert "Dette kan ikke angres." not in text
    assert current_status(enrolment.id) is S.DELTAR


def test_a_status_that_is_not_final_needs_no_confirmation(
    coordinator_client, make_cohort, make_enrolment
):
    enrolment = make_enrolment(make_cohort(), S.VENTER_PA_OPPSTART, name="Ola Nordmann")
    detail = f"/deltakere/{enrolment.id}"
    done = coordinator_client.submit(
        f"{detail}/status", {"status": "DELTAR", "version": enrolment.version}, page=detail
    )
    assert done.status_code == 302 and current_status(enrolment.id) is S.DELTAR


@pytest.mark.parametrize(
    "hostile",
    [
        {"status": "AVBRUTT", "reason": "FATT_JOBB", "confirmed": "ja\x00"},
        {"status": "<script>", "reason": "FATT_JOBB", "confirmed": "1"},
        {"status": "AVBRUTT", "reason": "x" * 10_000, "confirmed": "1"},
        {"status": "AVBRUTT", "reason": "ANNET", "reason_text": "x" * 10_000, "confirmed": "1"},
        {"status": "FULLFORT", "reason": "FATT_JOBB", "confirmed": "1"},
        {"status": "AVBRUTT", "reason": "FATT_JOBB", "confirmed": "1", "version": "9" * 40},
    ],
)
def test_a_hostile_confirmation_changes_nothing(
    coordinator_client, make_cohort, make_enrolment, hostile
):
    enrolment = make_enrolment(make_cohort(), S.DELTAR)
    detail = f"/deltakere/{enrolment.id}"
    data = {"version": enrolment.version, **hostile}
    response = coordinator_client.submit(f"{detail}/status", data, page=detail)
    assert response.status_code in {200, 400, 409}
    assert current_status(enrolment.id) is S.DELTAR
