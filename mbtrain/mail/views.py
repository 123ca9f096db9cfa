from flask import Blueprint, render_template
from sqlalchemy import select

from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.extensions import db
from mbtrain.mail.models import OutboxMessage

bp = Blueprint("mail", __name__, url_prefix="/admin/utboks")

PAGE_SIZE = 100


@bp.get("/")
def outbox():
    messages = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(PAGE_SIZE)
    ).all()
    # The list shows recipients' addresses and subjects: a look at personal data.
    record_access(AccessAction.VIEW, object_type="outbox", object_id=None, purpose="ADMIN")
    db.session.commit()
    return render_template("mail/outbox.html", messages=messages)


@bp.get("/<int:message_id>")
def outbox_message(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    record_access(
        AccessAction.VIEW, object_type="outbox_message", object_id=message.id, purpose="ADMIN"
    )
    db.session.commit()
    return render_template("mail/message.html", message=message)
