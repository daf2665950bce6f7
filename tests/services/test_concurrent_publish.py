"""Two reviewers deciding on the same submitted declaration at the same moment (PostgreSQL):
the row lock in the workflow service lets exactly one move happen; the other reviewer is
refused with the workflow's own error, and the history holds one move.

Each thread has its own database connection (Django gives every thread one). Both start
together at a barrier; each move runs inside an outer transaction that holds the row lock
for a moment after the move, so whichever comes second is certain to wait on
``select_for_update`` and then read the first one's committed status.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connections, transaction

from benchmarking.choices import DeclarationStatus
from benchmarking.models import Declaration, DeclarationAction, DeclarationEvent
from benchmarking.services.declarations import (
    declaration_create,
    declaration_publish,
    declaration_return,
    declaration_submit,
)
from benchmarking.services.errors import WorkflowError

# serialized_rollback: a transactional test empties the tables when it ends, and the role groups
# come from a data migration; this puts them back for the next test.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# How long the winner keeps its transaction (and the row lock) open after its move.
HOLD_SECONDS = 0.5


@pytest.fixture
def submitted(enterprise, enterprise_user, scheme, executed_standard):
    ids = dict(scheme.indicators.values_list("name", "pk"))
    declaration = declaration_create(
        actor=enterprise_user,
        enterprise=enterprise,
        scheme=scheme,
        product_name="真空保温杯",
        product_model="YK-RACE",
        executed_standard=executed_standard,
        values={ids["保温效能"]: Decimal("13"), ids["铅迁移量"]: Decimal("0.005"), ids["外观"]: True},
    )
    return declaration_submit(declaration=declaration, actor=enterprise_user)


def race(*moves):
    """Run each ``move()`` in its own thread and connection, all released at once. Returns,
    per move, ("ok", declaration, released_at) or ("error", exception, refused_at): released_at
    is taken just before the commit that frees the row lock."""
    barrier = threading.Barrier(len(moves))
    outcomes: list = [None] * len(moves)

    def run(index, move):
        try:
            barrier.wait(timeout=10)
            try:
                with transaction.atomic():
                    moved = move()
                    time.sleep(HOLD_SECONDS)  # keep the lock: the other one must wait for it
                    released_at = time.monotonic()
                # Not timed after the block: the mail sent on commit would make the winner look late.
                outcomes[index] = ("ok", moved, released_at)
            except Exception as error:  # the loser's WorkflowError, or anything unexpected
                outcomes[index] = ("error", error, time.monotonic())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, move)) for i, move in enumerate(moves)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a move never finished (deadlock?)"
    return outcomes, started


def split(outcomes):
    won = [outcome for outcome in outcomes if outcome[0] == "ok"]
    lost = [outcome for outcome in outcomes if outcome[0] == "error"]
    assert len(won) == 1, outcomes
    assert len(lost) == 1, outcomes
    return won[0], lost[0]


def moves_recorded(declaration) -> list[str]:
    return list(
        DeclarationEvent.objects.filter(declaration=declaration)
        .exclude(action__in=[DeclarationAction.CREATE, DeclarationAction.SUBMIT])
        .values_list("action", flat=True)
    )


def test_two_reviewers_publishing_at_once_publish_it_once(submitted, bureau_staff, branch_staff):
    outcomes, started = race(
        lambda: declaration_publish(declaration=submitted, actor=bureau_staff, comment="市局发布"),
        lambda: declaration_publish(declaration=submitted, actor=branch_staff, comment="所里发布"),
    )
    (_, winner, released_at), (_, error, refused_at) = split(outcomes)

    assert isinstance(error, WorkflowError)
    assert error.code == "illegal_transition"
    assert "“已发布”状态的声明不能发布" in error.messages[0]
    # The loser waited for the winner's lock and commit, rather than reading "submitted" too.
    assert refused_at >= released_at
    assert refused_at - started >= HOLD_SECONDS

    declaration = Declaration.objects.get(pk=submitted.pk)
    assert declaration.status == DeclarationStatus.PUBLISHED
    [event] = DeclarationEvent.objects.filter(declaration=declaration, action=DeclarationAction.PUBLISH)
    # The event is the winner's own: its actor wrote its comment.
    assert (event.actor.username, event.comment) in {("bureau", "市局发布"), ("branch", "所里发布")}
    # published_at was set once, by the move the history records.
    assert declaration.published_at == event.at == winner.published_at
    assert moves_recorded(declaration) == [DeclarationAction.PUBLISH]


def test_publish_and_return_at_once_make_exactly_one_move(submitted, bureau_staff, branch_staff):
    outcomes, _ = race(
        lambda: declaration_publish(declaration=submitted, actor=bureau_staff),
        lambda: declaration_return(declaration=submitted, actor=branch_staff, comment="请补充检测报告"),
    )
    (_, winner, released_at), (_, error, refused_at) = split(outcomes)

    assert isinstance(error, WorkflowError) and error.code == "illegal_transition"
    assert refused_at >= released_at

    declaration = Declaration.objects.get(pk=submitted.pk)
    assert declaration.status == winner.status
    assert declaration.status in {DeclarationStatus.PUBLISHED, DeclarationStatus.RETURNED}
    [move] = moves_recorded(declaration)
    expected = {DeclarationStatus.PUBLISHED: "publish", DeclarationStatus.RETURNED: "return"}
    assert move == expected[declaration.status]
    if declaration.status == DeclarationStatus.RETURNED:
        assert declaration.published_at is None
