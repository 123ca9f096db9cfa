"""The supervisor's (partner's) list of work over the placements at their organisation."""

from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from mbtrain.database import utcnow
from mbtrain.extensions import db
from mbtrain.filters import day_year as _day
from mbtrain.home.work import Group, Task
from mbtrain.partner.access import partner_rows
from mbtrain.partner.waiting import waiting_for
from mbtrain.placements.models import ChangeProposal, ProposalStatus

ANSWERED_WITHIN = timedelta(days=30)
ANSWERED = (ProposalStatus.APPROVED, ProposalStatus.REJECTED)


def supervisor_work(today: date) -> list[Group]:
    rows = partner_rows()
    waiting = waiting_for([placement for placement, _trainee in rows], today)
    requests = Group("requests", _("Forespørsler om praksisplass"))
    requests.empty = _("Ingen forespørsler venter på svar.")
    hours = Group("hours", _("Timer som venter på at dere bekrefter dem"))
    hours.empty = _("Ingen timer venter på bekreftelse.")
    meetings = Group("meetings", _("Møter som skal holdes"))
    meetings.empty = _("Ingen møter skal holdes nå.")
    evaluations = Group("evaluations", _("Sluttvurderinger som skal skrives"))
    evaluations.empty = _("Ingen sluttvurderinger venter.")
    for placement, trainee in rows:
        due, name, pid = waiting[placement.id], trainee["name"], placement.id
        if due.answer:
            url = url_for("partner.answer_placement", placement_id=pid)
            requests.add(Task(name, url, _period(placement)))
        if due.hours_weeks:
            text = ngettext("%(num)d uke", "%(num)d uker", due.hours_weeks)
            url = url_for("partner.confirm_hours", placement_id=pid)
            hours.add(Task(text, url, name), due.hours_weeks)
        for kind in due.meetings:
            url = url_for("partner.record_meeting", placement_id=pid)
            meetings.add(Task(kind.label, url, name))
        if due.evaluation:
            url = url_for("partner.final_evaluation", placement_id=pid)
            evaluations.add(Task(name, url, _("siste dag %(date)s", date=_day(placement.end_date))))
    names = {placement.id: trainee["name"] for placement, trainee in rows}
    return [requests, hours, meetings, evaluations, _answered(names)]


def _answered(names: dict[int, str]) -> Group:
    """The coordinator's answers to this organisation's proposals, of the last 30 days."""
    group = Group("answered", _("Forslag dere har fått svar på"))
    group.empty = _("Ingen nye svar på forslag.")
    if not names:
        return group
    rows = db.session.execute(
        select(ChangeProposal.placement_id, ChangeProposal.kind, ChangeProposal.status)
        .where(
            ChangeProposal.placement_id.in_(list(names)),
            ChangeProposal.status.in_(ANSWERED),
            ChangeProposal.decided_at >= utcnow() - ANSWERED_WITHIN,
        )
        .order_by(ChangeProposal.decided_at.desc())
    )
    for placement_id, kind, status in rows:
        url = url_for("placements.partner_detail", placement_id=placement_id)
        text = f"{kind.label}: {status.label.lower()}"
        group.add(Task(text, url, names[placement_id]))
    return group


def _period(placement) -> str:
    return f"{_day(placement.start_date)}–{_day(placement.end_date)}"
