"""Certificates as downloads: the stored bytes exactly as issued, never a new rendering, under
a name that is safe in a header and in a file system."""

import json
import re
import zipfile
from io import BytesIO
from unicodedata import normalize
from urllib.parse import quote

from flask import Response, current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mbtrain.certificates.models import Certificate
from mbtrain.cohorts.models import Cohort
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db

ASCII_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "Æ": "Ae", "Ø": "O", "Å": "Aa"})


def valid_in(cohort: Cohort) -> list[Certificate]:
    """The cohort's certificates that are neither revoked nor superseded, by number."""
    return db.session.scalars(
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


def pdf_response(certificate: Certificate) -> Response:
    """The stored bytes, exactly as issued: never a new rendering."""
    return attachment(certificate.pdf, "application/pdf", download_name(certificate))


def zip_response(cohort: Cohort, certificates: list[Certificate]) -> Response:
    buffer = BytesIO()
    # Stored, not deflated: the PDFs are compressed already.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            archive.writestr(download_name(certificate), certificate.pdf)
    name = safe_filename(f"Kursbevis {cohort.name}") + ".zip"
    return attachment(buffer.getvalue(), "application/zip", name)


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
