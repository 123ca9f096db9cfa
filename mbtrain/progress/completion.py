"""Is a trainee on track to complete? The completion rule, evaluated on plain facts.

``evaluate`` is pure: the curriculum's rule and modules, a trainee's facts and today's date
in, one ``Criterion`` per requirement out, each with its state and the reason in words.
Nothing here reads the database (see ``facts.py`` for where the facts come from).

Attendance is counted in hours. The share is present hours out of the recorded hours that
count: hours absent with a status the rule does *not* count against attendance (say, agreed
absence, if a curriculum says so) are left out of both. The missing part of a partial
presence (TIL_STEDE with fewer hours than the session) is not an excuse and stays counted.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import format_decimal
from flask_babel import gettext as _

from mbtrain.assessments.models import AssessmentResult
from mbtrain.curriculum.definition import AttendanceStatus, CompletionRule, Module, ModuleKind
from mbtrain.enums import LabelledEnum, _l

# A practice week counts as due once it has been over for this long, or as soon as the
# supervisor has confirmed it (or a later week): confirmations come some days after the week.
CONFIRMATION_GRACE = timedelta(days=7)
EPSILON = 1e-9
LABELS = {
    "theory": _l("Oppmøte teori"),
    "practice": _l("Oppmøte praksis"),
    "modules": _l("Obligatoriske moduler godkjent"),
    "placements": _l("Sluttvurdering i praksis bestått"),
    "project": _l("Prosjektoppgave godkjent"),
}


class CriterionState(LabelledEnum):
    MET = "MET", _l("Oppfylt")
    UNMET = "UNMET", _l("Ikke oppfylt ennå")
    AT_RISK = "AT_RISK", _l("I faresonen")
    IMPOSSIBLE = "IMPOSSIBLE", _l("Kan ikke lenger oppfylles")

    @property
    def warns(self) -> bool:
        return self in (CriterionState.AT_RISK, CriterionState.IMPOSSIBLE)


@dataclass(frozen=True)
class TheoryFacts:
    """Theory hours of one trainee. ``planned_so_far``: hours of the sessions whose attendance
    is recorded; ``absent_so_far``: the hours of those sessions not attended, by the status
    recorded (under TIL_STEDE: the missing part of a partial presence)."""

    planned_total: float = 0.0
    planned_so_far: float = 0.0
    present_so_far: float = 0.0
    absent_so_far: Mapping[AttendanceStatus, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PlacementFacts:
    """One placement in a practice module, as far as hours go. ``ongoing`` is False for a
    placement that was cancelled: only the weeks up to its last confirmed week were planned."""

    module_code: str
    start: date
    end: date
    weekly_hours: float
    confirmed_hours: float = 0.0
    last_confirmed_week: date | None = None
    ongoing: bool = True


@dataclass(frozen=True)
class PracticeHours:
    module_code: str
    planned_total: float
    planned_so_far: float
    confirmed: float


@dataclass(frozen=True)
class TraineeFacts:
    theory: TheoryFacts = TheoryFacts()
    placements: Sequence[PlacementFacts] = ()
    results: Mapping[str, AssessmentResult] = field(default_factory=dict)
    # Per practice module: whether its final evaluation was passed (absent: none yet).
    final_evaluations: Mapping[str, bool] = field(default_factory=dict)
    project_title: str | None = None
    project_approved: bool = False


@dataclass(frozen=True)
class Criterion:
    """One requirement's state. The reason is put into words when it is read, so that a
    page which shows only states (the cohort matrix) does not translate 25 × 5 sentences."""

    key: str
    state: CriterionState
    explain: Callable[[], str] = field(repr=False, compare=False)
    # The share so far, in whole per cent, for the attendance criteria.
    percent: int | None = None

    @property
    def label(self) -> str:
        return str(LABELS[self.key])

    @property
    def reason(self) -> str:
        return self.explain()


# Practice hours ------------------------------------------------------------------------


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_starts(start: date, end: date) -> list[date]:
    """The Mondays of the weeks a period touches; hours are planned and logged per week."""
    first, last = monday(start), monday(end)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def placement_hours(placement: PlacementFacts, today: date) -> tuple[float, float]:
    """(planned in total, planned so far): the weekly hours times the weeks of the placement,
    and times the weeks due by today. A week is due once it has been over for
    CONFIRMATION_GRACE, or as soon as it or a later week is confirmed. A cancelled placement
    was only ever planned up to its last confirmed week."""
    first = monday(placement.start)
    weeks = max((monday(placement.end) - first).days // 7 + 1, 0)
    last_due = today - timedelta(weeks=1) - CONFIRMATION_GRACE
    if placement.last_confirmed_week is not None:
        last_due = max(last_due, placement.last_confirmed_week)
    if not placement.ongoing:
        last_due = placement.last_confirmed_week or date.min
    # Counted, not listed: the Mondays from the first week up to last_due.
    due = min(max((last_due - first).days // 7 + 1, 0), weeks) if last_due >= first else 0
    if not placement.ongoing:
        weeks = due
    return placement.weekly_hours * weeks, placement.weekly_hours * due


def practice_hours(
    module: Module, placements: Sequence[PlacementFacts], today: date
) -> PracticeHours:
    """Planned and confirmed hours in one practice module. Until a placement is made (or
    while the only ones were cancelled), the curriculum's hours for the module are the plan."""
    own = [p for p in placements if p.module_code == module.code]
    planned = [placement_hours(p, today) for p in own]
    total = sum(hours for hours, _due in planned)
    if not any(p.ongoing for p in own):
        total = max(total, module.hours)
    due = sum(hours for _total, hours in planned)
    return PracticeHours(module.code, total, due, sum(p.confirmed_hours for p in own))


