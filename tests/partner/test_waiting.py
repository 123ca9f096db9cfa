"""What waits for the supervisor on each placement: the pure rules, the list of placements
that shows it, and a sign-off form on which nothing is ticked for them."""

import re
from datetime import date

import pytest

from mbtrain.extensions import db
from mbtrain.partner.waiting import evaluation_due, meetings_due
from mbtrain.placements.models import Meeting, MeetingKind, PlacementStatus

START, END = date(2027, 2, 1), date(2027, 4, 9)
K = MeetingKind


@pytest.mark.parametrize(
    "today, held, due",
    [
        (date(2027, 1, 29), set(), ()),  # before it starts
        (date(2027, 2, 1), set(), (K.OPPSTART,)),
        (date(2027, 2, 1), {K.OPPSTART}, ()),
        (date(2027, 3, 7), {K.OPPSTART}, (K.MIDTVEIS,)),
        (date(2027, 3, 26), {K.OPPSTART}, (K.MIDTVEIS, K.SLUTT)),  # the last two weeks
        (date(2027, 3, 26), {K.OPPSTART, K.MIDTVEIS, K.SLUTT}, ()),
        (date(2027, 3, 26), {K.EKSTRA}, (K.OPPSTART, K.MIDTVEIS, K.SLUTT)),
    ],
)
def test_meetings_fall_due_at_the_start_the_middle_and_in_the_last_two_weeks(today, held, due):
    assert meetings_due(START, END, held, today) == due


def test_the_final_evaluation_falls_due_in_the_last_two_weeks_of_a_placement_going_on():
    active = PlacementStatus.ACTIVE
    assert not evaluation_due(active, END, False, date(2027, 3, 25))
    assert evaluation_due(active, END, False, date(2027, 3, 26))
    assert not evaluation_due(active, END, True, date(2027, 3, 26))  # signed
    assert not evaluation_due(PlacementStatus.COMPLETED, END, False, date(2027, 4, 20))


def row_of(page: str, name: str) -> str:
    return next(row for row in re.findall(r"<tr>.*?</tr>", page, re.S) if name in row)


def test_the_list_shows_what_waits_on_each_placement(login, supervisor, build_world, on_today):
    world = build_world(4)
    first, other = world.placements
    db.session.add(Meeting(placement=other, kind=K.OPPSTART, held_on=START, participants="Alle"))
    db.session.commit()
    page = login(supervisor).get("/portal/praksis").get_data(as_text=True)

    waiting = row_of(page, first.enrolment.person.name)
    assert "2 uker med timer å bekrefte" in waiting
    assert f"/portal/praksis/{first.id}/timer" in waiting
    assert "Oppstartsmøte skal holdes" in waiting and "Sluttmøte skal holdes" in waiting
    assert "Sluttvurderingen skal skrives innen 09.04.2027" in waiting
    assert "Oppstartsmøte" not in row_of(page, other.enrolment.person.name)


def test_nothing_waits_on_a_placement_that_is_over(login, supervisor, build_world, on_today):
    world = build_world(4)
    placement = world.placements[0]
    placement.status = PlacementStatus.COMPLETED
    db.session.commit()
    page = login(supervisor).get("/portal/praksis").get_data(as_text=True)
    assert "Ingenting venter på dere" in row_of(page, placement.enrolment.person.name)


def test_no_week_is_ticked_in_advance_on_the_sign_off_form(
    login, supervisor, build_world, on_today
):
    world = build_world(2)
    page = login(supervisor).get(f"/portal/praksis/{world.placements[0].id}/timer")
    html = page.get_data(as_text=True)
    boxes = re.findall(r'<input type="checkbox" name="weeks"[^>]*>', html)
    assert len(boxes) == 2
    assert not any("checked" in box for box in boxes)


def test_a_protected_trainee_is_named_in_plain_words(login, supervisor, build_world, on_today):
    world = build_world(2)
    world.placements[0].enrolment.person.protected = True
    db.session.commit()
    page = login(supervisor).get("/portal/praksis").get_data(as_text=True)
    assert "Deltaker (navnet holdes skjult)" in page
    assert "skjermet" not in page
