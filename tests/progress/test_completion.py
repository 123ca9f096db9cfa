"""The completion engine, without a database: tables of facts in, states and reasons out."""

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mbtrain.assessments.models import AssessmentResult as R
from mbtrain.curriculum.definition import AttendanceStatus as A
from mbtrain.curriculum.definition import ModuleKind
from mbtrain.curriculum.loader import shipped_curricula
from mbtrain.progress.completion import (
    CriterionState,
    PlacementFacts,
    TheoryFacts,
    TraineeFacts,
    evaluate,
    placement_hours,
    practice_attendance,
    practice_hours,
    theory_attendance,
    week_starts,
    whole_percent,
)

CURRICULUM = shipped_curricula()[0]
RULE = CURRICULUM.completion
MODULES = CURRICULUM.modules
P1, P2 = (m for m in MODULES if m.kind is ModuleKind.PRACTICE)
TODAY = date(2027, 6, 14)  # a Monday
MET, UNMET, AT_RISK, IMPOSSIBLE = (
    CriterionState.MET,
    CriterionState.UNMET,
    CriterionState.AT_RISK,
    CriterionState.IMPOSSIBLE,
)


def theory(total, so_far, present, **absent) -> TheoryFacts:
    return TheoryFacts(total, so_far, present, {A[k]: v for k, v in absent.items()})


# Theory attendance -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "state", "percent", "reason"),
    [
        # Exactly the requirement is enough, at the end and on the way.
        (theory(100, 100, 80, SYK=20), MET, 80, "Oppmøte teori 80 % – kravet er 80 %."),
        (theory(200, 100, 80, IKKE_MOTT=20), MET, 80, "Oppmøte teori 80 % – kravet er 80 %."),
        (theory(100, 100, 100), MET, 100, "Oppmøte teori 100 % – kravet er 80 %."),
        # Just under at the end: not shown as 80, and it can no longer be reached.
        (theory(100, 100, 79.9, SYK=20.1), IMPOSSIBLE, 79, "Oppmøte teori 79 % – kravet er 80 %."),
        # Under on the way, but full attendance from now on still reaches it.
        (
            theory(200, 100, 76, SYK=24),
            AT_RISK,
            76,
            "Oppmøte teori 76 % – kravet er 80 %. Med fullt oppmøte resten av kurset blir det "
            "88 %; det trengs minst 84 timer av de 100 som gjenstår.",
        ),
        # Reachable with nothing to spare: every remaining hour is needed.
        (theory(100, 50, 30, IKKE_MOTT=20), AT_RISK, 60, "det trengs minst 50 timer av de 50"),
        # One hour more missed, and not even perfect attendance is enough.
        (
            theory(100, 50, 29, IKKE_MOTT=21),
            IMPOSSIBLE,
            58,
            "Selv med fullt oppmøte resten av kurset blir det høyst 79 %.",
        ),
        # Nothing planned, nothing recorded yet.
        (theory(0, 0, 0), UNMET, None, "Ingen teoriundervisning er planlagt ennå."),
        (theory(120, 0, 0), UNMET, None, "Ingen oppmøte er registrert ennå – kravet er 80 %."),
        # Partial presence: the missing hours count against attendance.
        (theory(10, 10, 7, TIL_STEDE=3), IMPOSSIBLE, 70, "Oppmøte teori 70 %"),
    ],
)
def test_theory_attendance(facts, state, percent, reason):
    criterion = theory_attendance(RULE, facts)
    assert criterion.state is state
    assert criterion.percent == percent
    assert reason in criterion.reason


@pytest.mark.parametrize("absence", [A.SYK, A.AVTALT_FRAVAER, A.IKKE_MOTT])
@pytest.mark.parametrize(
    "counted",
    [
        (A.SYK, A.AVTALT_FRAVAER, A.IKKE_MOTT),
        (A.SYK, A.IKKE_MOTT),
        (A.IKKE_MOTT,),
        (),
    ],
)
def test_the_curriculum_decides_which_absence_counts(absence, counted):
    rule = replace(RULE, counts_against_attendance=counted)
    # 70 of 100 hours present, the other 30 absent with one status; the course is over.
    facts = TheoryFacts(100, 100, 70, {absence: 30})
    criterion = theory_attendance(rule, facts)
    if absence in counted:
        assert (criterion.state, criterion.percent) == (IMPOSSIBLE, 70)
    else:
        # Excused hours leave the reckoning: 70 of the 70 hours that count.
        assert (criterion.state, criterion.percent) == (MET, 100)


