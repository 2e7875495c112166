"""The baseline schema, frozen: what infoshare's store was when migrations began (stops 8 to 10,
commits 4124e1c to 56a1911), written out so that later changes to ``infoshare.db.tables`` never
change it. Revision 0001 creates it; ``infoshare.db.legacy`` brings stores made before
migrations up to it. Never edit this module: change the schema in a new revision.

The decision-record triggers make ``decision_records``, ``decision_checkpoints`` and
``decision_chain_floors`` append-only, with exactly two sanctioned exceptions:

* the disposal (``infoshare.retention``): one UPDATE of a record not yet disposed of that sets
  ``disposed_at``, leaves ``sealed_personal`` NULL and every other column unchanged;
* the record-retention deletion: DELETE of a record at or below its agency's chain floor.

A new floor must lie beyond the agency's last one, onto a stored checkpoint of the same seq and
head. PostgreSQL also refuses TRUNCATE (row triggers do not fire on it).
"""

from __future__ import annotations

import sqlalchemy as sa

METADATA = sa.MetaData()
TIME = sa.DateTime(timezone=True)  # infoshare.db.tables.UTCDateTime stores this

sa.Table(
    "agencies",
    METADATA,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("approver_roles", sa.JSON, nullable=False),
    sa.Column("dpo_email", sa.String(200)),
    sa.Column("office_hours", sa.JSON, nullable=False),
    sa.Column("deputy", sa.String(64)),
    sa.Column("on_call", sa.JSON),
    sa.Column("signoff_policy", sa.JSON, nullable=False),
)
sa.Table(
    "people",
    METADATA,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("agency_id", sa.String(64), sa.ForeignKey("agencies.id"), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(100), nullable=False),
    sa.Column("email", sa.String(200), nullable=False),
)
sa.Table(
    "isas",
    METADATA,
    sa.Column("reference", sa.String(100), primary_key=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("parties", sa.JSON, nullable=False),
    sa.Column("valid_from", TIME, nullable=False),
    sa.Column("valid_to", TIME, nullable=False),
)
sa.Table(
    "agency_keys",
    METADATA,
    sa.Column("key_id", sa.String(64), primary_key=True),
    sa.Column("agency_id", sa.String(64), sa.ForeignKey("agencies.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("public_raw", sa.LargeBinary, nullable=False),
    sa.Column("not_before", TIME, nullable=False),
    sa.Column("not_after", TIME, nullable=False),
)
requests = sa.Table(
    "requests",
    METADATA,
    sa.Column("ref", sa.String(40), primary_key=True),
    sa.Column("flow_run_id", sa.String(36), unique=True),
    sa.Column("received_at", TIME, nullable=False),
    sa.Column("requesting_agency", sa.String(64), nullable=False, index=True),
    sa.Column("disclosing_agency", sa.String(64), nullable=False, index=True),
    sa.Column("requester_id", sa.String(64), nullable=False),
    sa.Column("urgency", sa.String(16), nullable=False),
    sa.Column("due_at", TIME),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("public", sa.JSON, nullable=False),
    sa.Column("wrapped_key", sa.LargeBinary),
    sa.Column("sealed_request", sa.LargeBinary),
)
sa.Table(
    "request_steps",
    METADATA,
    sa.Column("ref", sa.String(40), sa.ForeignKey("requests.ref"), primary_key=True),
    sa.Column("step", sa.String(32), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("actor_id", sa.String(64)),
    sa.Column("updated_at", TIME, nullable=False),
    sa.Column("public", sa.JSON, nullable=False),
    sa.Column("sealed", sa.LargeBinary),
    sa.Column("opened_at", TIME),
    sa.Column("due_at", TIME),
)
sa.Table(
    "item_contents",
    METADATA,
    sa.Column("ref", sa.String(40), sa.ForeignKey("requests.ref"), primary_key=True),
    sa.Column("item_id", sa.String(16), primary_key=True),
    sa.Column("provided_by", sa.String(64), nullable=False),
    sa.Column("provided_at", TIME, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sealed", sa.LargeBinary, nullable=False),
)
records = sa.Table(
    "decision_records",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(40), sa.ForeignKey("requests.ref"), nullable=False, unique=True),
    sa.Column("recorded_at", TIME, nullable=False),
    sa.Column("decision", sa.String(16), nullable=False, index=True),
    sa.Column("requesting_agency", sa.String(64), nullable=False),
    sa.Column("disclosing_agency", sa.String(64), nullable=False, index=True),
    sa.Column("urgency", sa.String(16), nullable=False),
    sa.Column("due_at", TIME),
    sa.Column("decided_at", TIME, nullable=False),
    sa.Column("envelope_id", sa.String(64)),
    sa.Column("envelope_sha256", sa.String(64)),
    sa.Column("chain_seq", sa.Integer, nullable=False),
    sa.Column("prev_sha256", sa.String(64), nullable=False),
    sa.Column("record_sha256", sa.String(64), nullable=False),
    sa.Column("public", sa.JSON, nullable=False),
    sa.Column("personal_commitments", sa.JSON, nullable=False),
    sa.Column("sealed_personal", sa.LargeBinary),
    sa.Column("disposed_at", TIME),
    sa.UniqueConstraint("disclosing_agency", "chain_seq"),
)
sa.Table(
    "decision_chains",
    METADATA,
    sa.Column("agency", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("head_sha256", sa.String(64), nullable=False),
    sa.Column("updated_at", TIME, nullable=False),
)
sa.Table(
    "decision_checkpoints",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency", sa.String(64), nullable=False, index=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("head_sha256", sa.String(64), nullable=False),
    sa.Column("signed_at", TIME, nullable=False),
    sa.Column("key_id", sa.String(64), nullable=False),
    sa.Column("signature", sa.String(200), nullable=False),
    sa.UniqueConstraint("agency", "seq"),
)
sa.Table(
    "decision_chain_floors",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency", sa.String(64), nullable=False, index=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("head_sha256", sa.String(64), nullable=False),
    sa.Column(
        "checkpoint_id", sa.Integer, sa.ForeignKey("decision_checkpoints.id"), nullable=False
    ),
    sa.Column("at", TIME, nullable=False),
    sa.Column("key_id", sa.String(64), nullable=False),
    sa.Column("signature", sa.String(200), nullable=False),
    sa.UniqueConstraint("agency", "seq"),
)
sa.Table(
    "audit_events",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", TIME, nullable=False),
    sa.Column("ref", sa.String(40), index=True),
    sa.Column("step", sa.String(32)),
    sa.Column("actor_id", sa.String(64)),
    sa.Column("event", sa.String(64), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
)
sa.Table(
    "subject_index",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(40), sa.ForeignKey("requests.ref"), nullable=False, index=True),
    sa.Column("disclosing_agency", sa.String(64), nullable=False),
    sa.Column("requesting_agency", sa.String(64), nullable=False),
    sa.Column("name_tag", sa.String(64), nullable=False, index=True),
    sa.Column("name_dob_tag", sa.String(64), index=True),
)
sa.Table(
    "seen_envelopes",
    METADATA,
    sa.Column("message_id", sa.String(32), primary_key=True),
    sa.Column("sender_key_id", sa.String(64), nullable=False),
    sa.Column("opened_at", TIME, nullable=False),
    sa.Column("expires", TIME, nullable=False, index=True),
)
sa.Table(
    "agency_intakes",
    METADATA,
    sa.Column("agency_id", sa.String(64), sa.ForeignKey("agencies.id"), primary_key=True),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("ca_pem", sa.Text),
)
sa.Table(
    "one_time_codes",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(40), sa.ForeignKey("requests.ref"), nullable=False, index=True),
    sa.Column("step", sa.String(32), nullable=False),
    sa.Column("person_id", sa.String(64), nullable=False),
    sa.Column("flow_run_id", sa.String(36), nullable=False),
    sa.Column("nonce", sa.LargeBinary, nullable=False),
    sa.Column("issued_at", TIME, nullable=False),
    sa.Column("expires_at", TIME, nullable=False),
    sa.Column("used_at", TIME),
)
sa.Table(
    "person_keys",
    METADATA,
    sa.Column("key_id", sa.String(64), primary_key=True),
    sa.Column("person_id", sa.String(64), sa.ForeignKey("people.id"), nullable=False, index=True),
    sa.Column("public_raw", sa.LargeBinary, nullable=False),
    sa.Column("registered_at", TIME, nullable=False),
    sa.Column("retired_at", TIME),
    sa.Column("source", sa.String(16), nullable=False),
)

sa.Index("ix_requests_status_due", requests.c.status, requests.c.due_at)
sa.Index(  # the timeliness figures' scan of a period reads no request row
    "ix_requests_received_covering",
    requests.c.received_at,
    requests.c.ref,
    requests.c.urgency,
    requests.c.disclosing_agency,
    requests.c.due_at,
)
for _column in ("disclosing_agency", "requesting_agency"):  # requests whose data was disposed of
    sa.Index(
        f"ix_requests_disposed_{_column}",
        requests.c[_column],
        sqlite_where=requests.c.wrapped_key.is_(None),
        postgresql_where=requests.c.wrapped_key.is_(None),
    )
sa.Index("ix_records_requesting", records.c.requesting_agency)
sa.Index(  # the timeliness figures' join reads no record row
    "ix_records_ref_outcome", records.c.ref, records.c.decision, records.c.decided_at
)

APPEND_ONLY_TABLES = ("decision_records", "decision_checkpoints", "decision_chain_floors")
REFUSED = "decision records are append-only"
FLOOR_REFUSED = (
    "decision records are append-only: a chain floor only moves forward, onto a stored "
    "checkpoint at its seq"
)
# the highest chain floor of an agency (0: none)
_FLOOR = "COALESCE((SELECT MAX(f.seq) FROM decision_chain_floors f WHERE f.agency = {}), 0)"
_BELOW_FLOOR = "OLD.chain_seq <= " + _FLOOR.format("OLD.disclosing_agency")
_FLOOR_FORWARD = (
    "NEW.seq > " + _FLOOR.format("NEW.agency") + " AND EXISTS (SELECT 1 FROM "  # noqa: S608
    "decision_checkpoints c WHERE c.id = NEW.checkpoint_id AND c.agency = NEW.agency "
    "AND c.seq = NEW.seq AND c.head_sha256 = NEW.head_sha256)"
)
# SQLite: every column but the disposed ones must be unchanged (IS: NULL-safe equality).
_KEPT = [c.name for c in records.columns if c.name not in ("sealed_personal", "disposed_at")]
_DISPOSAL = " AND ".join(
    [
        "OLD.disposed_at IS NULL AND NEW.disposed_at IS NOT NULL AND NEW.sealed_personal IS NULL",
        *(f"NEW.{c} IS OLD.{c}" for c in _KEPT),
    ]
)
_SQLITE_WHEN = {
    ("decision_records", "UPDATE"): f" WHEN NOT ({_DISPOSAL})",
    ("decision_records", "DELETE"): f" WHEN NOT ({_BELOW_FLOOR})",
}
SQLITE_TRIGGERS = {
    **{
        f"{table}_no_{op.lower()}": (
            f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}"
            f"{_SQLITE_WHEN.get((table, op), '')} "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
        )
        for table in APPEND_ONLY_TABLES
        for op in ("UPDATE", "DELETE")
    },
    "decision_chain_floors_forward": (
        "CREATE TRIGGER decision_chain_floors_forward BEFORE INSERT ON decision_chain_floors "
        f"WHEN NOT ({_FLOOR_FORWARD}) BEGIN SELECT RAISE(ABORT, '{FLOOR_REFUSED}'); END"
    ),
}

_DISPOSABLE_JSONB = "'sealed_personal' - 'disposed_at'"
POSTGRES_FUNCTIONS = {
    "infoshare_append_only": (
        "CREATE OR REPLACE FUNCTION infoshare_append_only() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{REFUSED}'; END $$ LANGUAGE plpgsql"
    ),
    "infoshare_records_disposal": (
        "CREATE OR REPLACE FUNCTION infoshare_records_disposal() RETURNS trigger AS $$ BEGIN "
        "IF TG_OP = 'UPDATE' AND OLD.disposed_at IS NULL AND NEW.disposed_at IS NOT NULL "
        "AND NEW.sealed_personal IS NULL "
        f"AND (to_jsonb(NEW) - {_DISPOSABLE_JSONB}) = (to_jsonb(OLD) - {_DISPOSABLE_JSONB}) "
        "THEN RETURN NEW; END IF; "
        f"IF TG_OP = 'DELETE' AND {_BELOW_FLOOR} THEN RETURN OLD; END IF; "
        f"RAISE EXCEPTION '{REFUSED}'; END $$ LANGUAGE plpgsql"
    ),
    "infoshare_floor_forward": (
        "CREATE OR REPLACE FUNCTION infoshare_floor_forward() RETURNS trigger AS $$ BEGIN "
        f"IF {_FLOOR_FORWARD} THEN RETURN NEW; END IF; "
        f"RAISE EXCEPTION '{FLOOR_REFUSED}'; END $$ LANGUAGE plpgsql"
    ),
}
_ROW_GUARD = {"decision_records": "infoshare_records_disposal"}
POSTGRES_TRIGGERS = {
    "decision_chain_floors_forward": (
        "decision_chain_floors",
        "CREATE TRIGGER decision_chain_floors_forward BEFORE INSERT ON decision_chain_floors "
        "FOR EACH ROW EXECUTE FUNCTION infoshare_floor_forward()",
    ),
    **{
        f"{table}_{name}": (table, statement)
        for table in APPEND_ONLY_TABLES
        for name, statement in (
            (
                "append_only",
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {_ROW_GUARD.get(table, 'infoshare_append_only')}()",
            ),
            (
                "no_truncate",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION infoshare_append_only()",
            ),
        )
    },
}


def install_triggers(conn: sa.Connection) -> None:
    """Create the baseline's append-only triggers, replacing any of the same name (stores made
    before migrations have older texts of some of them)."""
    if conn.dialect.name == "sqlite":
        for name, statement in SQLITE_TRIGGERS.items():
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
            conn.exec_driver_sql(statement)
        return
    for statement in POSTGRES_FUNCTIONS.values():
        conn.exec_driver_sql(statement)
    for name, (table, statement) in POSTGRES_TRIGGERS.items():
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        conn.exec_driver_sql(statement)


def drop_triggers(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        return
    for name, (table, _statement) in POSTGRES_TRIGGERS.items():
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for name in POSTGRES_FUNCTIONS:
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}()")
