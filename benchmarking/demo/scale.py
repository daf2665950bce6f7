"""N copies of the demo Yongkang, written fast, for benchmarks and query-count tests.

``generate_scale(factor)`` takes the plain plan of ``builder.build_demo()`` and writes
it ``factor`` times with ``copy_rows``: PostgreSQL's COPY on PostgreSQL, batched
``bulk_create`` INSERTs elsewhere (SQLite). Each copy has its own enterprises (their
own valid credit codes, the name with a copy suffix) and its own schemes (the code
with a copy suffix) with their benchmark standards, indicators and reference values;
its declarations keep the demo's products, statuses, grades and dates (submitted,
published, withdrawn), so "as of" counts and the monthly trend look like the demo's,
times ``factor``. Each declaration gets one item per indicator with its value and
comparison (unless ``with_items=False``) and one event per workflow move.

Offices, industries, standards and the active plan with its quotas are shared with
seed_demo: matched on their natural key exactly as seed_demo matches them, created
only if missing. So ``factor`` N on an empty database counts exactly N × (61 schemes,
230 enterprises, 480 results), and on top of seed_demo's data (N + 1) × that.

With ``counties`` N (``manage.py generate_scale --counties N``, or ``--province`` for every
county-level unit of the home county's province), the copies are spread over N county-level
units, round-robin: copy k belongs to county (k - 1) mod N of ``spread_counties(N)`` (the home
county first, then the rest of its prefecture, then the province's others, by code), so with
``factor`` ≥ N every county gets at least one copy, a county at Yongkang's size or more (factor
180 over the province's 90: two copies each). The home county keeps seed_demo's offices and plan
as above; every other county gets its own copy of the demo's branch offices (their code and
name suffixed with the county's code and prefixed with its short name, ``region`` the county)
and its own current plan (the demo's, named for the county, targets and quotas times the
county's copies). A copy's enterprises belong to its county (``region``, their offices the
county's) and its schemes are published there (``publisher_region``; the publisher's "永康市"
becomes the county's name). Credit codes stay the MA3 range of the home county: an enterprise's
region is set explicitly, not read from its code.

Unlike seed_demo, the copies go through neither the workflow services nor
simple-history: COPY and ``bulk_create`` send no signals, so no change-history rows are
written for them. That is the point (the services would take hours at factor 100),
and benchmark data has no history worth recording.

On PostgreSQL, factor 100 (about 700,000 rows) takes some 20 seconds on two cores. Where the time
went before COPY, and what removed it: building INSERT statements of thousands of
parameters in Python (COPY text instead, each value's text remembered, as copies repeat
the demo's values), the database parsing them (COPY), one foreign-key lookup per row at
commit (the keys dropped and added back, see ``_foreign_keys_checked_after``) and one
``nextval`` per id (a block of ids per table and copy). The counts-version triggers are
statement-level there and fire on COPY too, once per statement.
"""

import contextlib
import datetime as dt
import functools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, reset_queries, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from ..access import add_to_role
from ..choices import COUNTY_LEVEL_KINDS, Role
from ..models import (
    BranchOffice,
    Declaration,
    DeclarationEvent,
    DeclarationItem,
    Enterprise,
    Indicator,
    IndicatorReferenceValue,
    Plan,
    PlanQuota,
    Region,
    SchemeAction,
    SchemeBenchmark,
    TechnicalScheme,
)
from ..models.regions import home_region_code
from ..rules import regrade
from ..selectors.progress import Progress, progress_as_of
from ..services.workflow import apply_move, apply_scheme_move, start_declaration
from ..validators import CREDIT_CODE_ALPHABET, YONGKANG_REGION_CODE, credit_code_check_character
from .builder import build_demo
from .builder.helpers import gb11714_check
from .seed import (
    REPORTED_MODELS,
    SEEDER,
    DemoClockError,
    indicator_from_spec,
    seed_industries,
    seed_offices,
    seed_plan,
    seed_standards,
)
from .specs import (
    LAST_EVENT,
    SHANGHAI,
    DeclarationSpec,
    DeclaredItem,
    Demo,
    SchemeSpec,
)