def test_only_excused_absence_counts_as_nothing_against_the_requirement():
    rule = replace(RULE, counts_against_attendance=(A.IKKE_MOTT,))
    criterion = theory_attendance(rule, TheoryFacts(10, 10, 0, {A.AVTALT_FRAVAER: 10}))
    assert criterion.state is MET
    assert criterion.reason == "Ingen timer teller mot kravet."


def test_a_requirement_of_zero_is_met_before_anything_is_recorded():
    rule = replace(RULE, min_attendance_theory=0.0)
    assert theory_attendance(rule, TheoryFacts(50, 0, 0)).state is MET


@pytest.mark.parametrize(
    ("share", "shown"),
    [(0.8, 80), (0.7999999, 79), (0.8000001, 80), (0.1 * 8, 80), (1.0, 100), (0.0, 0)],
)
def test_percentages_are_rounded_down_so_that_79_9_never_shows_as_80(share, shown):
    assert whole_percent(share) == shown


@given(
    planned=st.integers(min_value=1, max_value=400),
    recorded_share=st.floats(min_value=0, max_value=1),
    present_share=st.floats(min_value=0, max_value=1),
    threshold=st.sampled_from([0.5, 0.75, 0.8, 0.9]),
)
def test_states_agree_with_the_numbers(planned, recorded_share, present_share, threshold):
    recorded = round(planned * recorded_share * 2) / 2
    present = round(recorded * present_share * 2) / 2
    rule = replace(RULE, min_attendance_theory=threshold)
    facts = TheoryFacts(planned, recorded, present, {A.IKKE_MOTT: recorded - present})
    criterion = theory_attendance(rule, facts)
    required = round(threshold * 100)
    if criterion.state is MET and recorded:
        assert present >= threshold * recorded - 1e-6
    if criterion.state in (AT_RISK, IMPOSSIBLE):
        assert criterion.percent < required or present < threshold * recorded
        # Impossible exactly when even every remaining hour would not be enough.
        best = (present + planned - recorded) / planned
        assert (criterion.state is IMPOSSIBLE) == (best < threshold - 1e-9)


# Practice hours --------------------------------------------------------------------------


def test_weeks_are_counted_monday_to_sunday():
    # Wednesday to the Friday nine weeks later touches ten weeks.
    weeks = week_starts(date(2027, 3, 3), date(2027, 5, 7))
    assert len(weeks) == 10
    assert weeks[0] == date(2027, 3, 1) and all(w.weekday() == 0 for w in weeks)


PLACEMENT = PlacementFacts("P1-01", date(2027, 3, 1), date(2027, 5, 7), 19)


@pytest.mark.parametrize(
    ("placement", "today", "planned", "due"),
    [
        (PLACEMENT, date(2027, 2, 1), 190, 0),
        # A week is due a week after it ended (confirmations take some days) ...
        (PLACEMENT, date(2027, 3, 14), 190, 0),
        (PLACEMENT, date(2027, 3, 15), 190, 19),
        # ... or as soon as it, or a later week, is confirmed.
        (replace(PLACEMENT, last_confirmed_week=date(2027, 3, 8)), date(2027, 3, 15), 190, 38),
        (PLACEMENT, date(2027, 12, 1), 190, 190),
        # A cancelled placement was planned only up to its last confirmed week.
        (
            replace(PLACEMENT, ongoing=False, last_confirmed_week=date(2027, 3, 15)),
            date(2027, 12, 1),
            57,
            57,
        ),
        (replace(PLACEMENT, ongoing=False), date(2027, 12, 1), 0, 0),
    ],
)
def test_planned_practice_hours(placement, today, planned, due):
    assert placement_hours(placement, today) == (planned, due)


def test_before_any_placement_the_curriculum_hours_are_the_plan():
    hours = practice_hours(P1, [], TODAY)
    assert (hours.planned_total, hours.planned_so_far, hours.confirmed) == (190, 0, 0)
    cancelled = replace(PLACEMENT, ongoing=False, last_confirmed_week=date(2027, 3, 8))
    assert practice_hours(P1, [cancelled], TODAY).planned_total == 190


def p1_with(confirmed: float) -> list[PlacementFacts]:
    """Praksis I over, with these hours confirmed; Praksis II not placed yet."""
    return [replace(PLACEMENT, confirmed_hours=confirmed, last_confirmed_week=date(2027, 5, 3))]


