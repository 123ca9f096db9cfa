"""Issuing, re-issuing and revoking certificates. Flush, never commit.

Issuing renders each certificate from the facts as they are now, signs it and stores the
bytes; nothing issued is ever rendered again. A re-issue makes a new certificate and marks
the old one superseded by it; a revocation is a status with a date and a reason, never a
deletion, so a verifier always learns what became of a code.
"""

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

import segno
from flask import current_app, render_template
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from mbtrain.accounts.models import User
from mbtrain.canonical import canonical_json
from mbtrain.certificates import codes, pdf, signing
from mbtrain.certificates.eligibility import (
    Candidate,
    CohortCandidates,
    completed_modules,
    issued_counts,
)
from mbtrain.certificates.models import Certificate, CertificateKind
from mbtrain.certificates.snapshot import (
    Certified,
    ModuleLine,
    PlacementLine,
    credential,
    iso,
)
from mbtrain.certificates.wording import (
    ISSUED_AS,
    NORWEGIAN,
    WORDS,
    long_date,
    number,
    short_date,
)
from mbtrain.cohorts.models import Cohort
from mbtrain.database import utcnow
from mbtrain.enrolments.models import Enrolment
from mbtrain.errors import Refused
from mbtrain.extensions import db
from mbtrain.http import public_url
from mbtrain.i18n import TIMEZONE
from mbtrain.people.models import Person

log = logging.getLogger(__name__)
TEMPLATE = "certificates/pdf/kursbevis.html"
NUMBER_PREFIX = {CertificateKind.KURSBEVIS: "KB", CertificateKind.KOMPETANSEBEVIS: "KPB"}
MAX_REASON = 500


class CertificateError(Refused):
    """A certificate cannot be issued or revoked; the message says why, in Norwegian."""


# Issuing -------------------------------------------------------------------------------


def issue_all(found: CohortCandidates, by: User, language: str = "nb") -> list[Certificate]:
    """A certificate for every trainee who may have one and has none in this language."""
    return issue(found, [c.enrolment_id for c in found.eligible(language)], by, language)


def check_confirmed(found: CohortCandidates, enrolment_ids: list[int], language: str) -> None:
    """Refused unless each trainee named on the confirmation page may have a kursbevis now."""
    if not enrolment_ids:
        raise CertificateError(_("Ingen deltakere er valgt. Ingenting er utstedt."))
    allowed = {c.enrolment_id for c in found.eligible_kursbevis(language)}
    for enrolment_id in enrolment_ids:
        if enrolment_id not in allowed:
            candidate = found.candidate(enrolment_id)
            name = candidate.progress.trainee.name if candidate else str(enrolment_id)
            raise CertificateError(
                _(
                    "%(name)s kan ikke få kursbevis fra denne siden nå. Ingenting er utstedt; "
                    "se listen på nytt.",
                    name=name,
                )
            )


def issue(
    found: CohortCandidates, enrolment_ids: list[int], by: User, language: str = "nb"
) -> list[Certificate]:
    """Issue to these trainees; a valid certificate in the same language is superseded.

    ``language`` is the issuer's choice, Norwegian ("nb") or English: a Norwegian certificate
    is written in the trainee's own written form (bokmål or nynorsk), whoever issues it."""
    if language not in ISSUED_AS:
        raise CertificateError(_("Ukjent språk for kursbevis."))
    lock_cohort(found.cohort)
    signer = load_signer()
    numbers = issued_counts(enrolment_ids)
    forms = written_forms(enrolment_ids) if language == NORWEGIAN else {}
    issued = []
    for enrolment_id in enrolment_ids:
        candidate = found.candidate(enrolment_id)
        if candidate is None or not candidate.may_have:
            raise CertificateError("Deltakeren oppfyller ikke kravene til kursbevis.")
        numbers[enrolment_id] += 1
        sequence = numbers[enrolment_id]
        written = forms.get(enrolment_id, language)
        certificate = make_certificate(found, candidate, by, written, sequence, signer)
        db.session.add(certificate)
        db.session.flush()
        previous = candidate.issued.get(language)
        if previous is not None:
            previous.superseded_by_id = certificate.id
        candidate.issued[language] = certificate
        issued.append(certificate)
    db.session.flush()
    log.info("%d certificates issued in cohort %s by user %s", len(issued), found.cohort.id, by.id)
    return issued


def written_forms(enrolment_ids: list[int]) -> dict[int, str]:
    """Each trainee's written form of Norwegian (målform), by enrolment."""
    rows = db.session.execute(
        select(Enrolment.id, Person.written_form)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Enrolment.id.in_(enrolment_ids))
    )
    return {enrolment_id: form if form in WORDS else NORWEGIAN for enrolment_id, form in rows}


def lock_cohort(cohort: Cohort) -> None:
    """Two issuers at once wait for each other, so a trainee is not issued two at a time."""
    db.session.execute(select(Cohort.id).where(Cohort.id == cohort.id).with_for_update())


def make_certificate(
    found: CohortCandidates,
    candidate: Candidate,
    by: User,
    language: str,
    sequence: int,
    signer,
) -> Certificate:
    issued_at = utcnow()
    code = codes.new_code()
    certified = certified_facts(found, candidate, by, language, issued_at, code, sequence)
    snapshot = canonical_json(credential(certified)).encode()
    document = signing.sign_pdf(
        pdf.render_pdf(render_html(certified), snapshot, issued_at), signer, certified.place
    )
    return Certificate(
        enrolment_id=candidate.enrolment_id,
        kind=candidate.kind,
        language=language,
        code=code,
        number=certified.number,
        issued_at=issued_at,
        issued_by_id=by.id,
        snapshot_json=snapshot.decode(),
        snapshot_sha256=signing.sha256(snapshot),
        pdf=document,
        pdf_sha256=signing.sha256(document),
    )