User = get_user_model()

# Every scale enterprise's credit code starts so: organisation codes "MA3…". The demo's
# start "MA2…" or with a digit, so copies never take a code seed_demo uses, and this
# prefix alone tells whether copies are already in the database.
SCALE_CODE_PREFIX = "91" + YONGKANG_REGION_CODE + "MA3"
# Five base-31 characters follow the prefix: room for 31**5 (28 million) enterprises.
_CODE_DIGITS = 5
# The login named as creator when there is no "bureau" demo login: it cannot log in.
SCALE_USERNAME = "scale"
# The models each copy writes rows of, parents first.
COPIED_MODELS: tuple[type[models.Model], ...] = (
    Enterprise,
    TechnicalScheme,
    SchemeBenchmark,
    Indicator,
    IndicatorReferenceValue,
    Declaration,
    DeclarationItem,
    DeclarationEvent,
)
# Rows per INSERT (where there is no COPY). A copy is written model by model, so this caps
# only the largest (items: ~3,600 a copy); SQLite's lower limit on query parameters is
# applied by Django.
BATCH_SIZE = 5000
# Rows per chunk of COPY text handed to the server (see _Reader).
COPY_CHUNK = 500


class SpreadError(ValueError):
    """The copies cannot be spread as asked: more counties than the province has, or fewer
    copies than counties (a county without a copy would be smaller than Yongkang)."""


class ScaleDataExistsError(RuntimeError):
    """Copies are already in the database: a second run would mix two generations."""


@dataclass
class ScaleResult:
    factor: int
    before: dict[type[models.Model], int]
    after: dict[type[models.Model], int]
    progress: Progress
    seconds: float
    notes: list[str] = field(default_factory=list)
    # With ``counties``: each county's code and the copies it got, in spread order.
    copies_by_county: dict[str, int] = field(default_factory=dict)

    def created(self, model: type[models.Model]) -> int:
        return self.after[model] - self.before[model]


def scale_credit_code(number: int) -> str:
    """The credit code of the ``number``-th scale enterprise (0, 1, 2, …): 91, 330784, an
    organisation code MA3 + ``number`` in five base-31 characters + its GB 11714 check
    digit, then the GB 32100 check character."""
    if not 0 <= number < len(CREDIT_CODE_ALPHABET) ** _CODE_DIGITS:
        raise ValueError(f"scale enterprise number {number} is out of the MA3 code range")
    digits = ""
    for _ in range(_CODE_DIGITS):
        number, remainder = divmod(number, len(CREDIT_CODE_ALPHABET))
        digits = CREDIT_CODE_ALPHABET[remainder] + digits
    body = "MA3" + digits
    first17 = "91" + YONGKANG_REGION_CODE + body + gb11714_check(body)
    return first17 + credit_code_check_character(first17)


def scale_scheme_code(code: str, copy: int) -> str:
    return f"{code}-S{copy:04d}"


def scale_enterprise_name(name: str, copy: int) -> str:
    return f"{name}（副本{copy}）"


def spread_counties(count: int | None = None) -> list[Region]:
    """The county-level units copies are spread over, in the order they get them: the home
    county, the rest of its prefecture, then the province's others, each group by code; the
    first ``count`` of them (all the province's when None). Raises SpreadError when the province
    has fewer."""
    home = home_region_code()
    counties = sorted(
        Region.objects.filter(code__startswith=home[:2], kind__in=COUNTY_LEVEL_KINDS).only("code", "name"),
        key=lambda region: (region.code != home, region.code[:4] != home[:4], region.code),
    )
    if not counties or counties[0].code != home:
        raise SpreadError(f"the home county {home} is not among the loaded regions")
    if count is None:
        return counties
    if not 1 <= count <= len(counties):
        raise SpreadError(
            f"--counties must be between 1 and {len(counties)}, the province's county-level units"
        )
    return counties[:count]


