"""Which database a query goes to when a read replica is configured (DATABASE_REPLICA_URL).

Everything goes to the primary (``default``) — writes, migrations and reads — except the reads
made inside ``reads_from_replica()``, which go to the replica (``replica``). Only the dashboard,
the home page's figures and the lists open that scope (benchmarking.views.mixins.ReplicaReadsMixin).
Reads are opted in, not out, because the replica applies the primary's writes a moment later:
a request that writes and then reads what it wrote (every workflow move, an import, the admin)
must read the primary, and it does without knowing there is a replica.

Installed only when the replica is configured (settings.DATABASE_ROUTERS); without one there is
no router and Django sends everything to ``default``, as before.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS

REPLICA_DB_ALIAS = "replica"

# Read from the primary inside the scope too. The session says who is logged in, and a login is
# a second old when its first page loads: read from a replica that has not caught up, it would
# log the user straight out.
PRIMARY_ONLY_APPS = frozenset({"sessions"})

# A context variable, not a thread-local: each request (thread or task) has its own value.
_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Send the ORM's reads inside the block to the replica; writes still go to the primary."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_reads_active() -> bool:
    return _replica_reads.get()


class ReplicaRouter:
    """The replica for reads inside ``reads_from_replica()``, the primary for everything else."""

    def db_for_read(self, model, **hints) -> str:
        if _replica_reads.get() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA_DB_ALIAS
        # The primary by name, not None: Django would otherwise follow an ``instance`` hint to
        # the database that instance came from, so a record read inside the scope would keep
        # reading its relations from the replica after the scope has ended.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # One database and its copy: a record read from either may point at one from the other.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        # The replica copies the primary's schema by replication; migrating it would fail (it
        # is read-only) or, on a writable stand-in, diverge from the primary.
        if db == REPLICA_DB_ALIAS:
            return False
        return None
