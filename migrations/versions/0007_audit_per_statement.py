"""Audit per statement: one INSERT into audit_events per audited write, not per row

Revision ID: 0007
Revises: 0006

Until now `atrium_audit` ran once for every row written (a FOR EACH ROW trigger), so
an order of 200 lines ran it, and an INSERT into audit_events, 200 times. It now runs
once per statement, AFTER it, reading the statement's rows from its transition tables
(`old_rows`, `new_rows`) and writing all their events with one `INSERT … SELECT`.
PostgreSQL allows transition tables only on a trigger of one event, so each audited
table gets up to three triggers (`audit_insert`, `audit_update`, `audit_delete`) for
the events its row trigger had, with the same arguments (the entity name, then the
columns whose values are redacted) and the same WHEN condition. What is recorded is
unchanged: one event per row, the changed columns' old and new values, secrets as
"[redacted]", and no event for an UPDATE that changed nothing.
"""

from __future__ import annotations

import re
from importlib import import_module

import sqlalchemy as sa
from alembic import op

from migrations.rls import statement_audit_triggers

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# the changes of one row, as 0005's atrium_audit computed them
AUDIT_DIFF = """
CREATE FUNCTION atrium_audit_diff(old_row jsonb, new_row jsonb, secrets text[])
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_object_agg(key, CASE
               WHEN key = ANY (secrets) THEN jsonb_build_object(
                   'old', CASE WHEN old_row ? key THEN to_jsonb('[redacted]'::text) END,
                   'new', CASE WHEN new_row ? key THEN to_jsonb('[redacted]'::text) END)
               ELSE jsonb_build_object('old', old_row -> key, 'new', new_row -> key)
           END), '{}')
      FROM jsonb_object_keys(old_row || new_row) AS key
     WHERE key NOT IN ('tenant_id', 'id', 'created_at', 'updated_at', 'version')
       AND (old_row -> key) IS DISTINCT FROM (new_row -> key)
$$;
"""

# Transition tables are named only in the branch of their event: PL/pgSQL plans a
# statement when it first runs, so a branch never taken never looks for them.
AUDIT_PER_STATEMENT = """
CREATE OR REPLACE FUNCTION atrium_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entity text := TG_ARGV[0];
    secrets text[] := TG_ARGV[1:TG_NARGS - 1];
    actor uuid := NULLIF(current_setting('app.user_id', true), '')::uuid;
    request text := NULLIF(current_setting('app.request_id', true), '');
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit_events (tenant_id, actor_id, request_id, entity, entity_id, action, changes)
        SELECT n.tenant_id, actor, request, entity, n.id, 'insert',
               atrium_audit_diff('{}', to_jsonb(n), secrets)
          FROM new_rows AS n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO audit_events (tenant_id, actor_id, request_id, entity, entity_id, action, changes)
        SELECT o.tenant_id, actor, request, entity, o.id, 'delete',
               atrium_audit_diff(to_jsonb(o), '{}', secrets)
          FROM old_rows AS o;
    ELSE
        INSERT INTO audit_events (tenant_id, actor_id, request_id, entity, entity_id, action, changes)
        SELECT changed.tenant_id, actor, request, entity, changed.id, 'update', changed.diff
          FROM (SELECT n.tenant_id, n.id, atrium_audit_diff(to_jsonb(o), to_jsonb(n), secrets) AS diff
                  FROM old_rows AS o
                  JOIN new_rows AS n ON n.tenant_id = o.tenant_id AND n.id = o.id) AS changed
         WHERE changed.diff <> '{}';
    END IF;
    RETURN NULL;
END
$$;
"""


def _per_row_function() -> str:
    """0005's atrium_audit (a row trigger's), for the way down."""
    return str(import_module("migrations.versions.0005_api_clients").AUDIT_WITH_SECRETS)


# pg_get_triggerdef of an audit trigger, e.g. "CREATE TRIGGER audit AFTER INSERT OR
# DELETE OR UPDATE ON public.customers FOR EACH ROW EXECUTE FUNCTION atrium_audit('Customer')"
TRIGGER_DEF = re.compile(
    r"^CREATE TRIGGER (?P<name>\w+) AFTER (?P<events>[A-Z ]+?) ON (?P<table>\S+) "
    r"(?:REFERENCING .*? )?FOR EACH (?P<level>ROW|STATEMENT) "
    r"(?:WHEN \((?P<when>.*)\) )?EXECUTE FUNCTION atrium_audit\((?P<args>.*)\)$"
)


def _audit_triggers() -> list[tuple[str, str, re.Match[str]]]:
    """(table, trigger name, parsed definition) of every trigger calling atrium_audit."""
    rows = op.get_bind().execute(
        sa.text(
            "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t"
            " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid"
            " WHERE p.proname = 'atrium_audit' AND NOT t.tgisinternal ORDER BY 1, 2"
        )
    )
    out = []
    for table, name, definition in rows:
        parsed = TRIGGER_DEF.match(definition)
        assert parsed is not None, f"unexpected audit trigger: {definition}"
        out.append((table, name, parsed))
    return out


def upgrade() -> None:
    op.execute(AUDIT_DIFF)
    for table, name, parsed in _audit_triggers():
        events = [e.strip().lower() for e in parsed["events"].split(" OR ")]
        op.execute(f"DROP TRIGGER {name} ON {table}")
        for statement in statement_audit_triggers(
            table, events, parsed["args"], when=parsed["when"]
        ):
            op.execute(statement)
    op.execute(AUDIT_PER_STATEMENT)


def downgrade() -> None:
    by_table: dict[str, list[tuple[str, re.Match[str]]]] = {}
    for table, name, parsed in _audit_triggers():
        by_table.setdefault(table, []).append((name, parsed))
    op.execute(_per_row_function())
    for table, triggers in by_table.items():
        events = " OR ".join(parsed["events"] for _, parsed in triggers)
        when = triggers[0][1]["when"]
        for name, _ in triggers:
            op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute(
            f"CREATE TRIGGER audit AFTER {events} ON {table} FOR EACH ROW"
            + (f" WHEN ({when})" if when else "")
            + f" EXECUTE FUNCTION atrium_audit({triggers[0][1]['args']})"
        )
    op.execute("DROP FUNCTION atrium_audit_diff(jsonb, jsonb, text[])")