def generate_scale(
    factor: int, *, with_items: bool = True, demo: Demo | None = None, counties: int | None = None
) -> ScaleResult:
    """Write ``factor`` copies of the demo, in one transaction. Refuses (ScaleDataExistsError)
    when copies are already there: to regenerate, start from a fresh database.

    ``counties``: None (the default) puts every copy in the home county; a number N spreads
    them over the first N of ``spread_counties`` (``len(spread_counties())``: the whole
    province; see the module's docstring). Raises SpreadError when there are fewer copies than
    counties, or more counties than the province has."""
    demo = demo or build_demo()
    if factor < 1:
        raise ValueError("factor must be at least 1")
    if factor * len(demo.enterprises) > len(CREDIT_CODE_ALPHABET) ** _CODE_DIGITS:
        raise ValueError(f"factor {factor} needs more credit codes than the MA3 range holds")
    # The same guard as seed_demo: with the clock before the demo's last event, part of
    # the data would lie in the future and the counts "as of now" would come out short.
    if timezone.now() < dt.datetime.combine(LAST_EVENT, dt.time.max, tzinfo=SHANGHAI):
        raise DemoClockError(
            f"系统时间早于演示数据的最后一条记录（{LAST_EVENT:%Y-%m-%d}），演示数据会出现在“未来”。请检查系统时钟。"
        )
    started = time.monotonic()
    notes: list[str] = []
    before = _counts()
    with transaction.atomic():
        if Enterprise.objects.filter(credit_code__startswith=SCALE_CODE_PREFIX).exists():
            raise ScaleDataExistsError(
                "数据库中已有规模测试数据（信用代码以 "
                f"{SCALE_CODE_PREFIX} 开头的企业），不再重复生成。请在新建的空数据库（或仅有 seed_demo 演示数据的数据库）上运行。"
                " Scale copies already exist: run it on a fresh database."
            )
        spread = None
        if counties is not None:
            spread = spread_counties(counties)
            if factor < len(spread):
                raise SpreadError(
                    f"factor {factor} is fewer copies than the {len(spread)} counties: "
                    "every county needs at least one"
                )
        user = _creator()
        offices = seed_offices(demo, user)
        industries = seed_industries(demo, user)
        standards = seed_standards(demo, user)
        seed_plan(demo, offices, notes, user)
        shared = _Shared(
            offices={code: office.pk for code, office in offices.items()},
            industries={name: industry.pk for name, industry in industries.items()},
            standards={number: standard.pk for number, standard in standards.items()},
            user=user,
        )
        places: list[_County] = []
        copies_by_county: dict[str, int] = {}
        if spread is not None:
            copies_by_county = {
                county.code: len(range(n + 1, factor + 1, len(spread))) for n, county in enumerate(spread)
            }
            places = _county_places(demo, spread, copies_by_county, shared, notes)
        rows = _Rows(demo, shared, with_items=with_items)
        with _foreign_keys_checked_after(COPIED_MODELS):
            for copy in range(1, factor + 1):
                if places:
                    rows.write(copy, places[(copy - 1) % len(places)])
                else:
                    rows.write(copy)
                if settings.DEBUG:
                    # With DEBUG on, Django keeps the last 9,000 statements; on SQLite ours are
                    # INSERTs of thousands of rows each, which would hold hundreds of megabytes at
                    # factor 100. (Tests run with DEBUG off, so a CaptureQueriesContext there
                    # keeps its log.)
                    reset_queries()
    _copy_encoders.cache_clear()  # and the values they remember
    if connection.vendor == "postgresql":
        # Fresh planner statistics: autovacuum would gather them only later, and until then
        # the first queries over hundreds of thousands of new rows may get poor plans.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return ScaleResult(
        factor=factor,
        before=before,
        after=_counts(),
        progress=progress_as_of(),
        seconds=time.monotonic() - started,
        notes=notes,
        copies_by_county=copies_by_county,
    )


