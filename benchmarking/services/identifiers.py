"""Bringing stored identifiers in line with the rule that makes their keys
(docs/domain.md, "Identifiers").

A standard's number is its key: ``validators.normalize_standard_number`` writes it, and the
unique constraint on ``Standard.number`` refuses a second record under the same key. When the
rule learns to fold another spelling (GBT 4754-2017 is GB/T 4754—2017), the records stored
under the old spellings split one standard in two. ``standards_merge_duplicates`` finds every
standard whose stored number is not its key, merges those that share a key into one, and
stores the key, so the constraint holds the rule again.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

from ..choices import StandardKind
from ..models import Standard
from ..validators import normalize_standard_number, standard_kind_for

__all__ = [
    "StandardMerge",
    "StandardReference",
    "standard_key_groups",
    "standard_references",
    "standards_merge_duplicates",
]

# Fields that say nothing about what a reference row means: two rows differing only in these
# (a scheme listing the same standard twice, in different places) are one reference.
_BOOKKEEPING_FIELDS = frozenset({"order", "version", "created_at", "updated_at"})


@dataclass(frozen=True)
class StandardReference:
    """A foreign key that points at a standard: the model holding it and the field."""

    model: type[models.Model]
    field: models.ForeignKey

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)


@dataclass
class StandardMerge:
    """What merging the standards stored under one key does (or would do)."""

    key: str
    kept: Standard
    merged: list[Standard]
    new_kind: str = ""  # the kept record's kind when the key changes it, else ""
    repointed: dict[str, int] = field(default_factory=dict)  # reference label → rows
    dropped: dict[str, int] = field(default_factory=dict)  # duplicate references removed
    conflicts: list[str] = field(default_factory=list)  # why the group is left alone
    # The rows to write, worked out by the plan: (reference, row, drop?).
    _rows: list = field(default_factory=list, repr=False)

    @property
    def rekeyed(self) -> bool:
        return self.kept.number != self.key

    @property
    def done(self) -> bool:
        return not self.conflicts


def standard_references() -> list[StandardReference]:
    """Every foreign key pointing at ``Standard``, found in the models' _meta (so a model added
    later is merged too): the reverse relations, and for a many-to-many without a model of its
    own, the foreign key of the table Django made for it. History tables are left out: they
    record what was, under the ids of the time."""
    references = []
    for relation in Standard._meta.related_objects:
        if relation.many_to_many:
            through = relation.through
            if through._meta.auto_created:
                references.extend(
                    StandardReference(through, f)
                    for f in through._meta.concrete_fields
                    if f.is_relation and f.related_model is Standard
                )
            # A through model of its own has a foreign key of its own, found as such.
            continue
        if issubclass(relation.related_model, HistoricalChanges):
            continue
        references.append(StandardReference(relation.related_model, relation.field))
    return references


def standard_key_groups() -> dict[str, list[Standard]]:
    """The standards to put right, by key: every key under which a standard is stored with
    another number, or under which several are stored, each group oldest first."""
    by_key: dict[str, list[Standard]] = defaultdict(list)
    for standard in Standard.objects.order_by("pk"):
        by_key[normalize_standard_number(standard.number)].append(standard)
    return {key: group for key, group in sorted(by_key.items()) if len(group) > 1 or group[0].number != key}


def _unique_sets(model, field_name: str) -> list[tuple[str, ...]]:
    """The other fields of each unique rule of ``model`` that includes ``field_name``."""
    sets = [tuple(fields) for fields in model._meta.unique_together]
    sets += [
        tuple(c.fields)
        for c in model._meta.total_unique_constraints
        # total_unique_constraints has no condition; expression constraints have no fields.
    ]
    sets += [(f.name,) for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    return [tuple(n for n in s if n != field_name) for s in sets if field_name in s]


def _meaning(row, reference: StandardReference) -> tuple:
    """What a reference row says, bookkeeping and the standard itself aside."""
    return tuple(
        getattr(row, f.attname)
        for f in row._meta.concrete_fields
        if not f.primary_key and f.name != reference.field.name and f.name not in _BOOKKEEPING_FIELDS
    )


def _plan_group(key: str, group: list[Standard], references) -> StandardMerge:
    kept = next((s for s in group if s.number == key), group[0])
    merge = StandardMerge(key=key, kept=kept, merged=[s for s in group if s is not kept])
    implied = standard_kind_for(key)
    # A number that did not fold was taken as foreign; its key says what it is.
    if kept.kind == StandardKind.FOREIGN and implied != StandardKind.FOREIGN:
        merge.new_kind = implied
    if not merge.merged:
        return merge
    merged_ids = [s.pk for s in merge.merged]
    for reference in references:
        name, model = reference.field.name, reference.model
        unique_sets = _unique_sets(model, name)
        # What already points at the kept standard, per unique rule: a row moved onto it must
        # not make a second one.
        taken: dict[tuple, dict[tuple, object]] = {s: {} for s in unique_sets}
        if unique_sets:
            for row in model._base_manager.filter(**{name: kept}):
                for s in unique_sets:
                    taken[s][tuple(getattr(row, n) for n in s)] = row
        for row in model._base_manager.filter(**{f"{name}__in": merged_ids}).order_by("pk"):
            twin = None
            for s in unique_sets:
                twin = taken[s].get(tuple(getattr(row, n) for n in s))
                if twin is not None:
                    break
            if twin is None:
                for s in unique_sets:
                    taken[s][tuple(getattr(row, n) for n in s)] = row
                merge._rows.append((reference, row, False))
                merge.repointed[reference.label] = merge.repointed.get(reference.label, 0) + 1
            elif _meaning(row, reference) == _meaning(twin, reference):
                merge._rows.append((reference, row, True))
                merge.dropped[reference.label] = merge.dropped.get(reference.label, 0) + 1
            else:
                merge.conflicts.append(
                    _("%(model)s「%(row)s」与「%(twin)s」指向同一标准但内容不同，请在后台核对后保留一条。")
                    % {"model": reference.label, "row": row, "twin": twin}
                )
    return merge


def _reason(merge: StandardMerge) -> str:
    if merge.merged:
        return _("合并重复标准：%(merged)s 并入 %(key)s") % {
            "merged": "、".join(s.number for s in merge.merged),
            "key": merge.key,
        }
    return _("标准编号统一为 %(key)s（原为 %(number)s）") % {"key": merge.key, "number": merge.kept.number}


def _apply(merge: StandardMerge, actor) -> None:
    reason = _reason(merge)
    for reference, row, drop in merge._rows:
        row._change_reason, row._history_user = reason, actor
        if drop:
            row.delete()
        else:
            setattr(row, reference.field.name, merge.kept)
            row.save(update_fields=[reference.field.name])
    for standard in merge.merged:
        standard._change_reason, standard._history_user = reason, actor
        standard.delete()
    kept = merge.kept
    if merge.rekeyed or merge.new_kind:
        kept.number = merge.key
        kept.kind = merge.new_kind or kept.kind
        kept.full_clean()
        kept._change_reason, kept._history_user = reason, actor
        kept.save()


def standards_merge_duplicates(*, dry_run: bool, actor=None) -> list[StandardMerge]:
    """Put every standard under its key (``normalize_standard_number``): of those sharing a key
    keep the one stored under it, or else the oldest; point every reference to the others at it
    (a reference it already has is dropped as a duplicate); delete the others; store the key as
    its number. Each write leaves a change-history record with the reason.

    A group whose references would collide with different content (two reference values for one
    indicator) is reported in ``conflicts`` and left alone. ``dry_run`` plans the same and
    writes nothing. Running it again finds nothing to do."""
    with transaction.atomic():
        list(Standard.objects.select_for_update().order_by("pk").values_list("pk"))
        references = standard_references()
        merges = [_plan_group(key, group, references) for key, group in standard_key_groups().items()]
        if not dry_run:
            for merge in merges:
                if merge.done:
                    _apply(merge, actor)
    return merges
