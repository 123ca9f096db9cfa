"""The steps a supervisor signs: answering the placement, confirming hours, the final
evaluation and a tvilsmelding. Each is the same through a single-use link or in the portal;
only the credential differs (the link itself, or the partner's login)."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from mbtrain.accounts.models import TokenPurpose
from mbtrain.followup import services as followup
from mbtrain.forms import choices
from mbtrain.partner import links, signing
from mbtrain.partner.forms import (
    ConcernForm,
    FinalEvaluationForm,
    HoursConfirmForm,
    PlacementAnswerForm,
    SignForm,
)
from mbtrain.partner.signing import Signer
from mbtrain.placements.models import HoursEntry, Placement, PlacementStatus


def _answer(placement, content, form, signer, entries):
    signing.check_may_answer(placement)
    if form.decision.data == "confirm":
        return signing.confirm_placement(placement, content, signer)
    return signing.decline_placement(placement, content, signer, form.reason.data or "")


def _hours(placement, content, form, signer, entries):
    chosen = set(form.weeks.data or [])
    return followup.confirm_hours(
        placement, [e for e in entries if e.week_start.isoformat() in chosen], signer
    )


def _evaluate(placement, content, form, signer, entries):
    passed = form.passed.data == "yes"
    return followup.record_final_evaluation(placement, content, passed, form.text.data, signer)


def _concern(placement, content, form, signer, entries):
    return followup.raise_concern(placement, content, form.text.data, signer)


@dataclass(frozen=True)
class Step:
    form: type[SignForm]
    template: str
    perform: Callable
    object_type: str
    title: str
    done: str
    with_hours: bool = False

    def entries(self, placement: Placement) -> list[HoursEntry]:
        """The weeks a portal step is about: those not yet confirmed (hours only)."""
        return followup.unconfirmed_hours(placement) if self.with_hours else []

    def form_for(self, entries: list[HoursEntry]) -> SignForm:
        form = self.form()
        self.prepare(form, entries)
        return form

    def prepare(self, form: SignForm, entries: list[HoursEntry]) -> None:
        """The weeks to confirm as choices, none of them chosen on a new form: the supervisor
        ticks each week they sign for themselves."""
        if self.with_hours:
            form.weeks.choices = choices(
                (e.week_start.isoformat(), e.week_start.isoformat()) for e in entries
            )

    def shown(self, placement: Placement, entries: list[HoursEntry]) -> dict:
        return signing.shown_content(placement, entries if self.with_hours else None)

    def in_portal(self, placement: Placement, form: SignForm, entries: list[HoursEntry]):
        """Signed logged in, on what the page showed (ContentChanged if it has changed)."""
        signer = Signer.from_request(request, form.typed_name.data, user=current_user)
        expected = form.content_sha256.data
        content = signing.check_unchanged(placement, expected, entries if self.with_hours else None)
        return self.perform(placement, content, form, signer, entries)

    def by_link(self, opened: links.OpenLink, form: SignForm):
        """Signed through a link, which is spent by it (LinkInvalid if it already was)."""
        signer = Signer.from_request(request, form.typed_name.data, email=opened.link.email)
        links.spend(opened)
        return self.perform(opened.placement, opened.content, form, signer, opened.entries)


STEPS = {
    "answer": Step(
        PlacementAnswerForm,
        "placements/link/placement.html",
        _answer,
        "placement_answer",
        _l("Bekreft praksisplass"),
        _l("Svaret er registrert, og en kvittering sendes på e-post."),
    ),
    "hours": Step(
        HoursConfirmForm,
        "placements/link/hours.html",
        _hours,
        "placement_hours",
        _l("Bekreft timer"),
        _l("Timene er bekreftet, og en kvittering sendes på e-post."),
        with_hours=True,
    ),
    "evaluation": Step(
        FinalEvaluationForm,
        "placements/link/evaluation.html",
        _evaluate,
        "placement_evaluation",
        _l("Sluttvurdering"),
        _l("Sluttvurderingen er signert, og en kvittering sendes på e-post."),
    ),
    "concern": Step(
        ConcernForm,
        "placements/link/concern.html",
        _concern,
        "placement_concern",
        _l("Send tvilsmelding"),
        _l("Tvilsmeldingen er sendt til deltakeren og koordinatoren."),
    ),
}
LINK_STEPS = {
    TokenPurpose.PLACEMENT_CONFIRMATION: STEPS["answer"],
    TokenPurpose.HOURS_CONFIRMATION: STEPS["hours"],
    TokenPurpose.FINAL_EVALUATION: STEPS["evaluation"],
}


def closed(name: str, placement: Placement) -> str | None:
    """Why a portal step is not open for this placement now (None: it is)."""
    status = placement.status
    if name == "answer" and status is not PlacementStatus.PROPOSED:
        return _("Praksisplassen er allerede %(status)s.", status=status.label.lower())
    if name == "evaluation" and (
        status is not PlacementStatus.ACTIVE or signing.has_evaluation(placement)
    ):
        return _("Sluttvurderingen er signert, eller praksisen pågår ikke lenger.")
    if name == "concern" and status not in (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE):
        return _("Tvilsmelding kan bare sendes mens praksisen pågår.")
    return None
