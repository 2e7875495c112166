"""Decision records: ``records show``, ``list``, ``checkpoint`` and ``verify``."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, time, timedelta
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
    """The decision record of a request (reference or flow run id)."""
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


# --- subject access ------------------------------------------------------------------------------


@records.command("search")
@click.option("--subject-name", required=True, help="The person's full name (case ignored).")
@click.option("--dob", help="Their date of birth, YYYY-MM-DD, to narrow the search.")
@click.option("--as", "person", required=True, help="Your person id (the search is logged).")
@click.option("--why", required=True, help="Why you are searching, e.g. a SAR reference.")
@click.option(
    "--html",
    "html_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the results as a page to print (no names or dates of birth in it).",
)
@json_option
def records_search(
    subject_name: str,
    dob: str | None,
    person: str,
    why: str,
    html_file: Path | None,
    as_json: bool,
) -> None:
    """Subject access: every decision record about a person that your agency is party to."""
    from infoshare.records.search import subject_search

    if dob is not None:
        try:
            date.fromisoformat(dob)
            if len(dob) != 10:
                raise ValueError
        except ValueError:
            fail(f"--dob must be a date as YYYY-MM-DD, got {dob!r}", 2)
    if not subject_name.strip():
        fail("--subject-name must not be empty", 2)
    store = open_store()
    member = store.partnership().member(person)
    if member is None:
        fail(f"{person!r} is not a registered person of any agency", 2)
    assert member is not None
    if len(why.strip()) < 5:
        fail("say why you are searching (--why), e.g. the subject access request reference", 2)
    found = subject_search(store, subject_name, dob, member.agency_id)
    # DPA 2018 s.62: consultation is logged too. Who, why and what was found; never the name.
    store.audit.write(
        None, None, person, "subject search",
        f"{why.strip()} ({len(found.matches)} found in {member.agency_id}'s records)",
    )  # fmt: skip
    for m in found.matches:
        store.audit.write(m["reference"], None, person, "found by subject search", why.strip())
    data = {
        "agency": member.agency_id,
        "matches": found.matches,
        "records_searched": found.searched,
        "records_with_personal_data_disposed": found.disposed,
    }
    lines = [
        f"{len(found.matches)} decision record(s) of {member.agency_id} name this person "
        f"({found.searched} searched, {found.disposed} with personal data already disposed of)"
    ]
    for m in found.matches:
        lines.append(
            f"{m['reference']} ({', '.join(m['named_as'])}): {m['requesting_agency']} asked "
            f"{m['disclosing_agency']} on {m['received_at']} for {m['purpose']}; "
            f"{m['decision']} at {m['decided_at']}"
        )
        lines += [f"    reason: {r}" for r in m["reasons"]]
        for i in m["items"]:
            lines.append(
                f"    {i['id']}: {i['description']} -> {'SHARED' if i['shared'] else 'not shared'}"
            )
        if m["shared"]:
            s = m["shared"]
            lines.append(
                f"    shared with {s['with']} at {s['at']} via {s['method']}: envelope "
                f"{s['envelope_id']} sha256 {s['envelope_sha256']}"
            )
        lines.append(f"    record sha256 {m['record_sha256']}")
    if html_file is not None:
        from infoshare.reports import render_page
        from infoshare.worktime import LONDON, now_utc

        page = render_page(
            "records_search.html.j2", **data, why=why.strip(), searched_by=person,
            searched=found.searched, disposed=found.disposed, generated=now_utc().astimezone(LONDON),
        )  # fmt: skip
        try:
            _write_atomic(html_file, page.encode())
        except OSError as exc:
            fail(f"cannot write {html_file}: {exc.strerror or exc}", 2)
        lines.append(f"written to {html_file}")
    emit(as_json, data, "\n".join(lines))


# --- period export -------------------------------------------------------------------------------


def _day(value: str, option: str) -> datetime:
    try:
        if len(value) != 10:
            raise ValueError
        return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
    except ValueError:
        fail(f"{option} must be a date as YYYY-MM-DD, got {value!r}", 2)
        raise


@records.command("export")
@click.option("--agency", required=True, help="The disclosing agency whose records to export.")
@click.option("--since", required=True, help="First day (YYYY-MM-DD, UTC), inclusive.")
@click.option("--until", required=True, help="Last day (YYYY-MM-DD, UTC), inclusive.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "html"]),
    default="csv",
    help="csv (default), json, or html: a page to print.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The export file; its signed manifest goes next to it as FILE.manifest.json.",
)
@click.option("--as", "person", required=True, help="Your person id (the export is logged).")
@click.option("--why", required=True, help="Why, e.g. the ICO's or the auditor's reference.")
@json_option
def records_export(
    agency: str,
    since: str,
    until: str,
    fmt: str,
    out: Path,
    person: str,
    why: str,
    as_json: bool,
) -> None:
    """Decision records of a period (no personal data) with a manifest signed by the agency."""
    from infoshare.keys import KeyNotFound
    from infoshare.records.chain import UnknownAgency
    from infoshare.records.export import export_bytes, export_manifest, export_rows

    start, end = _day(since, "--since"), _day(until, "--until") + timedelta(days=1)
    if end <= start:
        fail(f"--until {until} is before --since {since}", 2)
    store = open_store()
    member = store.partnership().member(person)
    if member is None or member.agency_id != agency:
        fail(f"{person!r} is not a registered person of {agency}", 2)
    if len(why.strip()) < 5:
        fail("say why you are exporting (--why), e.g. the auditor's reference", 2)
    try:
        rows = export_rows(store, agency, start, end)
        data = export_bytes(rows, fmt, agency, start, end)
        signed = export_manifest(store, agency, start, end, fmt, rows, data, out.name, person)
    except UnknownAgency as exc:
        fail(str(exc), 2)
        raise
    except KeyNotFound as exc:
        fail(f"cannot sign the manifest: {exc}")
        raise
    manifest_path = out.with_name(out.name + ".manifest.json")
    try:
        _write_atomic(out, data)
        _write_atomic(manifest_path, (json.dumps(signed, indent=2) + "\n").encode())
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}", 2)
    store.audit.write(
        None, None, person, "records exported",
        f"{why.strip()} ({len(rows)} records of {agency}, {since} to {until}, {fmt})",
    )  # fmt: skip
    emit(
        as_json,
        {"file": str(out), "manifest": str(manifest_path), "records": len(rows)},
        f"{len(rows)} decision record(s) of {agency} from {since} to {until} written to {out}; "
        f"signed manifest {manifest_path}",
    )


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


@records.command("check-export")
@click.argument("manifest", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--data", type=click.Path(path_type=Path, dir_okay=False), help="The export file.")
@json_option
def records_check_export(manifest: Path, data: Path | None, as_json: bool) -> None:
    """Check an export file against its signed manifest (exit 1 if it does not match)."""
    from infoshare.records.export import check_export

    try:
        signed = json.loads(manifest.read_text(encoding="utf-8"))
        name = data or manifest.with_name(str(signed["manifest"]["file"]))
        content = name.read_bytes()
    except OSError as exc:
        fail(f"cannot read {exc.filename}: {exc.strerror or exc}", 2)
        raise
    except (ValueError, KeyError, TypeError):
        fail(f"{manifest} is not an export manifest", 2)
        raise
    problems = check_export(signed, content)
    m = signed.get("manifest", {})
    emit(
        as_json,
        {"ok": not problems, "problems": problems, "records": len(m.get("records", []))},
        "\n".join(problems)
        or f"{name}: matches its manifest ({len(m.get('records', []))} records of "
        f"{m.get('agency')}, signed by key {m.get('key_id')})",
    )
    if problems:
        fail(f"{name} does not match {manifest}: {problems[0]}")
