"""The demo signs with a self-signed pair it makes in its data directory, and issues the
certificates its finished cohort has earned."""

from pathlib import Path

import pytest
from sqlalchemy import select

from mbtrain import demo
from mbtrain.certificates import signing
from mbtrain.certificates.models import Certificate, CertificateKind
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db


# Not the tests' shared key pair: the defaults, signing/ in the data directory.
@pytest.mark.parametrize("app_config", [{"SIGNING_KEY": "", "SIGNING_CERT": ""}])
def test_the_demo_makes_its_key_pair_and_issues_the_finished_cohorts_certificates(app):
    demo.ensure_demo_data()
    db.session.commit()
    signing_dir = Path(app.config["DATA_DIR"]) / "signing"
    cert = signing_dir / "kursbevis-cert.pem"
    assert (signing_dir / "kursbevis-key.pem").stat().st_mode & 0o077 == 0
    issued = db.session.scalars(
        select(Certificate)
        .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Cohort.status == CohortStatus.AVSLUTTET)
    ).all()
    kinds = sorted(c.kind.value for c in issued)
    assert CertificateKind.KURSBEVIS.value in kinds
    assert all(signing.check_signature(c.pdf, cert).ok for c in issued)