@pytest.mark.parametrize(
    ("placements", "state", "reason"),
    [
        ([], UNMET, "Ingen praksistimer er bekreftet ennå – kravet er 80 %."),
        (p1_with(190), MET, "Oppmøte praksis 100 % – kravet er 80 %."),
        (p1_with(152), MET, "Oppmøte praksis 80 % – kravet er 80 %."),
        # 133 of 190, and Praksis II's 190 hours still to come: 323 of 380 is 85 %.
        (p1_with(133), AT_RISK, "Med fullt oppmøte resten av kurset blir det 85 %"),
        # 95 of 190: even all of Praksis II gives 285 of 380.
        (p1_with(95), IMPOSSIBLE, "Selv med fullt oppmøte resten av kurset blir det høyst 75 %."),
    ],
)
def test_practice_attendance_over_both_periods(placements, state, reason):
    hours = [practice_hours(module, placements, TODAY) for module in (P1, P2)]
    criterion = practice_attendance(RULE, hours)
    assert criterion.state is state
    assert reason in criterion.reason


# Modules, final evaluations, project -------------------------------------------------------


def all_approved() -> dict[str, R]:
    return dict.fromkeys(RULE.required_modules, R.GODKJENT)


@pytest.mark.parametrize(
    ("results", "state", "reason"),
    [
        (all_approved(), MET, "14 av 14 obligatoriske moduler er godkjent."),
        ({}, UNMET, "0 av 14 obligatoriske moduler er godkjent."),
        ({"OPP-01": R.GODKJENT, "T1-01": R.IKKE_VURDERT}, UNMET, "1 av 14"),
        (
            {**all_approved(), "T1-02": R.IKKE_GODKJENT},
            AT_RISK,
            "13 av 14 obligatoriske moduler er godkjent. Ikke godkjent: T1-02 Tilfriskning",
        ),
    ],
)
def test_required_modules(results, state, reason):
    criterion = criterion_of("modules", TraineeFacts(results=results))
    assert criterion.state is state
    assert reason in criterion.reason


@pytest.mark.parametrize(
    ("passed", "state", "reason"),
    [
        ({"P1-01": True, "P2-01": True}, MET, "2 av 2 praksisperioder"),
        ({"P1-01": True}, UNMET, "1 av 2 praksisperioder"),
        ({}, UNMET, "0 av 2"),
        ({"P1-01": True, "P2-01": False}, AT_RISK, "Ikke bestått: Praksis II."),
    ],
)
def test_final_evaluations(passed, state, reason):
    criterion = criterion_of("placements", TraineeFacts(final_evaluations=passed))
    assert criterion.state is state
    assert reason in criterion.reason


@pytest.mark.parametrize(
    ("title", "approved", "state", "reason"),
    [
        ("Likepersonsarbeid", True, MET, "Prosjektoppgaven «Likepersonsarbeid» er godkjent."),
        (
            "Likepersonsarbeid",
            False,
            UNMET,
            "Prosjektoppgaven «Likepersonsarbeid» er ikke godkjent ennå.",
        ),
        (None, False, UNMET, "Prosjektoppgaven er ikke registrert ennå."),
    ],
)
def test_project(title, approved, state, reason):
    facts = TraineeFacts(project_title=title, project_approved=approved)
    criterion = criterion_of("project", facts)
    assert (criterion.state, criterion.reason) == (state, reason)


def test_a_rule_without_placements_or_project_has_no_such_criteria():
    rule = replace(RULE, required_placements=0, project_required=False)
    keys = [c.key for c in evaluate(rule, MODULES, TraineeFacts(), TODAY)]
    assert keys == ["theory", "practice", "modules"]


def test_everything_done_meets_every_criterion():
    facts = TraineeFacts(
        theory=TheoryFacts(300, 300, 270, {A.SYK: 30}),
        placements=[
            replace(PLACEMENT, confirmed_hours=190, last_confirmed_week=date(2027, 5, 3)),
            PlacementFacts("P2-01", date(2027, 3, 1), date(2027, 5, 7), 19, 171, date(2027, 5, 3)),
        ],
        results=all_approved(),
        final_evaluations={"P1-01": True, "P2-01": True},
        project_title="Likepersonsarbeid",
        project_approved=True,
    )
    criteria = evaluate(RULE, MODULES, facts, TODAY)
    assert [c.key for c in criteria] == ["theory", "practice", "modules", "placements", "project"]
    assert all(c.state is MET for c in criteria), [c.reason for c in criteria]
    assert criteria[1].percent == 95


def criterion_of(key: str, facts: TraineeFacts):
    return next(c for c in evaluate(RULE, MODULES, facts, TODAY) if c.key == key)
