"""Certificates: the public verification pages, issuing for a cohort, downloads."""

import json
import re
import secrets
import zipfile
from datetime import date
from io import BytesIO
from unicodedata import normalize
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload

from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.certificates import codes, services
from mbtrain.certificates.eligibility import cohort_candidates
from mbtrain.certificates.forms import (
    LANGUAGE_CHOICES,
    IssueAllForm,
    IssueOneForm,
    RevokeForm,
    UploadForm,
    VerifyCodeForm,
)
from mbtrain.certificates.models import Certificate
from mbtrain.cohorts import access as cohort_access
from mbtrain.cohorts.models import Cohort
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db, limiter
from mbtrain.i18n import norwegian_date, today
from mbtrain.idempotency import earlier_result, remember_submission
from mbtrain.people.models import Person
from mbtrain.policy import may_manage_county, visible_cohorts

bp = Blueprint("certificates", __name__)
PURPOSE = "CERTIFICATE"
ASCII_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "Æ": "Ae", "Ø": "O", "Å": "Aa"})


@bp.app_template_filter("isodate")
def isodate(value: str | None) -> str:
    """A date kept as ISO text in a snapshot, written as Norwegians write dates."""
    return norwegian_date(date.fromisoformat(value[:10])) if value else ""


def _verify_limit() -> str:
    return current_app.config.get("CERTIFICATE_VERIFY_LIMIT", "30 per minute")


def _upload_limit() -> str:
    return current_app.config.get("CERTIFICATE_UPLOAD_LIMIT", "10 per minute")


# Verification, for anyone -----------------------------------------------------------------


@bp.get("/verify")
@limiter.limit(_verify_limit)
def verify():
    form = VerifyCodeForm(request.args)
    if "kode" in request.args and form.validate():
        try:
            return redirect(url_for(".verify_code", code=codes.normalise(form.kode.data)))
        except codes.CodeError as error:
            form.kode.errors = [str(error)]
    return render_template("certificates/verify.html", form=form)


@bp.route("/verify/<code>", methods=["GET", "POST"])
@limiter.limit(_verify_limit)
@limiter.limit(_upload_limit, methods=["POST"])
def verify_code(code: str):
    certificate = load_by_code(code)
    if certificate.code != code:
        return redirect(url_for(".verify_code", code=certificate.code))
    form, upload = UploadForm(), None
    if form.validate_on_submit():
        upload = services.check_upload(certificate, form.document.data.read())
    return render_template(
        "certificates/verified.html",
        certificate=certificate,
        facts=json.loads(certificate.snapshot_json)["certificate"],
        signature=services.check_stored(certificate),
        form=form,
        upload=upload,
    )


@bp.get("/verify/<code>.json")
@limiter.limit(_verify_limit)
def verify_json(code: str):
    certificate = load_by_code(code)
    signature = services.check_stored(certificate)
    return jsonify(
        code=certificate.code,
        number=certificate.number,
        status=certificate.status.value,
        status_text=certificate.status.label,
        revoked_at=certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        revoked_reason=certificate.revoked_reason,
        superseded_by=certificate.superseded_by.number if certificate.superseded_by else None,
        pdf_sha256=certificate.pdf_sha256,
        snapshot_sha256=certificate.snapshot_sha256,
        signature_intact=signature.ok,
        credential=json.loads(certificate.snapshot_json),
    )


def load_by_code(code: str) -> Certificate:
    try:
        certificate = services.find_by_code(code)
    except codes.CodeError:
        certificate = None
    if certificate is None:
        abort(404)
    return certificate


# Issuing, for the cohort's coordinators ---------------------------------------------------


def load_cohort(cohort_id: int) -> Cohort:
    """A cohort this user may issue certificates in; 404 otherwise."""
    return cohort_access.load_cohort(cohort_id, manage=True, options=cohort_access.HEADER)


def load_certificate(certificate_id: int) -> Certificate:
    """A certificate in a cohort this user manages; 404 otherwise."""
    certificate = db.session.scalar(
        select(Certificate)
        .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Certificate.id == certificate_id, visible_cohorts(current_user))
        .options(joinedload(Certificate.enrolment).joinedload(Enrolment.cohort))
    )
    if certificate is None or not may_manage_county(
        current_user, certificate.enrolment.cohort.county_id
    ):
        abort(404)
    return certificate


@bp.get("/kurs/<int:cohort_id>/kursbevis")
def preflight(cohort_id: int):
    cohort = load_cohort(cohort_id)
    found = cohort_candidates(cohort, today())
    record_access(
        AccessAction.VIEW, object_type="certificate_preflight", object_id=cohort.id, purpose=PURPOSE
    )
    db.session.commit()
    return render_template(
        "certificates/preflight.html",
        cohort=cohort,
        found=found,
        issue_all_form=IssueAllForm(),
        languages=LANGUAGE_CHOICES,
        new_submission_key=lambda: secrets.token_urlsafe(24),
    )


@bp.post("/kurs/<int:cohort_id>/kursbevis/utsted")
def issue_all(cohort_id: int):
    cohort = load_cohort(cohort_id)
    form = IssueAllForm()
    if not form.validate_on_submit():
        abort(400)
    return _issue(cohort, form.submission_key.data, None, "nb")


@bp.post("/kurs/<int:cohort_id>/kursbevis/<int:enrolment_id>/utsted")
def issue_one(cohort_id: int, enrolment_id: int):
    cohort = load_cohort(cohort_id)
    form = IssueOneForm()
    if not form.validate_on_submit():
        abort(400)
    return _issue(cohort, form.submission_key.data, enrolment_id, form.language.data)


