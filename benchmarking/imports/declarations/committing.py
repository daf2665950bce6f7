"""Committing a planned declaration import: the new records with their items, history and
events in bulk, then the changed drafts and their items, with their history."""

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ...models import Declaration, DeclarationEvent, DeclarationItem
from ..common import BACKDATED, BATCH, bump, read_back_pks
from ..engine import ImportPlan
from ..history import record_creation
from .rows import S


def write(plan: ImportPlan, actor) -> None:
    now = timezone.now()
    reason = plan.history_reason
    history = {"default_user": actor, "default_date": now, "default_change_reason": reason}
    if plan.creates:
        created = Declaration.objects.bulk_create(plan.creates, batch_size=BATCH)
        if not connection.features.can_return_rows_from_bulk_insert or any(d.pk is None for d in created):
            # Open declarations are unique on their key; withdrawn ones also by their publication.
            read_back_pks(
                plan.creates,
                Declaration,
                fields=("enterprise_id", "scheme_id", "product_model"),
                load=("status", "published_at"),
                key=lambda d: (
                    d.enterprise_id,
                    d.scheme_id,
                    d.product_model,
                    d.status == S.WITHDRAWN,
                    d.published_at,
                ),
            )
        items = [item for d in plan.creates for item in d._import_items]
        events = [event for d in plan.creates for event in d._import_events]
        for item in items:
            item.declaration_id = item.declaration.pk
        for event in events:
            event.declaration_id = event.declaration.pk
        DeclarationItem.objects.bulk_create(items, batch_size=BATCH * 8)
        # The new rows' history, one INSERT … SELECT per batch (imports/history.py).
        ids = [d.pk for d in plan.creates]
        # A historic record (published or withdrawn before the import) says it is 补录.
        backdated = {d.pk for d in plan.creates if any(e.comment == BACKDATED for e in d._import_events)}
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            for batch_reason, pks in (
                (plan.backdated_history_reason, [pk for pk in batch if pk in backdated]),
                (reason, [pk for pk in batch if pk not in backdated]),
            ):
                if pks:
                    record_creation(
                        Declaration.objects.filter(pk__in=pks), user=actor, at=now, reason=batch_reason
                    )
                    record_creation(
                        DeclarationItem.objects.filter(declaration_id__in=pks),
                        user=actor,
                        at=now,
                        reason=batch_reason,
                    )
        # Events have no change history: each one already is a record of a change.
        DeclarationEvent.objects.bulk_create(events, batch_size=BATCH * 2)
    if plan.updates:
        fields = sorted({f for _r, changed in plan.updates for f in changed if f != "items"})
        records = [record for record, _changed in plan.updates]
        extra = bump(records, Declaration, now)
        bulk_update_with_history(records, Declaration, [*fields, *extra], batch_size=BATCH, **history)
    if plan.item_updates:
        bulk_update_with_history(
            plan.item_updates, DeclarationItem, ["value", "passed", "comparison"], batch_size=BATCH, **history
        )
    if plan.item_creates:
        bulk_create_with_history(plan.item_creates, DeclarationItem, batch_size=BATCH, **history)
