"""Change-history records for rows an import has just inserted, written by the database.

django-simple-history's bulk helpers build one Python history object per row: for a
20,000-declaration workbook that is 160,000 item objects built twice. The history of a
freshly inserted row is a copy of it, so one ``INSERT … SELECT`` per batch writes the same
records (type "+", the importing user, the import's time and reason) without building any of them.
"""

from django.db import connection
from django.db.models import QuerySet


def record_creation(rows: QuerySet, *, user, at, reason: str | None = None) -> int:
    """Write a "+" history record, by ``user`` at ``at`` for ``reason``, for every row of ``rows``."""
    model = rows.model
    history = model.history.model
    # The tracked columns: every column of the history table that is not history's own.
    tracked = [
        field.attname for field in history._meta.concrete_fields if not field.attname.startswith("history_")
    ]
    select_sql, params = rows.order_by().values_list(*tracked).query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in tracked)
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} "
        f"({columns}, {quote('history_date')}, {quote('history_change_reason')}, "
        f"{quote('history_type')}, {quote('history_user_id')}) "
        # values_list() selects each column under its own name, which the outer SELECT reads back.
        f"SELECT {', '.join(f'imported.{quote(name)}' for name in tracked)}, %s, %s, '+', %s "
        f"FROM ({select_sql}) imported"
    )
    with connection.cursor() as cursor:
        # The outer SELECT's placeholders come before the subquery's in the statement.
        at_value = connection.ops.adapt_datetimefield_value(at)
        cursor.execute(sql, (at_value, reason, user.pk if user else None, *params))
        return cursor.rowcount
