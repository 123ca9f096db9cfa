"""Weekly hours: the trainee logs them on «Min praksis», the supervisor confirms several weeks
at once (portal or single-use link), and a confirmed week stays as it was confirmed."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from mbtrain.audit.models import AccessAction
from mbtrain.extensions import db
from mbtrain.placements.models import HoursEntry, PlacementStatus, Signature, SignedAction
from tests.followup.followup_support import (
    SUPERVISOR,
    last_log_id,
    link_path,
    log_rows_since,
    mail_to,
    sign_form,
    this_week,
)

S = PlacementStatus


def hours_page(scene, week=None) -> str:
    url = f"/min-praksis/{scene.placement.id}/timer"
    return f"{url}?uke={week.isoformat()}" if week else url


def log(client, scene, week, hours: str, **extra):
    """Save hours as the trainee's browser does: from the week's form, version included."""
    return sign_form(client, hours_page(scene, week), {"hours": hours, **extra})


def entries(scene) -> dict:
    rows = db.session.scalars(
        select(HoursEntry).where(HoursEntry.placement_id == scene.placement.id)
    )
    return {row.week_start: row.hours for row in rows}


@pytest.fixture
def active(placement_scene, login):
    scene = placement_scene(S.ACTIVE)
    return scene, login(scene.trainee)


def test_the_trainee_logs_and_corrects_hours_for_a_week(active):
    scene, trainee = active
    week = this_week() - timedelta(weeks=1)
    assert log(trainee, scene, week, "18,5").status_code == 302
    assert entries(scene) == {week: 18.5}
    assert log(trainee, scene, week, "17").status_code == 302
    assert entries(scene) == {week: 17.0}
    page = trainee.get(hours_page(scene)).get_data(as_text=True)
    assert "17" in page and "Venter" in page


@pytest.mark.parametrize(
    ("weeks_ahead", "hours", "message"),
    [
        (0, "61", "Skriv et tall fra 0 til 60."),
        (0, "mange", "Skriv et tall, for eksempel 18 eller 7,5."),
        (1, "10", "Du kan ikke føre timer for en uke som ikke har begynt."),
        (-4, "10", "Uken ligger utenfor praksisperioden."),
    ],
)
def test_hours_outside_the_rules_are_refused_with_a_reason(active, weeks_ahead, hours, message):
    scene, trainee = active
    week = this_week() + timedelta(weeks=weeks_ahead)
    url = f"/min-praksis/{scene.placement.id}/timer"
    response = trainee.submit(url, {"week_start": week.isoformat(), "hours": hours, "version": "0"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert entries(scene) == {}


def test_hours_are_logged_only_while_the_placement_is_active(placement_scene, login):
    scene = placement_scene(S.CONFIRMED)
    trainee = login(scene.trainee)
    url = f"/min-praksis/{scene.placement.id}/timer"
    response = trainee.submit(
        url, {"week_start": this_week().isoformat(), "hours": "10", "version": "0"}
    )
    assert response.status_code == 400
    assert "Du kan bare føre timer mens praksisen pågår." in response.get_data(as_text=True)


def test_another_trainees_placement_is_not_found(active, placement_scene, login):
    scene, _ = active
    other = placement_scene(S.ACTIVE)
    intruder = login(other.trainee)
    assert intruder.get(hours_page(scene)).status_code == 404


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(active, login):
    scene, trainee = active
    week = this_week()
    second_tab = login(scene.trainee)  # the same person on another device
    first = trainee.get(hours_page(scene, week)).get_data(as_text=True)
    assert log(second_tab, scene, week, "12").status_code == 302

    # The first tab still carries version 0 (nothing logged when it opened).
    token = first.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = trainee.post(
        hours_page(scene, week),
        data={"csrf_token": token, "week_start": week.isoformat(), "hours": "14", "version": "0"},
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Noen andre har lagret endringer her" in page
    assert 'value="14"' in page  # what they typed
    assert "Lagret nå: 12 timer." in page
    assert entries(scene) == {week: 12.0}


def test_the_supervisor_confirms_several_weeks_at_once_in_the_portal(active, login):
    scene, trainee = active
    weeks = [this_week() - timedelta(weeks=n) for n in (2, 1, 0)]
    for week, hours in zip(weeks, ("18", "19,5", "7"), strict=True):
        assert log(trainee, scene, week, hours).status_code == 302
    partner = login(scene.partner)
    url = f"/portal/praksis/{scene.placement.id}/timer"
    page = partner.get(url).get_data(as_text=True)
    assert "19,5" in page
    before = last_log_id()

    response = sign_form(
        partner,
        url,
        {"typed_name": "Per Partner", "weeks": [w.isoformat() for w in weeks[:2]]},
    )

    assert response.status_code == 302
    signature = db.session.scalar(select(Signature))
    assert signature.action is SignedAction.CONFIRM_HOURS
    assert signature.user_id == scene.partner.id
    assert signature.content["weeks"] == [
        {"week_start": weeks[0].isoformat(), "hours": 18.0},
        {"week_start": weeks[1].isoformat(), "hours": 19.5},
    ]
    confirmed = db.session.scalars(
        select(HoursEntry.week_start).where(HoursEntry.confirmed_signature_id == signature.id)
    ).all()
    assert sorted(confirmed) == weeks[:2]
    # The page and the confirmation: one row each, by the partner.
    rows = log_rows_since(before)
    assert [(r.action, r.actor_user_id) for r in rows] == [
        (AccessAction.VIEW, scene.partner.id),
        (AccessAction.UPDATE, scene.partner.id),
    ]

    # A confirmed week can no longer be changed by the trainee.
    url = f"/min-praksis/{scene.placement.id}/timer"
    response = trainee.submit(
        url, {"week_start": weeks[0].isoformat(), "hours": "30", "version": "1"}
    )
    assert response.status_code == 400
    assert "er bekreftet av veilederen og kan ikke endres" in response.get_data(as_text=True)
    assert entries(scene)[weeks[0]] == 18.0

    # and the trainee sees who confirmed what, and when, on «Min praksis».
    mine = trainee.get("/min-praksis").get_data(as_text=True)
    assert "Bekreftet timer" in mine and "Per Partner" in mine


def test_hours_changed_while_the_supervisor_looked_are_not_confirmed(active, login):
    scene, trainee = active
    week = this_week()
    log(trainee, scene, week, "10")
    partner = login(scene.partner)
    url = f"/portal/praksis/{scene.placement.id}/timer"
    page = partner.get(url).get_data(as_text=True)
    shown_hash = page.split('name="content_sha256" type="hidden" value="')[1].split('"')[0]
    log(trainee, scene, week, "25")

    response = partner.submit(
        url,
        {"typed_name": "Per Partner", "weeks": [week.isoformat()], "content_sha256": shown_hash},
    )
    assert response.status_code == 409
    assert "Opplysningene er endret etter at du åpnet siden." in response.get_data(as_text=True)
    assert db.session.scalar(select(Signature)) is None


def test_the_trainee_asks_the_supervisor_to_confirm_by_link(active, client):
    scene, trainee = active
    weeks = [this_week() - timedelta(weeks=1), this_week()]
    for week in weeks:
        log(trainee, scene, week, "15")
    response = trainee.submit(
        f"/min-praksis/{scene.placement.id}/timer/send", page=hours_page(scene)
    )
    assert response.status_code == 302
    [mail] = mail_to(SUPERVISOR)
    assert mail.subject == "Bekreft praksistimer for MB-opplæringen"
    path = link_path(mail.body)

    page = client.get(path).get_data(as_text=True)
    assert "Bekreft timer i praksis" in page
    response = client.submit(
        path, {"typed_name": "Kari Veileder", "weeks": [w.isoformat() for w in weeks]}
    )
    assert response.status_code == 302
    signature = db.session.scalar(select(Signature))
    assert [w["week_start"] for w in signature.content["weeks"]] == [w.isoformat() for w in weeks]
    assert signature.user_id is None
    assert all(
        e.confirmed_signature_id == signature.id for e in db.session.scalars(select(HoursEntry))
    )
    assert client.get(path).status_code == 410


def test_an_hours_link_covers_the_weeks_it_was_sent_for(active, client, db_snapshot):
    scene, trainee = active
    week = this_week()
    log(trainee, scene, week, "15")
    trainee.submit(f"/min-praksis/{scene.placement.id}/timer/send", page=hours_page(scene))
    path = link_path(mail_to(SUPERVISOR)[-1].body)
    log(trainee, scene, week, "16")  # changed after the link went out
    before = db_snapshot()

    response = client.get(path)
    assert response.status_code == 410
    assert "endret etter at lenken ble sendt" in response.get_data(as_text=True)
    assert db_snapshot() == before


def test_the_pages_load_in_the_same_number_of_queries_however_many_weeks(
    placement_scene, login, count_queries
):
    counts = []
    for weeks in (1, 8):
        start = this_week() - timedelta(weeks=weeks - 1)
        scene = placement_scene(S.ACTIVE, start=start, end=start + timedelta(weeks=9, days=4))
        for n in range(weeks):
            db.session.add(
                HoursEntry(
                    placement_id=scene.placement.id,
                    week_start=start + timedelta(weeks=n),
                    hours=18,
                )
            )
        db.session.commit()
        pages = (
            (login(scene.trainee), hours_page(scene)),
            (login(scene.trainee), "/min-praksis"),
            (login(scene.partner), f"/portal/praksis/{scene.placement.id}"),
            (login(scene.partner), f"/portal/praksis/{scene.placement.id}/timer"),
        )
        measured = []
        for client, url in pages:
            client.get(url)  # the session's last-seen write happens at most once a minute
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            measured.append(len(statements))
        counts.append(measured)
    assert counts[0] == counts[1], counts
