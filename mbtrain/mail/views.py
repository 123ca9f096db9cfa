from flask import Blueprint, render_template

from mbtrain.audit.services import log_view
from mbtrain.mail import access, services

bp = Blueprint("mail", __name__, url_prefix="/admin/utboks")

PAGE_SIZE = 100


@bp.get("/")
def outbox():
    # The list shows recipients' addresses and subjects: a look at personal data.
    log_view("outbox", "ADMIN")
    return render_template("mail/outbox.html", messages=services.recent_messages(PAGE_SIZE))


@bp.get("/<int:message_id>")
def outbox_message(message_id: int):
    message = access.load_message(message_id)
    log_view(message, "ADMIN")
    return render_template("mail/message.html", message=message)