# The rule ------------------------------------------------------------------------------


def evaluate(
    rule: CompletionRule, modules: Sequence[Module], facts: TraineeFacts, today: date
) -> list[Criterion]:
    """Every requirement of the completion rule, in the order of the checklist."""
    practice_modules = [m for m in modules if m.kind is ModuleKind.PRACTICE]
    practice = [practice_hours(m, facts.placements, today) for m in practice_modules]
    criteria = [
        theory_attendance(rule, facts.theory),
        practice_attendance(rule, practice),
        required_modules(rule, modules, facts.results),
    ]
    if rule.required_placements:
        criteria.append(final_evaluations(rule, practice_modules, facts.final_evaluations))
    if rule.project_required:
        criteria.append(project(facts))
    return criteria


def warnings(criteria: Sequence[Criterion]) -> list[Criterion]:
    return [c for c in criteria if c.state.warns]


def counted_theory_hours(rule: CompletionRule, theory: TheoryFacts) -> float:
    """The recorded hours that count: less those absent for a reason the rule excuses."""
    excused = sum(
        hours
        for status, hours in theory.absent_so_far.items()
        if status is not AttendanceStatus.TIL_STEDE and status not in rule.counts_against_attendance
    )
    return theory.planned_so_far - excused


def theory_percent(rule: CompletionRule, theory: TheoryFacts) -> int | None:
    counted = counted_theory_hours(rule, theory)
    if counted <= EPSILON:
        return None
    return min(whole_percent(theory.present_so_far / counted), 100)


def theory_attendance(rule: CompletionRule, theory: TheoryFacts) -> Criterion:
    return attendance(
        "theory",
        rule.min_attendance_theory,
        planned_total=theory.planned_total,
        counted_so_far=counted_theory_hours(rule, theory),
        present=theory.present_so_far,
        remaining=theory.planned_total - theory.planned_so_far,
        nothing_planned=lambda: _("Ingen teoriundervisning er planlagt ennå."),
        nothing_yet=lambda: _("Ingen oppmøte er registrert ennå"),
    )


def practice_attendance(rule: CompletionRule, practice: Sequence[PracticeHours]) -> Criterion:
    planned_total = sum(p.planned_total for p in practice)
    so_far = sum(p.planned_so_far for p in practice)
    return attendance(
        "practice",
        rule.min_attendance_practice,
        planned_total=planned_total,
        counted_so_far=so_far,
        present=sum(p.confirmed for p in practice),
        remaining=planned_total - so_far,
        nothing_planned=lambda: _("Ingen praksis er planlagt."),
        nothing_yet=lambda: _("Ingen praksistimer er bekreftet ennå"),
    )