@contextlib.contextmanager
def _foreign_keys_checked_after(models_: Iterable[type[models.Model]]) -> Iterator[None]:
    """On PostgreSQL, the foreign keys of ``models_``' tables dropped for the block and added
    back after it, in the same transaction (so an error in between leaves them as they were).

    Django's foreign keys are checked at commit, one lookup per new row: a million lookups at
    factor 100, the largest single cost of the load. Adding a key back checks all rows at once,
    in one join; PostgreSQL's manual advises it for bulk loads ("Populating a Database"). The
    price: the tables and the ones they point to stay locked until the commit."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY oid",
            [tables],
        )
        keys = cursor.fetchall()
        # Rows written earlier in this transaction (a test's, or seed_demo's offices) leave
        # deferred key checks pending, and PostgreSQL refuses to alter a table that has them:
        # run them now, and defer again once the keys are back.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _counts() -> dict[type[models.Model], int]:
    return {model: model.objects.count() for model in REPORTED_MODELS}


def _creator():
    """The bureau staff user named as creator of the declarations and actor of their
    events: the "bureau" demo login if seed_demo ran, else a "scale" system user in the
    bureau-staff role, without a usable password."""
    user = (
        User.objects.filter(username=SEEDER).first() or User.objects.filter(username=SCALE_USERNAME).first()
    )
    if user is None:
        user = User(username=SCALE_USERNAME, last_name="规模测试", first_name="系统")
        user.set_unusable_password()
        user.save()
        add_to_role(user, Role.BUREAU_STAFF)
    return user


@dataclass(frozen=True)
class _Shared:
    """Primary keys of the rows every copy shares."""

    offices: dict[str, int]
    industries: dict[str, int]
    standards: dict[str, int]
    # The user every copied record and event names.
    user: models.Model


@dataclass(frozen=True)
class _County:
    """Where a copy belongs when copies are spread: its county's code, its offices' primary keys
    by the demo's office code, and the publisher names of its schemes by the demo's."""

    code: str
    offices: dict[str, int]
    publishers: dict[str, str]


def _county_places(
    demo: Demo, counties: list[Region], copies: dict[str, int], shared: _Shared, notes: list[str]
) -> list[_County]:
    """For each county of the spread, in order: its offices and current plan, made if missing.

    The home county keeps seed_demo's (already in ``shared``). Every other county gets a copy of
    the demo's offices, matched on their code (the demo's code, "-", the county's code) and its
    own plan, matched on its name; the plan is made current unless the county has one already
    (one current plan per county), and gets a quota for each of the county's offices. Offices and
    quotas are bulk written, without change history, like the copies; the plan is saved (one
    history record each)."""
    home = counties[0]
    publishers = {s.publisher for s in demo.schemes}
    places = []
    for county in counties:
        if county.code == home.code:
            offices = dict(shared.offices)
        else:
            offices = _county_offices(demo, county)
            _county_plan(demo, county, offices, copies[county.code], home.name, notes)
        places.append(
            _County(
                code=county.code,
                offices=offices,
                publishers={p: p.replace(home.name, county.name) for p in publishers},
            )
        )
    return places


def _county_offices(demo: Demo, county: Region) -> dict[str, int]:
    """The county's copies of the demo's offices: primary keys by the demo's office code."""
    codes = {o.code: f"{o.code}-{county.code}" for o in demo.offices}
    existing = set(BranchOffice.objects.filter(code__in=codes.values()).values_list("code", flat=True))
    BranchOffice.objects.bulk_create(
        BranchOffice(code=codes[o.code], name=f"{county.short_name}{o.name}", order=n, region_id=county.code)
        for n, o in enumerate(demo.offices, start=1)
        if codes[o.code] not in existing
    )
    pks = dict(BranchOffice.objects.filter(code__in=codes.values()).values_list("code", "pk"))
    return {demo_code: pks[code] for demo_code, code in codes.items()}


def _county_plan(
    demo: Demo, county: Region, offices: dict[str, int], copies: int, home_name: str, notes
) -> None:
    """The county's own plan: the demo's, named for the county, targets and quotas × ``copies``."""
    spec = demo.plan
    name = spec.name.replace(home_name, county.name)
    if name == spec.name:
        name = f"{county.name}{spec.name}"
    plan = Plan.objects.filter(name=name).first()
    if plan is None:
        active = Plan.objects.filter(region_id=county.code, is_active=True).exists()
        if active:
            notes.append(f"{county.name}已有当前计划，“{name}”未设为当前计划。")
        plan = Plan.objects.create(
            name=name,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            target_schemes=spec.target_schemes * copies,
            target_enterprises=spec.target_enterprises * copies,
            target_results=spec.target_results * copies,
            region_id=county.code,
            is_active=not active,
        )
    have = set(plan.quotas.values_list("branch_office_id", flat=True))
    PlanQuota.objects.bulk_create(
        PlanQuota(
            plan=plan,
            branch_office_id=offices[q.office],
            enterprises=q.enterprises * copies,
            results=q.results * copies,
        )
        for q in spec.quotas
        if offices[q.office] not in have
    )


