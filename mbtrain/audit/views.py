from datetime import datetime, time

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import or_, select

from mbtrain.accounts.models import Role
from mbtrain.audit.forms import AccessLogSearchForm
from mbtrain.audit.models import ACTOR_ROLES, OBJECT_TYPES, PURPOSES, AccessAction, AccessLog
from mbtrain.audit.services import record_access
from mbtrain.extensions import db
from mbtrain.i18n import TIMEZONE
from mbtrain.people.models import Person

bp = Blueprint("audit", __name__)

PAGE_SIZE = 200


@bp.get("/admin/tilgangslogg")
def search():
    form = AccessLogSearchForm(request.args, meta={"csrf": False})
    query = select(AccessLog).order_by(AccessLog.id.desc()).limit(PAGE_SIZE)
    valid = form.validate()
    if valid:
        if form.actor_user_id.data:
            query = query.where(AccessLog.actor_user_id == form.actor_user_id.data)
        if form.subject_user_id.data:
            query = query.where(AccessLog.subject_user_id == form.subject_user_id.data)
        if form.subject_person_id.data:
            query = query.where(AccessLog.subject_person_id == form.subject_person_id.data)
        if form.date_from.data:
            start = datetime.combine(form.date_from.data, time.min, TIMEZONE)
            query = query.where(AccessLog.at >= start)
        if form.date_to.data:
            end = datetime.combine(form.date_to.data, time.max, TIMEZONE)
            query = query.where(AccessLog.at <= end)
    rows = db.session.scalars(query).all()
    # Who looked at whose data is itself personal data: reading the log is logged too,
    # against the subject searched for, so the trainee sees it under «Hvem har sett».
    record_access(
        AccessAction.VIEW,
        object_type="access_log",
        object_id=None,
        purpose="ADMIN",
        subject_user_id=form.subject_user_id.data if valid else None,
        subject_person_id=form.subject_person_id.data if valid else None,
    )
    db.session.commit()
    return render_template("audit/search.html", form=form, rows=rows)


@bp.get("/meg/innsyn")
def my_access_log():
    """«Hvem har sett opplysningene mine»: the trainee's own view of the access log."""
    mine = AccessLog.subject_user_id == current_user.id
    person_id = db.session.scalar(select(Person.id).where(Person.user_id == current_user.id))
    if person_id is not None:
        mine = or_(mine, AccessLog.subject_person_id == person_id)
    rows = db.session.scalars(
        select(AccessLog)
        .where(mine, AccessLog.actor_user_id.is_distinct_from(current_user.id))
        .order_by(AccessLog.id.desc())
    ).all()
    return render_template("audit/my_access_log.html", rows=rows)


@bp.app_template_global()
def purpose_label(code: str) -> str:
    return str(PURPOSES.get(code, code))


@bp.app_template_global()
def object_label(code: str) -> str:
    return str(OBJECT_TYPES.get(code, code))


@bp.app_template_global()
def role_label(code: str) -> str:
    if code in Role.__members__:
        return Role[code].label
    return str(ACTOR_ROLES.get(code, code))
