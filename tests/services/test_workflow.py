"""The move core (benchmarking.services.workflow) and the event writers (services.events):
what each move does to a record in memory, the same for the services, the import and the
scale data, and the one grading path (rules.regrade)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from benchmarking.choices import Comparison, Direction, Grade, SchemeStatus
from benchmarking.choices import DeclarationStatus as S
from benchmarking.models import (
    DECLARATION_TRANSITIONS,
    Declaration,
    DeclarationAction,
    DeclarationItem,
    Indicator,
    SchemeAction,
    TechnicalScheme,
)
from benchmarking.rules import regrade
from benchmarking.services.errors import WorkflowError
from benchmarking.services.workflow import apply_move, apply_scheme_move, start_declaration

SH = ZoneInfo("Asia/Shanghai")
# The 16th in Yongkang but still the 15th in UTC (23:30): dates follow Yongkang's calendar.
EVENING = dt.datetime(2024, 3, 16, 7, 30, tzinfo=SH)


def fresh(*, on_paper: bool = False) -> tuple[Declaration, list]:
    declaration = Declaration(product_name="真空保温杯", product_model="YK-500")
    event = start_declaration(declaration, actor=None, at=EVENING, on_paper=on_paper)
    return declaration, [event]


def test_start_makes_a_draft_and_a_create_event_saying_paper_when_staff_enter_it():
    online, (event,) = fresh()
    assert (online.status, online.entered_on_paper) == (S.DRAFT, False)
    assert (event.action, event.from_status, event.to_status, event.comment) == (
        DeclarationAction.CREATE,
        "",
        S.DRAFT,
        "",
    )
    paper, (event,) = fresh(on_paper=True)
    assert paper.entered_on_paper and event.comment == "纸质申报代录"
    imported = Declaration()
    event = start_declaration(imported, actor=None, at=EVENING, on_paper=True, comment="批量导入")
    assert event.comment == "批量导入"


@pytest.mark.parametrize(
    ("path", "stamped"),
    [
        ([DeclarationAction.SUBMIT], {"submitted_at"}),
        ([DeclarationAction.SUBMIT, DeclarationAction.RETURN], {"submitted_at"}),
        ([DeclarationAction.SUBMIT, DeclarationAction.PUBLISH], {"submitted_at", "published_at"}),
        (
            [DeclarationAction.SUBMIT, DeclarationAction.PUBLISH, DeclarationAction.WITHDRAW],
            {"submitted_at", "published_at", "withdrawn_at"},
        ),
    ],
)
def test_each_move_stamps_the_date_its_transition_names_and_nothing_else(path, stamped):
    declaration, _ = fresh()
    for action in path:
        before = declaration.status
        event = apply_move(declaration, action, at=EVENING, actor=None, comment="说明")
        assert declaration.status == DECLARATION_TRANSITIONS[action].target
        assert (event.action, event.from_status, event.to_status, event.at, event.comment) == (
            action,
            before,
            declaration.status,
            EVENING,
            "说明",
        )
    for name in ("submitted_at", "published_at", "withdrawn_at"):
        assert (getattr(declaration, name) == EVENING) == (name in stamped), name


def test_submission_and_publication_date_the_declaration_by_the_shanghai_calendar_unless_dated():
    declaration, _ = fresh()
    apply_move(declaration, DeclarationAction.SUBMIT, at=EVENING, actor=None)
    # 23:30 UTC on the 15th is the 16th in Yongkang.
    assert declaration.declared_on == dt.date(2024, 3, 16)

    dated, _ = fresh()
    dated.declared_on = dt.date(2024, 1, 2)
    apply_move(dated, DeclarationAction.SUBMIT, at=EVENING, actor=None)
    assert dated.declared_on == dt.date(2024, 1, 2)


def test_a_second_submission_after_a_return_stamps_the_later_moment():
    declaration, _ = fresh()
    apply_move(declaration, DeclarationAction.SUBMIT, at=EVENING, actor=None)
    apply_move(declaration, DeclarationAction.RETURN, at=EVENING, actor=None, comment="补充检测报告")
    later = EVENING + dt.timedelta(days=3)
    apply_move(declaration, DeclarationAction.SUBMIT, at=later, actor=None)
    assert declaration.submitted_at == later
    assert declaration.declared_on == dt.date(2024, 3, 16)  # the first submission dated it


def test_only_a_paper_declaration_is_published_straight_from_its_draft():
    paper, _ = fresh(on_paper=True)
    apply_move(paper, DeclarationAction.PUBLISH, at=EVENING, actor=None)
    assert paper.status == S.PUBLISHED

    online, _ = fresh()
    with pytest.raises(WorkflowError) as excinfo:
        apply_move(online, DeclarationAction.PUBLISH, at=EVENING, actor=None)
    assert excinfo.value.code == "illegal_transition"
    assert (online.status, online.published_at) == (S.DRAFT, None)


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], DeclarationAction.RETURN),
        ([], DeclarationAction.WITHDRAW),
        ([DeclarationAction.SUBMIT], DeclarationAction.SUBMIT),
        ([DeclarationAction.SUBMIT, DeclarationAction.PUBLISH], DeclarationAction.RETURN),
        (
            [DeclarationAction.SUBMIT, DeclarationAction.PUBLISH, DeclarationAction.WITHDRAW],
            DeclarationAction.PUBLISH,
        ),
    ],
)
def test_a_move_from_a_status_it_cannot_start_from_is_refused_and_changes_nothing(path, refused):
    declaration, _ = fresh()
    for action in path:
        apply_move(declaration, action, at=EVENING, actor=None)
    before = (
        declaration.status,
        declaration.submitted_at,
        declaration.published_at,
        declaration.withdrawn_at,
    )
    with pytest.raises(WorkflowError) as excinfo:
        apply_move(declaration, refused, at=EVENING + dt.timedelta(hours=1), actor=None)
    assert excinfo.value.code == "illegal_transition"
    after = (declaration.status, declaration.submitted_at, declaration.published_at, declaration.withdrawn_at)
    assert after == before


def test_scheme_moves_stamp_their_dates_and_a_withdrawal_needs_its_reason():
    scheme = TechnicalScheme(code="YKDB-2024-001")
    apply_scheme_move(scheme, SchemeAction.PUBLISH, at=EVENING)
    assert (scheme.status, scheme.published_at) == (SchemeStatus.PUBLISHED, EVENING)
    with pytest.raises(WorkflowError) as excinfo:
        apply_scheme_move(scheme, SchemeAction.WITHDRAW, at=EVENING, reason="  ")
    assert excinfo.value.code == "reason_required"
    assert scheme.status == SchemeStatus.PUBLISHED
    later = EVENING + dt.timedelta(days=1)
    apply_scheme_move(scheme, SchemeAction.WITHDRAW, at=later, reason=" 已由新版方案替代。 ")
    assert (scheme.status, scheme.withdrawn_at, scheme.withdraw_reason) == (
        SchemeStatus.WITHDRAWN,
        later,
        "已由新版方案替代。",
    )
    with pytest.raises(WorkflowError) as excinfo:
        apply_scheme_move(scheme, SchemeAction.PUBLISH, at=later)
    assert excinfo.value.code == "illegal_transition"


def _indicator(direction, *, benchmark="10", is_core=False) -> Indicator:
    return Indicator(name="x", direction=direction, benchmark_value=Decimal(benchmark), is_core=is_core)


def test_regrade_compares_every_item_grades_them_and_the_override_wins():
    higher = _indicator(Direction.HIGHER_BETTER, is_core=True)
    lower = _indicator(Direction.LOWER_BETTER, is_core=True)
    pass_fail = _indicator(Direction.PASS_FAIL)  # not core: does not count
    items = [
        DeclarationItem(value=Decimal("12"), passed=None),
        DeclarationItem(value=Decimal("9"), passed=None),
        DeclarationItem(value=None, passed=False),
    ]
    declaration = Declaration()
    regrade(declaration, zip(items, [higher, lower, pass_fail], strict=True))
    assert [item.comparison for item in items] == [Comparison.BETTER, Comparison.BETTER, Comparison.FAIL]
    assert (declaration.computed_grade, declaration.grade) == (Grade.LEADING, Grade.LEADING)

    declaration.override_grade = Grade.AVERAGE
    items[0].value = Decimal("8")  # now worse: half the core ones meet it
    regrade(declaration, zip(items, [higher, lower, pass_fail], strict=True))
    assert items[0].comparison == Comparison.WORSE
    assert (declaration.computed_grade, declaration.grade) == (Grade.AVERAGE, Grade.AVERAGE)
    declaration.override_grade = Grade.BEHIND
    regrade(declaration, zip(items, [higher, lower, pass_fail], strict=True))
    assert (declaration.computed_grade, declaration.grade) == (Grade.AVERAGE, Grade.BEHIND)


def test_regrade_leaves_no_grade_while_a_counted_value_is_missing():
    items = [DeclarationItem(value=None, passed=None)]
    declaration = Declaration()
    regrade(declaration, [(items[0], _indicator(Direction.HIGHER_BETTER))])
    assert (items[0].comparison, declaration.computed_grade, declaration.grade) == ("", "", "")