class _Rows:
    """The demo as unsaved model instances, built once and inserted once per copy.

    Building a model instance costs more than inserting it, so every copy reuses the same
    ~7,000 instances: ``write`` sets the copy's own values on them (names, codes, and the
    foreign keys to this copy's rows), marks them unsaved again and inserts them with
    ``copy_rows``, which fills in their new primary keys. Rows pointing to a row of the
    same copy are kept as (row, index of that row)."""

    def __init__(self, demo: Demo, shared: _Shared, *, with_items: bool):
        self.demo = demo
        self.scheme_codes = [s.code for s in demo.schemes]
        self.enterprises = [
            Enterprise(
                branch_office_id=shared.offices[e.office],
                industry_id=shared.industries[e.industry],
                address=e.address,
                legal_representative=e.legal_representative,
                contact_person=e.contact_person,
                phone=e.phone,
                email=e.email,
                zhejiang_made=e.zhejiang_made,
                standard_leader=e.standard_leader,
            )
            for e in demo.enterprises
        ]
        self.schemes = [_scheme(s, shared) for s in demo.schemes]
        self.benchmarks = [
            (SchemeBenchmark(standard_id=shared.standards[number], order=n), k)
            for k, s in enumerate(demo.schemes)
            for n, number in enumerate(s.benchmarks, start=1)
        ]
        indicator_specs = [(k, s, i) for k, s in enumerate(demo.schemes) for i in s.indicators]
        self.indicators = [(indicator_from_spec(i), k) for k, _, i in indicator_specs]
        self.references = [
            (IndicatorReferenceValue(standard_id=shared.standards[number], value=value), j)
            for j, (_, _, i) in enumerate(indicator_specs)
            for number, value in i.references
        ]
        enterprise_index = {e.credit_code: n for n, e in enumerate(demo.enterprises)}
        scheme_index = {s.code: k for k, s in enumerate(demo.schemes)}
        indicator_index = {(s.code, i.name): j for j, (_, s, i) in enumerate(indicator_specs)}
        self.declarations: list[tuple[Declaration, int, int]] = []
        self.items: list[tuple[DeclarationItem, int, int]] = []
        self.events: list[tuple[DeclarationEvent, int]] = []
        for d, spec in enumerate(demo.declarations):
            scheme = demo.schemes[scheme_index[spec.scheme]]
            declaration, items, events = _declaration(spec, scheme, demo.login_enterprises, shared)
            self.declarations.append(
                (declaration, enterprise_index[spec.enterprise], scheme_index[spec.scheme])
            )
            self.events += [(event, d) for event in events]
            if with_items:
                self.items += [
                    (item, d, indicator_index[spec.scheme, indicator.name])
                    for item, indicator in zip(items, scheme.indicators, strict=True)
                ]

    def write(self, copy: int, county: _County | None = None) -> None:
        """Insert copy number ``copy`` (1, 2, …): one COPY (or batched INSERT) per model; with
        ``county``, its enterprises and schemes that county's."""
        first_number = (copy - 1) * len(self.enterprises)
        for n, (row, spec) in enumerate(zip(self.enterprises, self.demo.enterprises, strict=True)):
            row.name = scale_enterprise_name(spec.name, copy)
            row.credit_code = scale_credit_code(first_number + n)
            if county is not None:
                row.region_id = county.code
                row.branch_office_id = county.offices[spec.office]
        _insert(self.enterprises)
        for row, spec in zip(self.schemes, self.demo.schemes, strict=True):
            row.code = scale_scheme_code(spec.code, copy)
            row.withdraw_reason = _rename_codes(spec.withdraw_reason, self.scheme_codes, copy)
            if county is not None:
                row.publisher_region_id = county.code
                row.publisher = county.publishers[spec.publisher]
        _insert(self.schemes)
        _insert_children(self.benchmarks, "scheme_id", self.schemes)
        _insert_children(self.indicators, "scheme_id", self.schemes)
        _insert_children(self.references, "indicator_id", [row for row, _ in self.indicators])
        for row, e, k in self.declarations:
            row.enterprise_id, row.scheme_id = self.enterprises[e].pk, self.schemes[k].pk
        _insert([row for row, _, _ in self.declarations])
        for row, d, j in self.items:
            row.declaration_id, row.indicator_id = self.declarations[d][0].pk, self.indicators[j][0].pk
        _insert([row for row, _, _ in self.items])
        _insert_children(self.events, "declaration_id", [row for row, _, _ in self.declarations])


