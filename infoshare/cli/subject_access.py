"""What a data-protection lead runs on the records: ``records search`` (subject access) and
``records export`` / ``records check-export`` (a period's records for an auditor or the ICO,
with a signed manifest). Both need ``--as`` and ``--why`` and are logged."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import click

from infoshare.cli.common import (
    emit,
    fail,
    json_option,
    open_store,
)
from infoshare.cli.records import records


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
    """Subject access: every decision record about a person that your agency is party to.

    An administrator's tool on the infoshare machine: --as is a claim nobody checks here. A
    data-protection lead searches in the workspace (Data protection), signed in."""
    from infoshare.records.search import logged_subject_search

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
    # DPA 2018 s.62: consultation is logged too. Who, why and what was found; never the name.
    found = logged_subject_search(store, subject_name, dob, person, member.agency_id, why.strip())
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
    """Decision records of a period (no personal data) with a manifest signed by the agency.

    An administrator's tool on the infoshare machine: --as is a claim nobody checks here. A
    data-protection lead exports in the workspace (Data protection), signed in."""
    from infoshare.keys import KeyNotFound
    from infoshare.records.chain import UnknownAgency
    from infoshare.records.export import export_bytes, export_manifest, export_rows, log_export

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
    log_export(store, person, agency, since, until, fmt, len(rows), why.strip())
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
