"""What a certificate certifies, as plain values, and its canonical JSON.

The snapshot is shaped after an Open Badges 3.0 AchievementCredential (issuer, validFrom,
credentialSubject.achievement); the facts printed on the certificate are kept whole under
``certificate``, so that the verification page and the PDF read the same frozen values.
Canonical JSON (sorted keys, no spaces, UTF-8) makes the SHA-256 stable.
"""

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

OB_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


@dataclass(frozen=True)
class ModuleLine:
    code: str
    title: str
    kind: str
    hours: float
    weeks: int | None


@dataclass(frozen=True)
class PlacementLine:
    organisation: str
    module_code: str
    start: str
    end: str
    confirmed_by: str | None
    confirmed_on: str | None


@dataclass(frozen=True)
class Certified:
    """Everything printed on one certificate; built by services, frozen at issue."""

    kind: str
    language: str
    number: str
    code: str
    verify_url: str
    issued_at: str
    place: str
    issuer: str
    name: str
    date_of_birth: str
    qualification: str
    curriculum: str
    provider: str
    orgnr: str
    county: str
    start: str
    end: str
    part_time_percent: int
    modules: tuple[ModuleLine, ...]
    placements: tuple[PlacementLine, ...]
    project_title: str | None

    @property
    def total_hours(self) -> float:
        return sum(m.hours for m in self.modules)

    @property
    def theory_hours(self) -> float:
        return sum(m.hours for m in self.modules if m.kind != "practice")

    @property
    def practice_weeks(self) -> int:
        return sum(m.weeks or 0 for m in self.modules if m.kind == "practice")

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["scope"] = {
            "total_hours": self.total_hours,
            "theory_hours": self.theory_hours,
            "practice_weeks": self.practice_weeks,
            "part_time_percent": self.part_time_percent,
        }
        return values


def credential(certified: Certified) -> dict[str, Any]:
    facts = certified.as_dict()
    return {
        "@context": OB_CONTEXT,
        "id": certified.verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{certified.kind.title()} {certified.number}",
        "issuer": {
            "id": f"urn:no:orgnr:{certified.orgnr}",
            "type": ["Profile"],
            "name": certified.provider,
        },
        "validFrom": certified.issued_at,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": certified.name,
                }
            ],
            "achievement": {
                "id": f"urn:mbtrain:curriculum:{certified.curriculum}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": certified.qualification,
                "criteria": {"narrative": certified.curriculum},
            },
            "result": [
                {"type": ["Result"], "resultDescription": m.code, "value": m.title}
                for m in certified.modules
            ],
        },
        "certificate": facts,
    }


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