def certified_facts(
    found: CohortCandidates,
    candidate: Candidate,
    by: User,
    language: str,
    issued_at: datetime,
    code: str,
    sequence: int,
) -> Certified:
    cohort, curriculum, trainee = found.cohort, found.curriculum, candidate.progress.trainee
    kind = candidate.kind
    local_issue = issued_at.astimezone(TIMEZONE)
    return Certified(
        kind=kind.value,
        language=language,
        number=f"{NUMBER_PREFIX[kind]}-{local_issue.year}-{trainee.enrolment_id:05d}-{sequence}",
        code=code,
        verify_url=public_url("certificates.verify_code", code=code),
        issued_at=local_issue.isoformat(timespec="seconds"),
        place=cohort.county.name,
        issuer=by.name,
        name=trainee.name,
        date_of_birth=trainee.date_of_birth.isoformat(),
        qualification=curriculum.title,
        curriculum=f"{curriculum.code} {curriculum.version}",
        provider=cohort.provider.name,
        orgnr=cohort.provider.orgnr,
        county=cohort.county.name,
        start=iso(trainee.start_date or cohort.start_date),
        end=iso(trainee.end_date or cohort.end_date),
        part_time_percent=cohort.part_time_percent,
        modules=tuple(
            ModuleLine(m.code, m.title, m.kind.value, m.hours, m.weeks)
            for m in completed_modules(candidate.progress, curriculum)
        ),
        placements=placement_lines(found, candidate),
        project_title=trainee.project_title if trainee.project_approved else None,
    )


def placement_lines(found: CohortCandidates, candidate: Candidate) -> tuple[PlacementLine, ...]:
    lines = []
    for placement in candidate.progress.placements:
        confirmation = found.confirmations.get(placement.id)
        if confirmation is None:
            continue  # only placements whose final evaluation was passed and signed
        lines.append(
            PlacementLine(
                organisation=placement.organisation,
                module_code=placement.module_code,
                start=placement.start_date.isoformat(),
                end=placement.end_date.isoformat(),
                confirmed_by=confirmation.by,
                confirmed_on=confirmation.at.astimezone(TIMEZONE).date().isoformat(),
            )
        )
    return tuple(lines)


def render_html(certified: Certified) -> str:
    """Plain values in: the template never sees an ORM object."""
    language = certified.language
    qr = segno.make(certified.verify_url, error="m")
    return render_template(
        TEMPLATE,
        c=certified.as_dict(),
        w=WORDS[language],
        d=partial(long_date, language=language),
        sd=partial(short_date, language=language),
        n=partial(number, language=language),
        qr=Markup(qr.svg_inline(omitsize=True, border=0, dark="#1a1a1a")),  # noqa: S704
    )


def load_signer():
    try:
        return signing.load_signer(*signing_paths())
    except signing.SigningUnavailable as error:
        raise CertificateError(str(error)) from error


def signing_paths() -> tuple[Path, Path]:
    config = current_app.config
    default = Path(config["DATA_DIR"]) / "signing"
    return (
        Path(config.get("SIGNING_KEY") or default / "kursbevis-key.pem"),
        Path(config.get("SIGNING_CERT") or default / "kursbevis-cert.pem"),
    )


# Revoking ------------------------------------------------------------------------------


def revoke(certificate: Certificate, by: User, reason: str) -> None:
    reason = reason.strip()
    if certificate.revoked_at is not None:
        raise CertificateError(_("Kursbeviset er allerede tilbakekalt."), field="reason")
    if not reason:
        raise CertificateError(_("Skriv hvorfor kursbeviset tilbakekalles."), field="reason")
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = by.id
    certificate.revoked_reason = reason[:MAX_REASON]
    db.session.flush()
    log.info("certificate %s revoked by user %s", certificate.id, by.id)


# Verifying -----------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadCheck:
    identical: bool
    sha256: str
    signature: signing.SignatureCheck


def find_by_code(text: str) -> Certificate | None:
    """The certificate with this code; CodeError for text that cannot be a code."""
    return db.session.scalar(select(Certificate).where(Certificate.code == codes.normalise(text)))


def check_upload(certificate: Certificate, data: bytes) -> UploadCheck:
    digest = signing.sha256(data)
    return UploadCheck(
        identical=digest == certificate.pdf_sha256,
        sha256=digest,
        signature=signing.check_signature(data, signing_paths()[1]),
    )


def check_stored(certificate: Certificate) -> signing.SignatureCheck:
    return signing.check_signature(certificate.pdf, signing_paths()[1])


def certified(certificate: Certificate) -> dict:
    """The facts as they were certified (the snapshot's ``certificate`` part)."""
    return json.loads(certificate.snapshot_json)["certificate"]


def public_record(certificate: Certificate) -> dict:
    """What anyone who has the code may know of the certificate, for machines (JSON)."""
    return {
        "code": certificate.code,
        "number": certificate.number,
        "status": certificate.status.value,
        "status_text": certificate.status.label,
        "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        "revoked_reason": certificate.revoked_reason,
        "superseded_by": certificate.superseded_by.number if certificate.superseded_by else None,
        "pdf_sha256": certificate.pdf_sha256,
        "snapshot_sha256": certificate.snapshot_sha256,
        "signature_intact": check_stored(certificate).ok,
        "credential": json.loads(certificate.snapshot_json),
    }
