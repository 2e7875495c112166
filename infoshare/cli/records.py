"""Decision records: ``records show``, ``list``, ``checkpoint`` and ``verify``."""

from __future__ import annotations

import json
import os
from pathlib import Path
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
from infoshare.worktime import uk_minute

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
    """The decision record of a request (reference or flow run id).

    With --personal, an administrator's tool on the infoshare machine: --as is a claim nobody
    checks here. People read the outcome and its reasons in the workspace, signed in."""
    store = open_store()
    ref = ref_for(target, store)
    found = store.chain.record(ref)
    if found is None:
        fail(f"{ref} has no decision record yet (status {store.requests.meta(ref).status})", 1)
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
        f"received {uk_minute(d['received_at'])}, due {uk_minute(d['due_at'])}, decided "
        f"{uk_minute(d['decided_at'])}{'' if d['on_time'] else ' (LATE)'}",
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
        what = "confirmed on call" if a.get("step") == "emergency" else "signed off"
        lines.append(f"  {what} by {a.get('name')} ({a.get('role')}) at {uk_minute(a.get('at'))}, "
                     f"proven by {a.get('proof', 'code')}")  # fmt: skip
    if d.get("shared"):
        s = d["shared"]
        lines.append(
            f"  shared with {s['with']} at {uk_minute(s['at'])} via {s['method']}: envelope "
            f"{s['envelope_id']} sha256 {s['envelope_sha256']}"
        )
    if "personal" in d:
        lines += _personal_text(d["personal"], d.get("override"))
    lines.append(f"  record sha256 {d['record_sha256']}")
    return "\n".join(lines)


def _people(people: list[dict[str, Any]]) -> str:
    return "; ".join(
        ", ".join(
            str(v) for v in (p.get("name"), p.get("date_of_birth"), p.get("relationship")) if v
        )  # fmt: skip
        for p in people
    )


def _personal_text(p: dict[str, Any], override: dict[str, Any] | None) -> list[str]:
    """Everything the record keeps sealed, as the record has it: the people, the request's
    free text, and what each person who answered wrote (reasons, redactions, proportionality,
    whether the subject was told and why not)."""
    shown = lambda v: v if v not in (None, "") else "-"  # noqa: E731
    lines = [
        "  personal data (sealed in the record; this view is logged):",
        f"    subjects: {_people(p.get('subjects', [])) or '(none named)'}",
        f"    third parties: {_people(p.get('third_parties', [])) or '-'}",
        "    offence or risk: "
        + (
            "not named: naming it would prejudice the case"
            if p.get("naming_offence_would_prejudice") and not p.get("offence_or_risk")
            else shown(p.get("offence_or_risk"))
        ),
        *[f"    necessity of {item}: {shown(why)}" for item, why in p.get("necessity", {}).items()],
        f"    if not shared: {shown(p.get('consequence_if_not_shared'))}",
        f"    consent reason: {shown(p.get('consent_reason'))}",
    ]
    if "override" in p:
        o = p["override"]
        told = (override or {}).get("subject_informed")
        lines += [
            f"    override proportionality: {shown(o.get('proportionality'))}",
            "    subject informed: "
            + ("yes" if told else f"no; why not: {shown(o.get('not_informed_reason'))}"),
        ]
    if "emergency" in p:
        lines.append(f"    on-call reasons: {shown(p['emergency'].get('reasons'))}")
    if "signoff" in p:
        answers = [p["signoff"]]
        if p["signoff"].get("second_approval"):
            answers.append(p["signoff"]["second_approval"])
        for n, a in enumerate(answers, start=1):
            who = f"approver {n}" if len(answers) > 1 else "approver"
            lines += [
                f"    {who}'s reasons: {shown(a.get('reasons'))}",
                f"    {who}'s redactions and why: {shown(a.get('redactions'))}",
                f"    {who}'s DPO advice: {shown(a.get('dpo_advice'))}",
            ]
    return lines


