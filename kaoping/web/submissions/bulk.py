"""One INSERT (or UPDATE) statement run for many rows.

An office's import of one table creates up to 3,000 submissions that differ only in their
unit and values. ``bulk_create`` passes each of the 36,000 values through the ORM's compiler
one by one, which was two thirds of the import's time (bench/bench_web.py); here the
statement is compiled by Django once, for the first row, and run with ``executemany``
(SQLite's prepared statement, psycopg's pipeline), the varying columns prepared by their
fields exactly as ``bulk_create`` would prepare them. Re-importing the same table updates
the 3,000 submissions: ``bulk_update`` builds a ``CASE WHEN id = … THEN …`` expression per
row and column (more than 10 s for 3,000 rows × 8 columns); :func:`update_many` runs one
``UPDATE … WHERE id = %s`` with ``executemany`` instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model
from django.db.models.sql import InsertQuery


def insert_many(objs: Sequence[Model], varying: Sequence[str]) -> None:
    """INSERT ``objs`` (all of one model, none saved yet; their primary keys are not read
    back). Columns not named in ``varying`` take the first object's values for every row.

    One statement in the log of queries, whatever the number of rows.
    """
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    query = InsertQuery(model)
    query.insert_values(fields, objs[:1])
    [(statement, first)] = query.get_compiler(connection=connection).as_sql()
    changing = [(i, f) for i, f in enumerate(fields) if f.attname in set(varying)]
    if len(changing) != len(set(varying)):
        raise ValueError(f"not columns of {model.__name__}: {varying}")
    rows = [list(first)]
    for obj in objs[1:]:
        row = list(first)
        for i, field in changing:
            row[i] = field.get_db_prep_save(field.pre_save(obj, True), connection)
        rows.append(row)
    with connection.cursor() as cursor:
        cursor.executemany(statement, rows)


def update_many(objs: Sequence[Model], fields: Sequence[str]) -> None:
    """UPDATE ``fields`` of ``objs`` (saved objects of one model) to their current values.

    What ``QuerySet.bulk_update`` does, as one statement in the log of queries.
    """
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    pk = model._meta.pk
    statement = (
        f"UPDATE {quote(model._meta.db_table)} SET "
        + ", ".join(f"{quote(f.column)} = %s" for f in columns)
        + f" WHERE {quote(pk.column)} = %s"
    )
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(statement, rows)
