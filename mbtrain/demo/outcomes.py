"""What became of the national history's trainees: the follow-ups 3, 6 and 12 months after
the course, as the coordinators record them (bulk rows). Those who completed do better than
those who broke off; the latest few are left for the coordinator's due-list."""

import random
from datetime import date, timedelta

from sqlalchemy import insert

from mbtrain.demo.base import at_utc, draw
from mbtrain.enrolments.models import EnrolmentStatus as S
from mbtrain.extensions import db
from mbtrain.outcomes.models import FOLLOW_UP_MONTHS, EmployerType, OutcomeFollowUp, Situation
from mbtrain.outcomes.services import due_on

SITUATIONS = {
    S.FULLFORT: (
        (Situation.ARBEID_MB, 0.34),
        (Situation.ANNET_ARBEID, 0.16),
        (Situation.UTDANNING, 0.1),
        (Situation.ARBEIDSRETTET_TILTAK, 0.15),
        (Situation.IKKE_I_ARBEID, 0.15),
        (Situation.UKJENT, 0.1),
    ),
    S.AVBRUTT: (
        (Situation.ARBEID_MB, 0.05),
        (Situation.ANNET_ARBEID, 0.2),
        (Situation.UTDANNING, 0.1),
        (Situation.ARBEIDSRETTET_TILTAK, 0.2),
        (Situation.IKKE_I_ARBEID, 0.3),
        (Situation.UKJENT, 0.15),
    ),
}
EMPLOYERS = tuple(EmployerType)


def follow_ups(rng: random.Random, today: date, trainees: list[dict], by: int) -> None:
    rows = []
    for t in trainees:
        if t["final"] not in SITUATIONS:
            continue
        for months in FOLLOW_UP_MONTHS:
            due = due_on(t["end"], months)
            if due > today or ((today - due).days < 45 and rng.random() < 0.5):
                continue
            situation = draw(rng, SITUATIONS[t["final"]])
            working = situation.in_work
            rows.append(
                {
                    "enrolment_id": t["id"],
                    "months": months,
                    "situation": situation,
                    "employer_type": rng.choice(EMPLOYERS) if working else None,
                    "position_percent": rng.choice((20, 40, 50, 60, 80, 100)) if working else None,
                    "recorded_by_id": by,
                    "recorded_at": at_utc(due + timedelta(days=rng.randrange(0, 20))),
                }
            )
    if rows:
        db.session.execute(insert(OutcomeFollowUp), rows)
