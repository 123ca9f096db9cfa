"""Certificates: the public verification pages, issuing for a cohort, downloads."""

from flask import (
    Blueprint,
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
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import log_change, log_view
from mbtrain.certificates import batches, services
from mbtrain.certificates.access import (
    load_batch,
    load_by_code,
    load_candidates,
    load_certificate,
    load_cohort,
    load_own_certificate,
    own_certificate_list,
    own_person_id,
)
from mbtrain.certificates.downloads import pdf_response, valid_in, zip_response
from mbtrain.certificates.eligibility import CohortCandidates, completed_modules
from mbtrain.certificates.forms import (
    LANGUAGE_CHOICES,
    IssueAllForm,
    IssueOneForm,
    LanguageChoice,
    RevokeForm,
    UploadForm,
    VerifyCodeForm,
)
from mbtrain.certificates.models import Certificate, CertificateKind
from mbtrain.extensions import limiter
from mbtrain.i18n import names, today
from mbtrain.idempotency import attempt_once, sent_on
from mbtrain.web import Done, refuse

bp = Blueprint("certificates", __name__)
PURPOSE = "CERTIFICATE"


def _verify_limit() -> str:
    return current_app.config.get("CERTIFICATE_VERIFY_LIMIT", "30 per minute")


def _upload_limit() -> str:
    return current_app.config.get("CERTIFICATE_UPLOAD_LIMIT", "10 per minute")


def _log_export(certificate: Certificate) -> None:
    log_view(certificate, PURPOSE, action=AccessAction.EXPORT)


# Verification, for anyone -----------------------------------------------------------------


@bp.get("/verify")
@limiter.limit(_verify_limit)
def verify():
    form = VerifyCodeForm(request.args)
    if "kode" in request.args and form.validate():
        return redirect(url_for(".verify_code", code=form.kode.data))
    return render_template("certificates/verify.html", form=form)


@bp.route("/verify/<code>", methods=["GET", "POST"])
@limiter.limit(_verify_limit)
@limiter.limit(_upload_limit, methods=["POST"])
def verify_code(code: str):
    certificate = load_by_code(code)
    if certificate.code != code:
        return redirect(url_for(".verify_code", code=certificate.code))
    form = UploadForm()
    sent = form.validate_on_submit()
    upload = services.check_upload(certificate, form.document.data.read()) if sent else None
    return render_template(
        "certificates/verified.html",
        certificate=certificate,
        facts=services.certified(certificate),
        signature=services.check_stored(certificate),
        form=form,
        upload=upload,
    )


@bp.get("/verify/<code>.json")
@limiter.limit(_verify_limit)
def verify_json(code: str):
    return jsonify(**services.public_record(load_by_code(code)))


# Issuing, for the cohort's coordinators ---------------------------------------------------


@bp.get("/kurs/<int:cohort_id>/kursbevis")
def preflight(cohort_id: int):
    cohort = load_cohort(cohort_id)
    found = load_candidates(cohort, today())
    log_view(cohort, PURPOSE, object_type="certificate_preflight")
    return render_template(
        "certificates/preflight.html",
        cohort=cohort,
        found=found,
        languages=LANGUAGE_CHOICES,
    )


@bp.route("/kurs/<int:cohort_id>/kursbevis/utsted", methods=["GET", "POST"])
def issue_all(cohort_id: int):
    """GET: whom «issue to all» would give a kursbevis, by name, and who is left out (those
    who left: a kompetansebevis, issued one at a time). POST: «Bekreft» starts a batch for
    exactly those named, which the worker issues; its page shows how far it has come."""
    cohort = load_cohort(cohort_id)
    found = load_candidates(cohort, today())
    form = IssueAllForm()
    if not form.is_submitted():
        log_view(cohort, PURPOSE, object_type="certificate_preflight")
        return render_template(
            "certificates/confirm_all.html", cohort=cohort, found=found, form=form
        )
    if not form.validate():
        abort(400)
    done = attempt_once(form, batches.start_batch, found, form.enrolment.data, current_user)
    if done is None:
        flash(form.refused.message, "error")
        return redirect(url_for(".preflight", cohort_id=cohort.id))
    log_change(done.value, PURPOSE, action=AccessAction.CREATE)
    return sent_on(form, url_for(".batch", cohort_id=cohort.id, batch_id=done.value.id))


@bp.get("/kurs/<int:cohort_id>/kursbevis/bunke/<int:batch_id>")
def batch(cohort_id: int, batch_id: int):
    """How far the worker has come with a batch: who has their kursbevis, who was not issued
    one and why, who waits; the page reloads itself until the batch is finished."""
    cohort = load_cohort(cohort_id)
    found = load_batch(cohort, batch_id)
    log_view(found, PURPOSE)
    return render_template("certificates/batch.html", cohort=cohort, batch=found)


@bp.route("/kurs/<int:cohort_id>/kursbevis/<int:enrolment_id>/utsted", methods=["GET", "POST"])
def issue_one(cohort_id: int, enrolment_id: int):
    """GET: what this trainee would get (a kursbevis or a kompetansebevis, in which language,
    replacing which), flagged if they left. POST: «Bekreft» issues it."""
    cohort = load_cohort(cohort_id)
    found = load_candidates(cohort, today(), enrolment_id)
    form = IssueOneForm()
    if not form.is_submitted():
        chosen = LanguageChoice(request.args)
        language = chosen.language.data if chosen.validate() else "nb"
        form.language.data = language
        candidate = found.candidate(enrolment_id)
        log_view(cohort, PURPOSE, object_type="certificate_preflight")
        return render_template(
            "certificates/confirm_one.html",
            cohort=cohort,
            found=found,
            candidate=candidate,
            modules=completed_modules(candidate.progress, found.curriculum),
            language=language,
            form=form,
        )
    if not form.validate():
        abort(400)
    issue = (services.issue, found, [enrolment_id], current_user, form.language.data)
    return _issued(form, found, attempt_once(form, *issue))


ISSUED = {
    CertificateKind.KURSBEVIS: _l("Kursbevis utstedt til %(names)s."),
    CertificateKind.KOMPETANSEBEVIS: _l("Kompetansebevis utstedt til %(names)s."),
}


def _issued(form, found: CohortCandidates, done: Done | None):
    """Back to the pre-flight list, saying what was issued to whom, or why nothing was."""
    target = url_for(".preflight", cohort_id=found.cohort.id)
    if done is None:
        flash(form.refused.message, "error")
        return redirect(target)
    batches.log_issued(found, done.value)
    for kind, message in ISSUED.items():
        given = [
            found.candidate(c.enrolment_id).progress.trainee.name
            for c in done.value
            if c.kind is kind
        ]
        if given:
            flash(str(message) % {"names": names(given)}, "success")
    return sent_on(form, target)


@bp.route("/kursbevis/<int:certificate_id>/tilbakekall", methods=["GET", "POST"])
def revoke(certificate_id: int):
    certificate = load_certificate(certificate_id)
    form = RevokeForm()
    if form.validate_on_submit() and attempt_once(
        form, services.revoke, certificate, current_user, form.reason.data
    ):
        log_change(certificate, PURPOSE)
        flash(
            _(
                "%(kind)s %(number)s til %(name)s er tilbakekalt.",
                kind=certificate.kind.label,
                number=certificate.number,
                name=certificate.enrolment.person.name,
            ),
            "success",
        )
        return sent_on(form, url_for(".preflight", cohort_id=certificate.enrolment.cohort_id))
    refuse(200)  # the form shown again with its message is an ordinary page, as it always was
    log_view(certificate, PURPOSE)
    return render_template("certificates/revoke.html", certificate=certificate, form=form)


@bp.get("/kursbevis/<int:certificate_id>.pdf")
def download(certificate_id: int):
    certificate = load_certificate(certificate_id)
    _log_export(certificate)
    return pdf_response(certificate)


@bp.get("/kurs/<int:cohort_id>/kursbevis.zip")
def cohort_zip(cohort_id: int):
    cohort = load_cohort(cohort_id)
    certificates = valid_in(cohort)
    for certificate in certificates:
        _log_export(certificate)
    return zip_response(cohort, certificates)


# The trainee's own --------------------------------------------------------------------------


@bp.get("/mitt-kurs/kursbevis")
def my_certificates():
    certificates = own_certificate_list()
    person_id = own_person_id()
    details = {"object_id": person_id, "subject_person_id": person_id}
    log_view("own_certificates", "OWN_DATA", **details, subject_user_id=current_user.id)
    return render_template("certificates/mine.html", certificates=certificates)


@bp.get("/mitt-kurs/kursbevis/<int:certificate_id>.pdf")
def my_download(certificate_id: int):
    certificate = load_own_certificate(certificate_id)
    log_view(certificate, "OWN_DATA", action=AccessAction.EXPORT, subject_user_id=current_user.id)
    return pdf_response(certificate)
