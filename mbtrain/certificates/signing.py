"""PAdES signatures on issued certificates, with the key and certificate the app is given.

Production points MBTRAIN_SIGNING_KEY and MBTRAIN_SIGNING_CERT at a key pair from its CA;
the demo makes a self-signed pair in its data directory (``create_self_signed``). The key is
loaded once per process: signing a cohort must not re-read and re-parse PEM files each time.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, cached_property
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

FIELD_NAME = "Utsteder"


class SigningUnavailable(RuntimeError):
    """No key pair is configured, or it cannot be read; the message says what to set."""


@dataclass(frozen=True)
class SignatureCheck:
    present: bool
    intact: bool = False
    # Signed with the key this service issues with (not merely some key).
    ours: bool = False
    whole_document: bool = False

    @property
    def ok(self) -> bool:
        return self.present and self.intact and self.ours and self.whole_document


class KeptKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses (and, for RSA, checks) the private key again for every
    raw signature, twice per PDF; this one parses it once and keeps it."""

    @cached_property
    def _private_key(self):
        return serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if mechanism.signature_algo != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)  # not ours to shortcut
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        return self._private_key.sign(data, padding.PKCS1v15(), hash_algorithm)


@cache
def load_signer(key_path: Path, cert_path: Path) -> signers.SimpleSigner:
    if not (key_path.is_file() and cert_path.is_file()):
        raise SigningUnavailable(
            "Signeringsnøkkelen mangler: sett MBTRAIN_SIGNING_KEY og MBTRAIN_SIGNING_CERT "
            f"(leter etter {key_path} og {cert_path})."
        )
    loaded = signers.SimpleSigner.load(str(key_path), str(cert_path))
    if loaded is None:
        raise SigningUnavailable(f"Kan ikke lese signeringsnøkkelen {key_path}.")
    return KeptKeySigner(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
    )


def sign_pdf(pdf: bytes, signer: signers.SimpleSigner, location: str) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="Utstedt kursbevis",
        location=location,
    )
    return signers.sign_pdf(writer, metadata, signer=signer).getvalue()


def check_signature(pdf: bytes, cert_path: Path) -> SignatureCheck:
    """Whether the PDF carries our signature over the whole file and nothing was changed."""
    try:
        signatures = PdfFileReader(BytesIO(pdf)).embedded_signatures
    except Exception:  # a broken upload is a "no", not a 500
        return SignatureCheck(present=False)
    if not signatures:
        return SignatureCheck(present=False)
    try:
        ours = trusted_certificate(cert_path)
    except (OSError, ValueError):
        return SignatureCheck(present=True)  # no certificate configured to check against
    try:
        status = validate_pdf_signature(signatures[-1], ValidationContext(trust_roots=[ours]))
    except Exception:  # a malformed signature in an upload is a "no", not a 500
        return SignatureCheck(present=True)
    return SignatureCheck(
        present=True,
        intact=status.intact and status.valid,
        ours=status.signing_cert.dump() == ours.dump(),
        whole_document=status.coverage == status.coverage.ENTIRE_FILE,
    )


@cache
def trusted_certificate(cert_path: Path) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(cert_path.read_bytes()).public_bytes(
            serialization.Encoding.DER
        )
    )


def create_self_signed(key_path: Path, cert_path: Path, name: str) -> None:
    """A key and a self-signed certificate for the demo and the tests; never overwrites."""
    if key_path.exists() or cert_path.exists():
        return
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NO"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{name} – kursbevis (demo)"),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
