"""Exports of an agency's decision records for a period (for an auditor or the ICO): JSON, CSV
or a printable HTML table, never personal data, with a manifest signed by the agency's key.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from infoshare.crypto import sha256_hex
from infoshare.db.tables import DecisionChainRow, DecisionRecordRow
from infoshare.keys import key_id, raw_public
from infoshare.records.canonical import canonical_json, timestamp
from infoshare.records.chain import check_agency
from infoshare.reports import render_page
from infoshare.store import Store
from infoshare.worktime import now_utc

EXPORT_FORMAT = "infoshare-records-export/1"
CSV_COLUMNS = [
    "reference", "chain_seq", "record_sha256", "received_at", "decided_at", "due_at", "on_time",
    "requesting_agency", "disclosing_agency", "urgency", "decision", "purpose", "regime",
    "lawful_basis", "sensitive_condition", "gateway", "isa_reference", "consent",
    "override_grounds", "items_requested", "items_shared", "approvers", "envelope_id",
    "envelope_sha256", "reasons",
]  # fmt: skip


def export_rows(
    store: Store, agency: str, since: datetime, until: datetime
) -> list[dict[str, Any]]:
    """The agency's decision records decided in [since, until): the non-personal record with
    its place in the chain. Never personal data."""
    with store.session() as s:
        check_agency(s, agency)
        rows = s.scalars(
            select(DecisionRecordRow)
            .where(
                DecisionRecordRow.disclosing_agency == agency,
                DecisionRecordRow.decided_at >= since,
                DecisionRecordRow.decided_at < until,
            )
            .order_by(DecisionRecordRow.chain_seq)
        )
        return [
            {**r.public, "chain_seq": r.chain_seq, "record_sha256": r.record_sha256} for r in rows
        ]


def _flat(r: dict[str, Any]) -> dict[str, Any]:
    """One export row as the CSV and HTML tables show it."""
    o = r.get("override") or {}
    items = r.get("items", [])
    return {
        **{k: r.get(k) for k in CSV_COLUMNS if k in r},
        "override_grounds": " ".join(o.get("grounds") or []),
        "items_requested": "; ".join(f"{i['id']}: {i['description']}" for i in items),
        "items_shared": " ".join(i["id"] for i in items if i.get("shared")),
        "approvers": " ".join(str(a.get("id")) for a in r.get("approvers", [])),
        "envelope_id": (r.get("shared") or {}).get("envelope_id"),
        "envelope_sha256": (r.get("shared") or {}).get("envelope_sha256"),
        "reasons": " | ".join(r.get("reasons", [])),
    }


def export_bytes(
    records: list[dict[str, Any]], fmt: str, agency: str, since: datetime, until: datetime
) -> bytes:
    """The export file: ``json`` (the records as kept), ``csv`` or ``html`` (a printable table)."""
    if fmt == "json":
        return (json.dumps(records, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    rows = [_flat(r) for r in records]
    if fmt == "html":
        last_day = (until - timedelta(days=1)).date()
        page = render_page(
            "records_export.html.j2", agency=agency, since=since.date(), until=last_day,
            columns=CSV_COLUMNS, records=rows,
        )  # fmt: skip
        return page.encode()
    buf = io.StringIO()
    w = csv.DictWriter(buf, CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode()


def export_manifest(
    store: Store,
    agency: str,
    since: datetime,
    until: datetime,
    fmt: str,
    records: list[dict[str, Any]],
    data: bytes,
    data_name: str,
    exported_by: str,
) -> dict[str, Any]:
    """What the export contains, signed with the agency's Ed25519 key."""
    with store.session() as s:
        head = s.get(DecisionChainRow, agency)
    key = store.keys.signing_key(agency)
    pub = raw_public(key.public_key())
    manifest = {
        "format": EXPORT_FORMAT,
        "agency": agency,
        "since": timestamp(since),
        "until": timestamp(until),
        "file": data_name,
        "file_format": fmt,
        "file_sha256": sha256_hex(data),
        "file_bytes": len(data),
        "records": [
            {
                "reference": r["reference"],
                "seq": r["chain_seq"],
                "record_sha256": r["record_sha256"],
            }
            for r in records
        ],  # fmt: skip
        "chain_head": {"seq": head.seq, "sha256": head.head_sha256} if head else None,
        "exported_at": timestamp(now_utc()),
        "exported_by": exported_by,
        "key_id": key_id(pub),
    }
    return {
        "manifest": manifest,
        "signature": base64.b64encode(key.sign(canonical_json(manifest))).decode(),
        "public_key": base64.b64encode(pub).decode(),
    }


def log_export(
    store: Store,
    person_id: str,
    agency: str,
    since: str,
    until: str,
    fmt: str,
    count: int,
    why: str,
) -> None:
    """An export is logged: who, why, what (never its content)."""
    store.audit.write(None, None, person_id, "records exported",
                      f"{why} ({count} records of {agency}, {since} to {until}, {fmt})")  # fmt: skip


def check_export(signed: Any, data: bytes) -> list[str]:
    """Problems with an export against its signed manifest (empty when it validates)."""
    try:
        manifest = signed["manifest"]
        pub = base64.b64decode(signed["public_key"], validate=True)
        sig = base64.b64decode(signed["signature"], validate=True)
        if manifest["format"] != EXPORT_FORMAT:
            return [f"not a {EXPORT_FORMAT} manifest"]
    except (KeyError, TypeError, ValueError):
        return ["malformed manifest"]
    problems = []
    try:
        if key_id(pub) != manifest.get("key_id"):
            raise InvalidSignature
        Ed25519PublicKey.from_public_bytes(pub).verify(sig, canonical_json(manifest))
    except (InvalidSignature, ValueError):
        problems.append("the manifest's signature does not verify")
    if sha256_hex(data) != manifest.get("file_sha256"):
        problems.append("the file's SHA-256 differs from the manifest: it was changed")
    return problems