def _insert(rows: list[models.Model]) -> None:
    """INSERT ``rows`` as new rows, though they may have been inserted for an earlier copy:
    pk None and ``_state.adding`` is Django's documented way to copy an instance."""
    for row in rows:
        row.pk = None
        row._state.adding = True
    if rows:
        copy_rows(type(rows[0]), rows)


def _insert_children(children: list[tuple[models.Model, int]], key: str, parents: list[models.Model]) -> None:
    """Point each child's foreign key ``key`` to its parent of this copy, then insert them."""
    for row, index in children:
        setattr(row, key, parents[index].pk)
    _insert([row for row, _ in children])


def copy_rows(model: type[models.Model], rows: list[models.Model]) -> None:
    """Insert ``rows``, new instances of ``model``, and fill in their primary keys, as
    ``bulk_create`` does, but without signals or ``save()``.

    On PostgreSQL with COPY, its fast bulk path: the table is locked against other writers
    until the commit, the rows without a primary key get a block of ids reserved from the
    table's sequence in one statement (which moves the sequence past them, so a later
    ordinary INSERT never collides with them), and all rows go in one ``COPY … FROM STDIN``
    of every concrete column, each value as the model field prepares it for the database
    (``pre_save``, so ``auto_now`` stamps are set, then ``get_db_prep_save``). A field added
    to the model is so written too, or refused by ``_copy_text`` if COPY text cannot carry
    its value. Elsewhere (SQLite) with ``bulk_create`` in batches of ``BATCH_SIZE``."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        return
    # The connection itself, not the ``connection`` proxy: the fields ask it for every value.
    db = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    table = db.ops.quote_name(meta.db_table)
    fields = meta.concrete_fields
    new = [row for row in rows if row.pk is None]
    with db.cursor() as cursor, db.wrap_database_errors:
        # Nobody else writes the table until the commit: an INSERT elsewhere waits, so none
        # can take an id between the nextval and the setval below.
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        if new:
            # One block of ids, the sequence set past it (one nextval per row costs seconds).
            cursor.execute(
                "SELECT setval(s, nextval(s) + %s - 1) FROM pg_get_serial_sequence(%s, %s) AS s",
                [len(new), table, meta.pk.column],
            )
            last = cursor.fetchone()[0]
            for row, pk in zip(new, range(last - len(new) + 1, last + 1), strict=True):
                row.pk = pk
        encoders = _copy_encoders(model)
        chunks = (
            "".join(
                [
                    "\t".join([encode(row, db) for encode in encoders]) + "\n"
                    for row in rows[n : n + COPY_CHUNK]
                ]
            )
            for n in range(0, len(rows), COPY_CHUNK)
        )
        columns = ", ".join(db.ops.quote_name(field.column) for field in fields)
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", _Reader(chunks))
    for row in rows:
        row._state.adding = False
        row._state.db = db.alias


@functools.cache
def _copy_encoders(model: type[models.Model]) -> list[Callable[[models.Model, BaseDatabaseWrapper], str]]:
    """For each concrete field of ``model``: the function from a row to that field's value
    in COPY's text format."""
    return [_copy_encoder(field) for field in model._meta.concrete_fields]


