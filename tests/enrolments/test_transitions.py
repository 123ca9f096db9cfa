"""The status rules, exhaustively over every pair of statuses."""

import itertools

import pytest

from mbtrain.enrolments.models import EnrolmentStatus as S
from mbtrain.enrolments.models import StatusReason as R
from mbtrain.enrolments.transitions import TransitionError, check_reason, check_transition

# The expected table, written out independently of the code under test.
EXPECTED = {
    (S.SOKT_INN, S.VURDERES),
    (S.SOKT_INN, S.VENTELISTE),
    (S.SOKT_INN, S.VENTER_PA_OPPSTART),
    (S.SOKT_INN, S.DELTAR),
    (S.SOKT_INN, S.IKKE_AKTUELL),
    (S.SOKT_INN, S.FEILREGISTRERT),
    (S.VURDERES, S.VENTELISTE),
    (S.VURDERES, S.VENTER_PA_OPPSTART),
    (S.VURDERES, S.DELTAR),
    (S.VURDERES, S.IKKE_AKTUELL),
    (S.VURDERES, S.FEILREGISTRERT),
    (S.VENTELISTE, S.VENTER_PA_OPPSTART),
    (S.VENTELISTE, S.DELTAR),
    (S.VENTELISTE, S.IKKE_AKTUELL),
    (S.VENTELISTE, S.FEILREGISTRERT),
    (S.VENTER_PA_OPPSTART, S.DELTAR),
    (S.VENTER_PA_OPPSTART, S.IKKE_AKTUELL),
    (S.VENTER_PA_OPPSTART, S.FEILREGISTRERT),
    (S.DELTAR, S.FULLFORT),
    (S.DELTAR, S.AVBRUTT),
    (S.DELTAR, S.FEILREGISTRERT),
}
NEEDS_REASON = {S.IKKE_AKTUELL: R.KURS_FULLT, S.AVBRUTT: R.FATT_JOBB}


@pytest.mark.parametrize("current,target", list(itertools.product(S, S)))
def test_every_pair_of_statuses(current, target):
    reason = NEEDS_REASON.get(target)
    if (current, target) in EXPECTED:
        check_transition(current, target, reason, None)
    else:
        with pytest.raises(TransitionError) as error:
            check_transition(current, target, reason, None)
        assert error.value.field == "status"
        assert current.label in str(error.value) and target.label in str(error.value)


@pytest.mark.parametrize("status", [S.FULLFORT, S.AVBRUTT, S.IKKE_AKTUELL, S.FEILREGISTRERT])
def test_ended_statuses_are_final(status):
    for target in S:
        with pytest.raises(TransitionError):
            check_transition(status, target, NEEDS_REASON.get(target), None)


@pytest.mark.parametrize(
    "target,reason,text,field",
    [
        (S.AVBRUTT, None, None, "reason"),
        (S.IKKE_AKTUELL, None, None, "reason"),
        (S.FULLFORT, R.SYK, None, "reason"),
        (S.AVBRUTT, R.KURS_FULLT, None, "reason"),
        (S.AVBRUTT, R.ANNET, "", "reason_text"),
        (S.AVBRUTT, R.ANNET, "   ", "reason_text"),
        (S.AVBRUTT, R.SYK, "fritekst", "reason_text"),
        (S.AVBRUTT, R.ANNET, "x" * 501, "reason_text"),
    ],
)
def test_reasons_and_free_text_rules(target, reason, text, field):
    with pytest.raises(TransitionError) as error:
        check_reason(target, reason, text)
    assert error.value.field == field


def test_free_text_is_accepted_with_annet():
    check_reason(S.AVBRUTT, R.ANNET, "Flyttet til en annen kommune")
    check_reason(S.FULLFORT, None, None)
