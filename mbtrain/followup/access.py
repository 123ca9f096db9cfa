"""What a follow-up page is about, found in the URL: a change proposal of the placement, or
the kind of link to send; 404 otherwise."""

from flask import abort

from mbtrain.accounts.models import TokenPurpose
from mbtrain.extensions import db
from mbtrain.placements.models import ChangeProposal, Placement

LINKS = {
    "bekreftelse": TokenPurpose.PLACEMENT_CONFIRMATION,
    "timer": TokenPurpose.HOURS_CONFIRMATION,
    "sluttvurdering": TokenPurpose.FINAL_EVALUATION,
}


def load_proposal(placement: Placement, proposal_id: int) -> ChangeProposal:
    """One of the placement's change proposals."""
    proposal = db.session.get(ChangeProposal, proposal_id)
    if proposal is None or proposal.placement_id != placement.id:
        abort(404)
    return proposal


def link_purpose(kind: str) -> TokenPurpose:
    """The link the URL names («bekreftelse», «timer», «sluttvurdering»)."""
    return LINKS.get(kind) or abort(404)
