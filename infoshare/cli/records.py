"""Decision records: ``records show`` and ``records list``."""

from __future__ import annotations

from typing import Any

import click

from infoshare.cli.common import (
    check_viewer,
    emit,
    fail,
    json_option,
    main,
    open_store,
    ref_for,
)

# --- records -----------------------------------------------------------------------------------


@main.group()
def records() -> None:
    """Decision records (append-only)."""


@records.command("show")
@click.argument("target")
@click.option(
    "--personal", is_flag=True, help="Include subjects and free text (needs --as, --why)."
)
@click.option("--as", "person", help="Your person id (with --personal).")
@click.option("--why", default="", help="Why you need the personal data (logged).")
@json_option
def records_show(target: str, personal: bool, person: str | None, why: str, as_json: bool) -> None:
    """The decision record of a request (reference or flow run id)."""
    store = open_store()
    ref = ref_for(target, store)
    found = store.record(ref)
    if found is None:
        fail(f"{ref} has no decision record yet (status {store.meta(ref).status})", 1)
    assert found is not None
    row, sealed = found
    data: dict[str, Any] = {**row.public, "record_sha256": row.record_sha256}
    if personal:
        if not person:
            fail("--personal needs --as PERSON and --why REASON", 2)
        assert person is not None
        check_viewer(store, ref, person, why)
        data["personal"] = sealed
    if as_json:
        emit(True, data, "")
        return
    click.echo(_record_text(data))


def _record_text(d: dict[str, Any]) -> str:
    lines = [
        f"Decision record {d['reference']}: {d['decision']}",
        f"  {d['requesting_agency']} asked {d['disclosing_agency']} ({d['urgency']}), "
        f"received {d['received_at']}, due {d['due_at']}, decided {d['decided_at']}"
        f"{'' if d['on_time'] else ' (LATE)'}",
        f"  purpose {d['purpose']}, regime {d['regime']}, basis {d['lawful_basis']}, "
        f"gateway {d['gateway']}, ISA {d['isa_reference']}, consent {d['consent']}",
        "  reasons:",
        *[f"    - {r}" for r in d["reasons"]],
        "  items:",
        *[
            f"    {i['id']}: {i['description']} -> {'SHARED' if i['shared'] else 'not shared'}"
            for i in d["items"]
        ],
    ]
    if d.get("override"):
        o = d["override"]
        lines.append(f"  override: {', '.join(o['grounds'])} by {o['justified_by']['id']}")
    for a in d.get("approvers", []):
        lines.append(f"  signed off by {a.get('name')} ({a.get('role')}) at {a.get('at')}")
    if d.get("shared"):
        s = d["shared"]
        lines.append(
            f"  shared with {s['with']} at {s['at']} via {s['method']}: envelope "
            f"{s['envelope_id']} sha256 {s['envelope_sha256']}"
        )
    if "personal" in d:
        p = d["personal"]
        names = ", ".join(s["name"] for s in p.get("subjects", []))
        lines.append(f"  subjects: {names or '(none named)'}")
        if p.get("signoff", {}).get("reasons"):
            lines.append(f"  approver's reasons: {p['signoff']['reasons']}")
    lines.append(f"  record sha256 {d['record_sha256']}")
    return "\n".join(lines)


@records.command("list")
@click.option("--limit", default=50, show_default=True)
@json_option
def records_list(limit: int, as_json: bool) -> None:
    """Recent decision records (no personal data)."""
    from sqlalchemy import select

    from infoshare.db import DecisionRecordRow

    store = open_store()
    with store.session() as s:
        rows = list(
            s.scalars(select(DecisionRecordRow).order_by(DecisionRecordRow.id.desc()).limit(limit))
        )
        data = [
            {"reference": r.ref, "decision": r.decision, "tier": r.urgency,
             "from": r.requesting_agency, "to": r.disclosing_agency, "decided_at": r.decided_at,
             "on_time": r.public.get("on_time")}
            for r in rows
        ]  # fmt: skip
    text = "\n".join(
        f"{d['reference']}  {d['decision']:<13} {d['tier']:<9} {d['from']} -> {d['to']}  "
        f"{d['decided_at']:%Y-%m-%d %H:%M}{'' if d['on_time'] else '  LATE'}"
        for d in data
    )
    emit(as_json, data, text or "no decision records yet")
