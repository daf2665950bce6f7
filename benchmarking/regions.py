"""The region tree as data: the GB/T 2260 list read from ``benchmarking/data/``, loaded into
``Region`` (by the data migrations, the one way rows get in), and the county-level unit a
统一社会信用代码 names.

No model is imported here: the loader is handed the model classes, so a data migration can
pass its historical ones and a test the real ones, and both load the same way.
"""

import csv
import enum
import functools
import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q
from django.utils import timezone

from .choices import RegionKind
from .validators import credit_code_region

DATA_DIR = Path(__file__).resolve().parent / "data"
# Zhejiang, as the Ministry of Civil Affairs lists it in 2025 (source in the file's header).
ZHEJIANG_2025 = DATA_DIR / "regions-zhejiang-2025.csv"
# The change reason of the history records a load writes (at most 100 characters).
LOAD_REASON = "按 GB/T 2260 行政区划代码载入（民政部 2025 年版）"

COLUMNS = ["code", "name", "short_name", "kind", "parent_code"]


@dataclass(frozen=True)
class RegionRow:
    """One line of a region file. ``parent_code`` is "" for a province."""

    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str


def read_regions_csv(path: Path | str) -> list[RegionRow]:
    """The rows of a region file, in file order. Lines starting with ``#`` are comments; the
    first other line is the header ``code,name,short_name,kind,parent_code``.

    Raises ValueError naming the line for a row the loader could not trust: a code that is not
    6 digits, a repeated code, an unknown kind, an empty name, a province with a parent or
    another region without one, or a parent that no earlier line defines."""
    text = Path(path).read_text(encoding="utf-8")
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if not line.startswith("#")]
    reader = csv.reader(io.StringIO("\n".join(line for _, line in lines)))
    numbers = iter(n for n, _ in lines)
    header = next(reader, None)
    next(numbers, None)
    if header != COLUMNS:
        raise ValueError(f"{path}: the header must be {','.join(COLUMNS)}, not {header}")
    kinds = set(RegionKind.values)
    rows: list[RegionRow] = []
    seen: set[str] = set()
    for number, values in zip(numbers, reader, strict=True):
        where = f"{path}, line {number}"
        if len(values) != len(COLUMNS):
            raise ValueError(f"{where}: {len(values)} columns, expected {len(COLUMNS)}")
        row = RegionRow(*(value.strip() for value in values))
        if not (len(row.code) == 6 and row.code.isascii() and row.code.isdigit()):
            raise ValueError(f"{where}: the code {row.code!r} is not 6 digits")
        if row.code in seen:
            raise ValueError(f"{where}: the code {row.code} appears twice")
        if row.kind not in kinds:
            raise ValueError(f"{where}: unknown kind {row.kind!r}")
        if not row.name or not row.short_name:
            raise ValueError(f"{where}: a name and a short name are required")
        if (row.kind == RegionKind.PROVINCE) != (row.parent_code == ""):
            raise ValueError(f"{where}: only a province has no parent")
        if row.parent_code and row.parent_code not in seen:
            raise ValueError(f"{where}: the parent {row.parent_code} is not defined above")
        seen.add(row.code)
        rows.append(row)
    return rows


def _levels(rows: Iterable[RegionRow]) -> list[list[RegionRow]]:
    """The rows grouped by depth in the tree, parents' level first (a parent the rows do not
    define is taken as already stored)."""
    depth: dict[str, int] = {}
    levels: dict[int, list[RegionRow]] = {}
    for row in rows:
        depth[row.code] = depth.get(row.parent_code, -1) + 1
        levels.setdefault(depth[row.code], []).append(row)
    return [levels[d] for d in sorted(levels)]


def load_regions(
    rows: Iterable[RegionRow],
    *,
    region_model,
    history_model,
    using: str = DEFAULT_DB_ALIAS,
    reason: str = LOAD_REASON,
) -> tuple[int, int]:
    """Make the stored regions agree with ``rows``: create the missing, correct the changed
    (name, short name, kind, parent), leave the rest alone; returns (created, changed).
    Idempotent: loading the same rows again changes nothing.

    Each created or changed region gets one history record ("+" or "~", no user, ``reason``),
    written here because bulk writes send no signals: the change history shows when the list
    was loaded and from which edition. Regions the rows do not mention are kept (a code the
    standard retires is a later edition's migration to handle, with its records)."""
    manager = region_model._default_manager.db_manager(using)
    stored = {region.code: region for region in manager.all()}
    created, changed = [], []
    for level in _levels(rows):
        ids = {code: region.pk for code, region in stored.items()}
        new = []
        for row in level:
            values = {
                "name": row.name,
                "short_name": row.short_name,
                "kind": row.kind,
                "parent_id": ids[row.parent_code] if row.parent_code else None,
            }
            current = stored.get(row.code)
            if current is None:
                new.append(region_model(code=row.code, **values))
            elif any(getattr(current, field) != value for field, value in values.items()):
                manager.filter(pk=current.pk).update(**values)
                for field, value in values.items():
                    setattr(current, field, value)
                changed.append(current)
        if new:
            manager.bulk_create(new)
            for region in manager.filter(code__in=[region.code for region in new]):
                stored[region.code] = region
                created.append(region)
    now = timezone.now()
    history_model._default_manager.db_manager(using).bulk_create(
        history_model(
            id=region.pk,
            code=region.code,
            name=region.name,
            short_name=region.short_name,
            kind=region.kind,
            parent_id=region.parent_id,
            history_date=now,
            history_type=history_type,
            history_change_reason=reason,
            history_user_id=None,
        )
        for history_type, regions in (("+", created), ("~", changed))
        for region in regions
    )
    return len(created), len(changed)