def _issue(cohort: Cohort, key: str | None, enrolment_id: int | None, language: str):
    target = url_for(".preflight", cohort_id=cohort.id)
    if earlier := earlier_result(key):
        return redirect(earlier)
    found = cohort_candidates(cohort, today(), enrolment_id)
    if enrolment_id is not None and found.candidate(enrolment_id) is None:
        abort(404)
    try:
        if enrolment_id is None:
            issued = services.issue_all(found, current_user, language)
        else:
            issued = services.issue(found, [enrolment_id], current_user, language)
    except services.CertificateError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(target)
    for certificate, candidate in ((c, found.candidate(c.enrolment_id)) for c in issued):
        record_access(
            AccessAction.CREATE,
            object_type="certificate",
            object_id=certificate.id,
            subject_person_id=candidate.progress.trainee.person_id,
            subject_user_id=candidate.progress.trainee.user_id,
            purpose=PURPOSE,
        )
    remember_submission(key, current_user.id, target)
    db.session.commit()
    flash(ngettext("%(num)d kursbevis er utstedt.", "%(num)d kursbevis er utstedt.", len(issued)))
    return redirect(target)


@bp.route("/kursbevis/<int:certificate_id>/tilbakekall", methods=["GET", "POST"])
def revoke(certificate_id: int):
    certificate = load_certificate(certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke(certificate, current_user, form.reason.data)
        except services.CertificateError as error:
            form.reason.errors = [str(error)]
        else:
            _log_certificate(certificate, AccessAction.UPDATE)
            db.session.commit()
            flash(_("Kursbevis %(number)s er tilbakekalt.", number=certificate.number))
            return redirect(url_for(".preflight", cohort_id=certificate.enrolment.cohort_id))
    return render_template("certificates/revoke.html", certificate=certificate, form=form)


@bp.get("/kursbevis/<int:certificate_id>.pdf")
def download(certificate_id: int):
    certificate = load_certificate(certificate_id)
    _log_certificate(certificate, AccessAction.EXPORT)
    db.session.commit()
    return pdf_response(certificate)


@bp.get("/kurs/<int:cohort_id>/kursbevis.zip")
def cohort_zip(cohort_id: int):
    cohort = load_cohort(cohort_id)
    certificates = db.session.scalars(
        select(Certificate)
        .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .where(
            Enrolment.cohort_id == cohort.id,
            Certificate.revoked_at.is_(None),
            Certificate.superseded_by_id.is_(None),
        )
        .options(joinedload(Certificate.enrolment))
        .order_by(Certificate.number)
    ).all()
    for certificate in certificates:
        _log_certificate(certificate, AccessAction.EXPORT)
    db.session.commit()
    buffer = BytesIO()
    # Stored, not deflated: the PDFs are compressed already.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            archive.writestr(download_name(certificate), certificate.pdf)
    name = safe_filename(f"Kursbevis {cohort.name}") + ".zip"
    return attachment(buffer.getvalue(), "application/zip", name)


# The trainee's own --------------------------------------------------------------------------


def own_certificates():
    return (
        select(Certificate)
        .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Person.user_id == current_user.id)
    )


@bp.get("/mitt-kurs/kursbevis")
def my_certificates():
    certificates = db.session.scalars(
        own_certificates()
        .options(defer(Certificate.pdf), joinedload(Certificate.superseded_by))
        .order_by(Certificate.issued_at.desc())
    ).all()
    person_id = db.session.scalar(select(Person.id).where(Person.user_id == current_user.id))
    record_access(
        AccessAction.VIEW,
        object_type="own_certificates",
        object_id=person_id,
        subject_person_id=person_id,
        subject_user_id=current_user.id,
        purpose="OWN_DATA",
    )
    db.session.commit()
    return render_template("certificates/mine.html", certificates=certificates)


@bp.get("/mitt-kurs/kursbevis/<int:certificate_id>.pdf")
def my_download(certificate_id: int):
    certificate = db.session.scalar(
        own_certificates()
        .where(Certificate.id == certificate_id)
        .options(joinedload(Certificate.enrolment))
    )
    if certificate is None:
        abort(404)
    record_access(
        AccessAction.EXPORT,
        object_type="certificate",
        object_id=certificate.id,
        subject_person_id=certificate.enrolment.person_id,
        subject_user_id=current_user.id,
        purpose="OWN_DATA",
    )
    db.session.commit()
    return pdf_response(certificate)


# Responses ---------------------------------------------------------------------------------


def _log_certificate(certificate: Certificate, action: AccessAction) -> None:
    record_access(
        action,
        object_type="certificate",
        object_id=certificate.id,
        subject_person_id=certificate.enrolment.person_id,
        purpose=PURPOSE,
    )


def pdf_response(certificate: Certificate) -> Response:
    """The stored bytes, exactly as issued: never a new rendering."""
    return attachment(certificate.pdf, "application/pdf", download_name(certificate))


def attachment(data: bytes, mimetype: str, filename: str) -> Response:
    """A download: an ASCII name for old clients, the real one (RFC 6266) for the rest."""
    fallback = normalize("NFKD", filename.translate(ASCII_LETTERS)).encode("ascii", "ignore")
    response = current_app.response_class(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback.decode()}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def download_name(certificate: Certificate) -> str:
    """Named after the certificate as issued (its frozen name), never today's records."""
    name = json.loads(certificate.snapshot_json)["certificate"]["name"]
    kind = certificate.kind.label
    return safe_filename(f"{kind} {certificate.number} {name}") + ".pdf"


def safe_filename(text: str) -> str:
    """Letters (æøå too), digits, spaces, dots and dashes; nothing that makes a path."""
    cleaned = re.sub(r"[^\w .-]", "", text, flags=re.UNICODE).replace("_", " ")
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")
    return cleaned[:150] or "kursbevis"
