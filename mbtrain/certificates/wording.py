"""The certificate's own words, in bokmål, nynorsk and English.

Kept here rather than in the UI's translation catalogue: an issued certificate is a
document, and its text must not change when someone edits a translation of the interface.
"""

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

LANGUAGES = ("nb", "nn", "en")
# What the issuer chooses: Norwegian ("nb": in the trainee's own written form, bokmål or
# nynorsk, whoever issues it) or English. A trainee has at most one valid certificate of each.
NORWEGIAN = "nb"
ISSUED_AS = (NORWEGIAN, "en")


def issued_as(language: str) -> str:
    """Which of the issuer's choices a certificate in this language is: nynorsk is Norwegian."""
    return NORWEGIAN if language in ("nb", "nn") else language


WORDS = {
    "nb": {
        "KURSBEVIS": "Kursbevis",
        "KOMPETANSEBEVIS": "Kompetansebevis",
        "lead_KURSBEVIS": "har gjennomført og bestått opplæringen",
        "lead_KOMPETANSEBEVIS": "har gjennomført og fått godkjent disse delene av opplæringen",
        "born": "født",
        "provider": "Tiltaksarrangør",
        "orgnr": "org.nr.",
        "county": "Fylke",
        "period": "Periode",
        "scope": "Omfang",
        "total_hours": "timer i alt",
        "theory_hours": "timer teori",
        "practice_weeks": "uker praksis",
        "part_time": "deltid",
        "modules": "Moduler",
        "module": "Modul",
        "hours": "Timer",
        "practice": "Praksis",
        "place": "Praksissted",
        "confirmed": "Bekreftet av",
        "project": "Prosjektoppgave",
        "issued": "Utstedt",
        "issuer": "Utstedt av",
        "number": "Nr.",
        "verify": "Kontroller ektheten på",
        "code": "med koden",
        "signed": "Dokumentet er elektronisk signert.",
        "qr": "QR-kode til kontrollsiden",
    },
    "nn": {
        "KURSBEVIS": "Kursbevis",
        "KOMPETANSEBEVIS": "Kompetansebevis",
        "lead_KURSBEVIS": "har gjennomført og bestått opplæringa",
        "lead_KOMPETANSEBEVIS": "har gjennomført og fått godkjent desse delane av opplæringa",
        "born": "fødd",
        "provider": "Tiltaksarrangør",
        "orgnr": "org.nr.",
        "county": "Fylke",
        "period": "Periode",
        "scope": "Omfang",
        "total_hours": "timar i alt",
        "theory_hours": "timar teori",
        "practice_weeks": "veker praksis",
        "part_time": "deltid",
        "modules": "Modular",
        "module": "Modul",
        "hours": "Timar",
        "practice": "Praksis",
        "place": "Praksisstad",
        "confirmed": "Stadfesta av",
        "project": "Prosjektoppgåve",
        "issued": "Utferda",
        "issuer": "Utferda av",
        "number": "Nr.",
        "verify": "Kontroller ektheita på",
        "code": "med koden",
        "signed": "Dokumentet er elektronisk signert.",
        "qr": "QR-kode til kontrollsida",
    },
    "en": {
        "KURSBEVIS": "Course certificate",
        "KOMPETANSEBEVIS": "Certificate of competence",
        "lead_KURSBEVIS": "has completed and passed the training",
        "lead_KOMPETANSEBEVIS": "has completed and passed these parts of the training",
        "born": "born",
        "provider": "Training provider",
        "orgnr": "org. no.",
        "county": "County",
        "period": "Period",
        "scope": "Scope",
        "total_hours": "hours in total",
        "theory_hours": "hours of theory",
        "practice_weeks": "weeks of practice",
        "part_time": "part-time",
        "modules": "Modules",
        "module": "Module",
        "hours": "Hours",
        "practice": "Practice",
        "place": "Practice placement",
        "confirmed": "Confirmed by",
        "project": "Project",
        "issued": "Issued",
        "issuer": "Issued by",
        "number": "No.",
        "verify": "Verify at",
        "code": "with the code",
        "signed": "This document is electronically signed.",
        "qr": "QR code to the verification page",
    },
}


def long_date(iso: str | None, language: str) -> str:
    """17. desember 2027 (bokmål and nynorsk) / 17 December 2027."""
    if not iso:
        return ""
    pattern = "d MMMM y" if language == "en" else "d. MMMM y"
    return format_date(date.fromisoformat(iso[:10]), pattern, locale=language)


def short_date(iso: str | None, language: str) -> str:
    """17.12.2027 / 17 Dec 2027: for the tables."""
    if not iso:
        return ""
    pattern = "d MMM y" if language == "en" else "dd.MM.yyyy"
    return format_date(date.fromisoformat(iso[:10]), pattern, locale=language)


def number(value: float, language: str) -> str:
    return format_decimal(value, format="#,##0.#", locale=language)