def unload_regions(
    rows: Iterable[RegionRow], *, region_model, history_model, using: str = DEFAULT_DB_ALIAS
) -> int:
    """Delete the regions ``rows`` define, children first, with their history records (the
    reverse of ``load_regions``); returns how many regions went. A region something still
    points to is protected, and the deletion fails rather than orphan it."""
    manager = region_model._default_manager.db_manager(using)
    deleted = 0
    levels = _levels(rows)
    for level in reversed(levels):
        deleted += (
            manager.filter(code__in=[row.code for row in level]).delete()[1].get(region_model._meta.label, 0)
        )
    codes = [row.code for level in levels for row in level]
    history_model._default_manager.db_manager(using).filter(code__in=codes).delete()
    return deleted


def county_code_of_credit_code(credit_code: str | None, county_codes: Collection[str]) -> str | None:
    """The county-level region (县级行政区) a 统一社会信用代码 names: its characters 3–8, the
    registering authority's GB/T 2260 code (``validators.credit_code_region``), when that is
    one of ``county_codes``; else None. The code is normalised first (spaces, full-width,
    lower case); its check character is not this function's business.

    None covers a code too short or too long, and one registered by a prefecture's own bureau
    (330700 金华市, 330701 金华市市辖区): such a firm may be in any of the prefecture's
    counties, so no county is guessed and staff choose. A code of a unit since abolished
    (330103 下城区) is None for the same reason: the credit code keeps the old region forever."""
    region = credit_code_region(credit_code or "")
    return region if region and region in county_codes else None


# -- levels and the scope of a region ---------------------------------------------------------


class RegionLevel(enum.StrEnum):
    """Where a region sits in the tree, read off its GB/T 2260 code: 33 0000 is a province,
    33 07 00 a prefecture (设区市), 33 07 84 a county-level unit."""

    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"


def level_of_code(code: str) -> RegionLevel:
    """The level of a region by its code, with no query: the code's pairs of digits are the
    province, the prefecture and the county, and "00" where the region stops."""
    if code[2:] == "0000":
        return RegionLevel.PROVINCE
    if code[4:] == "00":
        return RegionLevel.PREFECTURE
    return RegionLevel.COUNTY


@dataclass(frozen=True)
class RegionScope:
    """The county-level units a region spans: the county itself, a prefecture's counties, a
    province's counties. The one statement of "within this region": ``covers`` asks it of a
    county code in hand, ``q`` turns it into a filter on a county-level region foreign key
    (``region``, ``enterprise__region``, ``publisher_region``), comparing codes only, so no join.
    GB/T 2260 codes nest: a county's code begins with its prefecture's four digits."""

    code: str

    @property
    def level(self) -> RegionLevel:
        return level_of_code(self.code)

    @property
    def is_county(self) -> bool:
        return self.level == RegionLevel.COUNTY

    @property
    def _prefix(self) -> str:
        return {RegionLevel.PROVINCE: self.code[:2], RegionLevel.PREFECTURE: self.code[:4]}.get(
            self.level, self.code
        )

    def covers(self, county_code: str | None) -> bool:
        if county_code is None:
            return False
        return county_code == self.code if self.is_county else county_code.startswith(self._prefix)

    def code_q(self, field: str = "code") -> Q:
        """``covers`` as a filter on a code itself (the ``Region`` rows in the region: the county,
        or the prefecture's or province's rows and every county under them)."""
        if self.is_county:
            return Q(**{field: self.code})
        return Q(**{f"{field}__startswith": self._prefix})

    def q(self, field: str = "region") -> Q:
        """``covers`` as a filter on the county-level region foreign key ``field``."""
        if self.is_county:
            return Q(**{f"{field}_id": self.code})
        # The code is the key the foreign key holds, so Django compares it without a join.
        return Q(**{f"{field}__code__startswith": self._prefix})


# The region files the data migrations load (0016_regions_zhejiang): the whole stored tree.
LOADED_FILES = (ZHEJIANG_2025,)


@functools.cache
def spans_the_whole_tree(code: str) -> bool:
    """Does the region ``code`` span every region the migrations store (the province, while the
    tree is one province)? Read from the data files, once per process, with no query: the tree
    changes only by a migration loading another file, which joins ``LOADED_FILES``."""
    scope = RegionScope(code)
    return all(scope.covers(row.code) for path in LOADED_FILES for row in read_regions_csv(path))