def attendance(
    key: str,
    threshold: float,
    *,
    planned_total: float,
    counted_so_far: float,
    present: float,
    remaining: float,
    nothing_planned: Callable[[], str],
    nothing_yet: Callable[[], str],
) -> Criterion:
    required = whole_percent(threshold)
    remaining = max(remaining, 0.0)
    if planned_total <= EPSILON:
        return Criterion(key, CriterionState.UNMET, nothing_planned)
    if counted_so_far <= EPSILON:
        # Nothing that counts is recorded yet (or only absence that does not count).
        if remaining <= EPSILON or threshold <= 0:
            return Criterion(key, CriterionState.MET, lambda: _("Ingen timer teller mot kravet."))
        return Criterion(
            key,
            CriterionState.UNMET,
            lambda: _(
                "%(what)s – kravet er %(required)d %%.", what=nothing_yet(), required=required
            ),
        )
    percent = min(whole_percent(present / counted_so_far), 100)

    def said() -> str:
        return _(
            "%(what)s %(percent)d %% – kravet er %(required)d %%.",
            what=LABELS[key],
            percent=percent,
            required=required,
        )

    if reaches(present, counted_so_far, threshold):
        return Criterion(key, CriterionState.MET, said, percent)
    best = present + remaining
    best_percent = min(whole_percent(best / (counted_so_far + remaining)), 100)
    if not reaches(best, counted_so_far + remaining, threshold):
        if remaining <= EPSILON:
            return Criterion(key, CriterionState.IMPOSSIBLE, said, percent)

        def impossible() -> str:
            more = _(
                "Selv med fullt oppmøte resten av kurset blir det høyst %(best)d %%.",
                best=best_percent,
            )
            return f"{said()} {more}"

        return Criterion(key, CriterionState.IMPOSSIBLE, impossible, percent)
    # Rounded up to the half hour, as hours are recorded.
    needed = min(math.ceil((threshold * (counted_so_far + remaining) - present) * 2) / 2, remaining)

    def at_risk() -> str:
        more = _(
            "Med fullt oppmøte resten av kurset blir det %(best)d %%; det trengs minst "
            "%(needed)s timer av de %(remaining)s som gjenstår.",
            best=best_percent,
            needed=hours_text(needed),
            remaining=hours_text(remaining),
        )
        return f"{said()} {more}"

    return Criterion(key, CriterionState.AT_RISK, at_risk, percent)


def reaches(present: float, counted: float, threshold: float) -> bool:
    """Whether present/counted is at least the threshold; exactly 80 % is enough."""
    return present >= threshold * counted - EPSILON * max(1.0, counted)


def whole_percent(share: float) -> int:
    """Rounded down, so a share just under the requirement never shows as the requirement."""
    return math.floor(share * 100 + EPSILON)


def hours_text(hours: float) -> str:
    return format_decimal(round(hours, 1), format="#,##0.#")


def required_modules(
    rule: CompletionRule, modules: Sequence[Module], results: Mapping[str, AssessmentResult]
) -> Criterion:
    required = list(rule.required_modules)
    approved = [c for c in required if results.get(c) is AssessmentResult.GODKJENT]
    failed = [c for c in required if results.get(c) is AssessmentResult.IKKE_GODKJENT]

    def said() -> str:
        text = _(
            "%(approved)d av %(count)d obligatoriske moduler er godkjent.",
            approved=len(approved),
            count=len(required),
        )
        if not failed or len(approved) == len(required):
            return text
        titles = {m.code: m.title for m in modules}
        names = ", ".join(f"{code} {titles.get(code, '')}".strip() for code in failed)
        return f"{text} {_('Ikke godkjent: %(modules)s.', modules=names)}"

    if len(approved) == len(required):
        return Criterion("modules", CriterionState.MET, said)
    return Criterion("modules", CriterionState.AT_RISK if failed else CriterionState.UNMET, said)


def final_evaluations(
    rule: CompletionRule, practice_modules: Sequence[Module], passed: Mapping[str, bool]
) -> Criterion:
    count = sum(1 for m in practice_modules if passed.get(m.code) is True)
    failed = [m.title for m in practice_modules if passed.get(m.code) is False]
    met = count >= rule.required_placements

    def said() -> str:
        text = _(
            "%(passed)d av %(required)d praksisperioder har bestått sluttvurdering.",
            passed=count,
            required=rule.required_placements,
        )
        if met or not failed:
            return text
        return f"{text} {_('Ikke bestått: %(modules)s.', modules=', '.join(failed))}"

    if met:
        return Criterion("placements", CriterionState.MET, said)
    return Criterion("placements", CriterionState.AT_RISK if failed else CriterionState.UNMET, said)


def project(facts: TraineeFacts) -> Criterion:
    title = facts.project_title
    if facts.project_approved:
        return Criterion(
            "project",
            CriterionState.MET,
            lambda: _("Prosjektoppgaven «%(title)s» er godkjent.", title=title or ""),
        )
    if title:
        return Criterion(
            "project",
            CriterionState.UNMET,
            lambda: _("Prosjektoppgaven «%(title)s» er ikke godkjent ennå.", title=title),
        )
    return Criterion(
        "project", CriterionState.UNMET, lambda: _("Prosjektoppgaven er ikke registrert ennå.")
    )
