"""The access log (tilgangslogg): who looked at or changed whose personal data, and why.

Rows are only ever added. Subjects are kept as plain ids, not foreign keys, so the log outlives
the records it describes. Content is never stored.
"""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from mbtrain.database import utcnow
from mbtrain.enums import LabelledEnum, _l
from mbtrain.extensions import db


class AccessAction(LabelledEnum):
    VIEW = "VIEW", _l("Så på")
    EXPORT = "EXPORT", _l("Eksporterte")
    CREATE = "CREATE", _l("Registrerte")
    UPDATE = "UPDATE", _l("Endret")
    DELETE = "DELETE", _l("Slettet")
    LOGIN = "LOGIN", _l("Logget inn")
    LOGIN_REFUSED = "LOGIN_REFUSED", _l("Innlogging avvist")
    LOGOUT = "LOGOUT", _l("Logget ut")


class AccessLog(db.Model):
    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_user_id: Mapped[int | None]
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_scope: Mapped[str] = mapped_column(String(200))
    subject_user_id: Mapped[int | None] = mapped_column(index=True)
    subject_person_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[AccessAction]
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    purpose: Mapped[str] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(String(45))

    __table_args__ = (Index("ix_access_log_at", "at"),)


# The actor of an access through a single-use link e-mailed to a supervisor (no account).
LINK_ACTOR = "PARTNER_LINK"
ACTOR_ROLES = {
    LINK_ACTOR: _l("Praksisveileder (engangslenke)"),
    "ANONYMOUS": _l("Ikke innlogget"),
    "SYSTEM": _l("Systemet (planlagt jobb)"),
}

PURPOSES = {
    "ADMIN": _l("Forvaltning av brukere og systemet"),
    "LOGIN": _l("Innlogging og utlogging"),
    "COHORT_ADMIN": _l("Oppfølging av kurset"),
    "INTAKE": _l("Opptak"),
    "PLACEMENT": _l("Praksisoppfølging"),
    "CERTIFICATE": _l("Kursbevis"),
    "OWN_DATA": _l("Egne opplysninger"),
    "MELDEKORT": _l("Oversikt over fravær til meldekortet (NAV)"),
    "RETENTION": _l("Sletting etter lagringstiden"),
    "INNSYN": _l("Innsyn i egne opplysninger (personvernforordningen art. 15)"),
}

OBJECT_TYPES = {
    "user": _l("Brukerkonto"),
    "login": _l("Innlogging"),
    "user_list": _l("Brukerliste"),
    "outbox_message": _l("E-post"),
    "outbox": _l("Utboks (liste over e-post)"),
    "access_log": _l("Tilgangslogg"),
    "certificate_batch": _l("Utstedelse av kursbevis til flere deltakere"),
    "cohort": _l("Kursoversikt med deltakerliste"),
    "cohort_cancellation": _l("Avlysning av kurs med deltakerliste"),
    "application_queue": _l("Søknadsliste"),
    "enrolment": _l("Deltakeropplysninger"),
    "own_enrolment": _l("Mitt kurs"),
    "attendance_sheet": _l("Oppmøteliste for en økt"),
    "calendar_feed": _l("Kalenderabonnement"),
    "placement": _l("Praksisplass"),
    "cohort_placements": _l("Praksisplasser i kurset"),
    "allocation": _l("Fordeling av praksisplasser"),
    "partner_placements": _l("Praksisplasser hos organisasjonen"),
    "own_placements": _l("Min praksis"),
    "placement_preferences": _l("Ønsker om praksisplass"),
    # Placement follow-up (the placement itself may be listed by the placements area too).
    "placement_answer": _l("Svar på praksisplass"),
    "placement_hours": _l("Praksistimer"),
    "placement_evaluation": _l("Sluttvurdering av praksis"),
    "placement_concern": _l("Tvilsmelding"),
    "placement_meeting": _l("Oppfølgingsmøte i praksis"),
    "placement_proposal": _l("Forslag om endring av praksis"),
    "placement_link": _l("Lenke sendt til praksisveileder"),
    # Assessments and progress
    "module_assessment": _l("Modulvurdering"),
    "module_sheet": _l("Vurderinger i en modul for hele kurset"),
    "project_assignment": _l("Prosjektoppgave"),
    "trainee_progress": _l("Progresjon for deltaker"),
    "own_progress": _l("Min progresjon"),
    "progress_matrix": _l("Progresjonsoversikt for kurset"),
    "meldekort": _l("Fravær per meldekortperiode"),
    "retention_purge": _l("Sletting etter lagringstiden"),
    "own_data": _l("Mine data (innsyn)"),
    "own_data_export": _l("Mine data som fil (innsyn)"),
    # Certificates
    "certificate": _l("Kursbevis"),
    "certificate_preflight": _l("Kursbevis for kurset: hvem som kan få"),
    "own_certificates": _l("Mine kursbevis"),
}