@records.command("list")
@click.option("--limit", default=50, show_default=True)
@json_option
def records_list(limit: int, as_json: bool) -> None:
    """Recent decision records (no personal data)."""
    from sqlalchemy import select

    from infoshare.db.tables import DecisionRecordRow

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
        f"{uk_minute(d['decided_at'])}{'' if d['on_time'] else '  LATE'}"
        for d in data
    )
    emit(as_json, data, text or "no decision records yet")


# --- tamper evidence -------------------------------------------------------------------------------


@records.command("checkpoint")
@click.option("--agency", required=True, help="The disclosing agency whose chain to sign.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the signed checkpoint to FILE (to keep elsewhere, e.g. with the DPO).",
)
@json_option
def records_checkpoint(agency: str, out: Path | None, as_json: bool) -> None:
    """Sign the agency's chain head with its Ed25519 key (after checking the new records)."""
    from infoshare.keys import KeyNotFound
    from infoshare.records.chain import ChainError, UnknownAgency
    from infoshare.records.checkpoints import checkpoint

    store = open_store()
    try:
        cp = checkpoint(store, agency)
    except UnknownAgency as exc:
        fail(str(exc), 2)
        raise
    except (ChainError, KeyNotFound) as exc:
        fail(str(exc))
        raise
    data = cp.to_file()
    if out is not None:
        tmp = out.with_name(f".{out.name}.tmp")
        try:
            tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
            os.replace(tmp, out)
        except OSError as exc:
            fail(f"cannot write {out}: {exc.strerror or exc}", 2)
    emit(
        as_json,
        {**data, "file": str(out) if out else None},
        f"{agency}: chain head #{cp.seq} {cp.head} signed {cp.signed_at:%Y-%m-%d %H:%M:%S} UTC "
        f"with key {cp.key_id}" + (f"; written to {out}" if out else ""),
    )


@records.command("verify")
@click.option("--agency", help="Only this disclosing agency's chain (default: every chain).")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A checkpoint file kept elsewhere: the chain must still contain what it signed.",
)
@json_option
def records_verify(agency: str | None, checkpoint_file: Path | None, as_json: bool) -> None:
    """Check every link, hash and signed checkpoint of the decision-record chains.

    Exit 0 when everything verifies, 1 naming the first broken record otherwise."""
    from infoshare.records.canonical import Checkpoint, CheckpointError
    from infoshare.records.chain import ChainError, verify

    store = open_store()
    cp = None
    if checkpoint_file is not None:
        try:
            cp = Checkpoint.from_file(json.loads(checkpoint_file.read_text(encoding="utf-8")))
        except OSError as exc:
            fail(f"cannot read {checkpoint_file}: {exc.strerror or exc}", 2)
        except (ValueError, CheckpointError) as exc:
            fail(f"{checkpoint_file} is not a checkpoint file: {exc}", 2)
    try:
        reports = verify(store, agency, cp)
    except ChainError as exc:
        fail(str(exc), 2)
        raise
    lines = []
    for r in reports:
        checked = f"{r.checkpoints} signed checkpoint(s)"
        if r.external_checkpoints:
            checked += f" and {r.external_checkpoints} from {checkpoint_file}"
        if r.floor_seq:
            checked += f", the signed floor at #{r.floor_seq} (records before deleted)"
        if r.problem is None:
            lines.append(
                f"{r.agency}: OK, {r.records} record(s), head #{r.head_seq} {r.head_sha256}, "
                f"{checked} verified"
            )
        else:
            lines.append(f"{r.agency}: BROKEN: {r.problem.message}")
        lines += [f"  note: {n}" for n in r.notes]
    emit(
        as_json,
        {"ok": all(r.ok for r in reports), "chains": [r.as_dict() for r in reports]},
        "\n".join(lines) or "no decision records to verify",
    )
    broken = [r for r in reports if not r.ok]
    if broken:
        first = broken[0]
        assert first.problem is not None
        fail(f"decision records of {first.agency} do not verify: {first.problem.message}")