# Values remembered per field (see _copy_encoder); past that many, it forgets them all.
_MEMO_SIZE = 10_000


def _copy_encoder(field: models.Field) -> Callable[[models.Model, BaseDatabaseWrapper], str]:
    """The function from a row to ``field``'s value in COPY's text format.

    Preparing a value goes through several field and backend methods, and most values recur
    (each copy repeats the demo's statuses, dates, decimals and texts), so the text of each
    value is remembered, keyed on its class too (True == 1 == Decimal(1) in a dict)."""
    pre_save, prep = field.pre_save, field.get_db_prep_save
    memo: dict[tuple[type, object], str] = {}

    def encode(row: models.Model, db: BaseDatabaseWrapper) -> str:
        value = pre_save(row, True)
        key = (value.__class__, value)
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:  # unhashable, say a JSONField's dict: not remembered
            return _copy_text(prep(value, db))
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        text = memo[key] = _copy_text(prep(value, db))
        return text

    return encode


class _Reader:
    """The file ``copy_expert`` reads, made chunk by chunk as it is read: the server stores
    one chunk while Python writes the next."""

    def __init__(self, chunks: Iterator[str]):
        self.chunks = chunks

    def read(self, size: int = -1) -> str:
        return next(self.chunks, "")  # any length will do; "" ends the COPY


# COPY text format: tab between columns, newline between rows, \N for NULL, and a backslash
# escapes itself and these characters in a value.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """A database value (as ``get_db_prep_save`` returns it) in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        # ISO 8601; an aware datetime keeps its offset, which timestamptz reads.
        return value.isoformat()
    raise TypeError(f"no COPY text for {type(value).__name__} value {value!r}: add it to _copy_text")


def _declaration(
    spec: DeclarationSpec, scheme: SchemeSpec, logins: dict[str, str], shared: _Shared
) -> tuple[Declaration, list[DeclarationItem], list[DeclarationEvent]]:
    """The declaration as its workflow moves leave it (status, dates, grade), one item per
    indicator of the scheme with its comparison, and one event per move, all made by the
    functions the services use (``apply_move``, ``regrade``); ``logins`` are the enterprise
    logins."""
    declaration = Declaration(
        product_name=spec.product_name,
        product_model=spec.product_model,
        executed_standard_id=shared.standards[spec.executed_standard],
        declared_on=spec.declared_on,
    )
    first, *moves = spec.steps
    # Staff entering it first make it a paper declaration, as declaration_create decides.
    on_paper = first.actor not in logins
    events = [start_declaration(declaration, actor=shared.user, at=first.at, on_paper=on_paper)]
    events += [
        apply_move(declaration, step.action, at=step.at, actor=shared.user, comment=step.comment)
        for step in moves
    ]
    items = []
    for indicator in scheme.indicators:
        declared = DeclaredItem.of(spec.values[indicator.name])
        items.append(DeclarationItem(value=declared.value, passed=declared.passed))
    regrade(declaration, zip(items, scheme.indicators, strict=True))
    return declaration, items, events


def _scheme(spec: SchemeSpec, shared: _Shared) -> TechnicalScheme:
    """The scheme as its publication and withdrawal leave it (``apply_scheme_move``)."""
    scheme = TechnicalScheme(
        title=spec.title,
        product_category=spec.product_category,
        industry_id=shared.industries[spec.industry],
        publisher=spec.publisher,
    )
    if spec.published_at:
        apply_scheme_move(scheme, SchemeAction.PUBLISH, at=spec.published_at)
    if spec.withdrawn_at:
        # The reason names the scheme that replaced it; each copy renames it (_Rows.write).
        apply_scheme_move(scheme, SchemeAction.WITHDRAW, at=spec.withdrawn_at, reason=spec.withdraw_reason)
    return scheme


def _rename_codes(text: str, codes: list[str], copy: int) -> str:
    """``text`` (a withdrawal reason naming the scheme that replaced it) with each demo
    scheme code in it replaced by that scheme's code in this copy."""
    for code in codes:
        if code in text:
            text = text.replace(code, scale_scheme_code(code, copy))
    return text
