"""Which status changes are allowed, and with which reasons. Pure: plain values in and out."""

from flask_babel import gettext as _

from mbtrain.enrolments.models import EnrolmentStatus as S
from mbtrain.enrolments.models import StatusReason as R

ALLOWED: dict[S, frozenset[S]] = {
    S.SOKT_INN: frozenset(
        {S.VURDERES, S.VENTELISTE, S.VENTER_PA_OPPSTART, S.DELTAR, S.IKKE_AKTUELL, S.FEILREGISTRERT}
    ),
    S.VURDERES: frozenset(
        {S.VENTELISTE, S.VENTER_PA_OPPSTART, S.DELTAR, S.IKKE_AKTUELL, S.FEILREGISTRERT}
    ),
    S.VENTELISTE: frozenset({S.VENTER_PA_OPPSTART, S.DELTAR, S.IKKE_AKTUELL, S.FEILREGISTRERT}),
    S.VENTER_PA_OPPSTART: frozenset({S.DELTAR, S.IKKE_AKTUELL, S.FEILREGISTRERT}),
    S.DELTAR: frozenset({S.FULLFORT, S.AVBRUTT, S.FEILREGISTRERT}),
    S.FULLFORT: frozenset(),
    S.AVBRUTT: frozenset(),
    S.IKKE_AKTUELL: frozenset(),
    S.FEILREGISTRERT: frozenset(),
}

# Reasons a status needs; statuses not listed take no reason.
REASONS: dict[S, frozenset[R]] = {
    S.IKKE_AKTUELL: frozenset(R),
    S.AVBRUTT: frozenset(R) - {R.FIKK_IKKE_PLASS, R.KURS_FULLT, R.KRAV_IKKE_OPPFYLT},
}

# Where a person holds one of the cohort's places.
HOLDS_PLACE = frozenset({S.VENTER_PA_OPPSTART, S.DELTAR})
# Still in the intake queue.
APPLYING = frozenset({S.SOKT_INN, S.VURDERES})
ENDED = frozenset({S.FULLFORT, S.AVBRUTT, S.IKKE_AKTUELL, S.FEILREGISTRERT})
# What a coordinator may set by hand on the trainee's page, in this order; the intake
# decisions (a place, the waiting list, a rejection) have their own form.
BY_HAND = (S.DELTAR, S.AVBRUTT, S.FULLFORT, S.IKKE_AKTUELL, S.FEILREGISTRERT)
MAX_REASON_TEXT = 500


class TransitionError(ValueError):
    """A status change that is not allowed; the message says why, in the user's language."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def allowed_targets(current: S) -> frozenset[S]:
    return ALLOWED[current]


def targets_by_hand(current: S) -> list[S]:
    """The statuses a coordinator may change ``current`` to on the trainee's page."""
    return [target for target in BY_HAND if target in ALLOWED[current]]


def check_transition(
    current: S, target: S, reason: R | None, reason_text: str | None, *, by_hand: bool = False
) -> None:
    if target not in (targets_by_hand(current) if by_hand else ALLOWED[current]):
        raise TransitionError(
            _(
                "Status kan ikke endres fra «%(current)s» til «%(target)s».",
                current=current.label,
                target=target.label,
            ),
            field="status",
        )
    check_reason(target, reason, reason_text)


def check_reason(target: S, reason: R | None, reason_text: str | None) -> None:
    allowed = REASONS.get(target, frozenset())
    if not allowed and reason is not None:
        raise TransitionError(
            _("Status «%(target)s» skal ikke ha årsak.", target=target.label), field="reason"
        )
    if allowed and reason is None:
        raise TransitionError(
            _("Velg en årsak for «%(target)s».", target=target.label), field="reason"
        )
    if reason is not None and reason not in allowed:
        raise TransitionError(
            _(
                "Årsaken «%(reason)s» passer ikke til «%(target)s».",
                reason=reason.label,
                target=target.label,
            ),
            field="reason",
        )
    text = (reason_text or "").strip()
    if reason is R.ANNET and not text:
        raise TransitionError(_("Beskriv årsaken når du velger «Annet»."), field="reason_text")
    if reason is not R.ANNET and text:
        raise TransitionError(
            _("Fritekst kan bare brukes sammen med årsaken «Annet»."), field="reason_text"
        )
    if len(text) > MAX_REASON_TEXT:
        raise TransitionError(
            _("Beskrivelsen kan ha høyst %(count)d tegn.", count=MAX_REASON_TEXT),
            field="reason_text",
        )
