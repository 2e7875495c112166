"""The ``infoshare`` command: set-up, submitting and answering requests, records.

Every command takes ``--json`` for scripts. Errors are one clear line on stderr and exit code 2
(bad input) or 1 (the operation failed); never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from infoshare import prefect_api, registry
from infoshare.config import ConfigError
from infoshare.envelope import EnvelopeError, open_envelope
from infoshare.models import OverrideGround, ShareRequest
from infoshare.policy import SignOffChoice
from infoshare.store import Store, UnknownRequest, default_store

json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def _emit(as_json: bool, data: Any, text: str) -> None:
    click.echo(json.dumps(data, indent=2, default=str) if as_json else text)


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"infoshare: {message}", err=True)
    sys.exit(code)


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        parts.append(f"{where}: {err['msg']}")
    more = f" (and {exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
    return "; ".join(parts) + more


def _store() -> Store:
    try:
        return default_store()
    except ConfigError as exc:
        _fail(str(exc), 2)
        raise  # unreachable


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except prefect_api.PrefectApiError as exc:
            _fail(str(exc))
        except UnknownRequest as exc:
            _fail(str(exc), 2)
        except registry.RegistryError as exc:
            _fail(str(exc), 2)
        except ConfigError as exc:
            _fail(str(exc), 2)


@click.group(cls=_Group)
@click.version_option(package_name="infoshare")
def main() -> None:
    """infoshare: lawful, recorded, secure information sharing between partners."""


# --- set-up ------------------------------------------------------------------------------------


registry_option = click.option(
    "--registry",
    "registry_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=registry.DEMO_REGISTRY,
    show_default="the demo partnership",
    help="Partnership registry (JSON).",
)


@main.command()
@registry_option
@json_option
def init(registry_file: Path, as_json: bool) -> None:
    """Create the store, load the registry and create agency keys (safe to repeat)."""
    from infoshare.setup import initialise

    store = _store()
    report = initialise(store, registry_file)
    _emit(
        as_json,
        {"home": str(store.settings.home), **report.__dict__},
        f"infoshare home {store.settings.home}: {report.agencies} agencies, {report.people} "
        f"people, {report.isas} ISAs; new keys for: {', '.join(report.keys_created) or 'none'}",
    )


def _wait_http(
    what: str, url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float
) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            _fail(f"{what} exited while starting; its log ends:\n{tail}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    _fail(f"{what} was not ready at {url} within {timeout:.0f}s; see {log}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


@main.command()
@click.option("--port", default=4200, show_default=True, help="Port of the local Prefect server.")
@registry_option
@json_option
def up(port: int, registry_file: Path, as_json: bool) -> None:
    """Start everything on this machine: Prefect server, store, demo registry, deployment."""
    import socket

    from infoshare.setup import initialise

    def _stop_on_signal(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # run the clean-up below for `kill`, a closed terminal, Ctrl-C

    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGHUP, _stop_on_signal)
    store = _store()
    report = initialise(store, registry_file)
    if not as_json:
        click.echo(
            f"store and registry ready in {store.settings.home} ({report.agencies} agencies)"
        )
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            _fail(f"port {port} is already in use; stop what uses it or pass --port", 2)
    prefect_home = store.settings.home / "prefect"
    prefect_home.mkdir(parents=True, exist_ok=True)
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(port),
        "INFOSHARE_HOME": str(store.settings.home),
    }
    server_log = prefect_home / "server.log"
    serve_log = store.settings.home / "serve.log"
    with server_log.open("ab") as slog, serve_log.open("ab") as wlog:
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
             "--port", str(port)],
            env=env, stdout=slog, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            if not as_json:
                click.echo("starting the Prefect server ...")
            _wait_http("the Prefect server", f"{api}/health", server, server_log, 120)
            worker = subprocess.Popen(
                [sys.executable, "-m", "flows.serve"],
                env=env, stdout=wlog, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
            try:
                _wait_http(
                    "the share-request deployment",
                    f"{api}/deployments/name/{prefect_api.DEPLOYMENT}",
                    worker,
                    serve_log,
                    120,
                )
                ui = f"http://127.0.0.1:{port}"
                _emit(
                    as_json,
                    {
                        "ui": ui,
                        "api": api,
                        "home": str(store.settings.home),
                        "logs": [str(server_log), str(serve_log)],
                    },  # fmt: skip
                    f"\ninfoshare is running.\n  Prefect UI:  {ui}\n"
                    f"  Submit a request: {ui}/deployments -> share-request -> Run\n"
                    f"  Logs: {server_log}, {serve_log}\nPress Ctrl-C to stop.\n",
                )
                while server.poll() is None and worker.poll() is None:
                    time.sleep(1)
                _fail("a component stopped unexpectedly; see the logs above")
            except KeyboardInterrupt:
                click.echo("stopping ...")
            finally:
                _stop(worker)
        finally:
            _stop(server)


# --- requests ----------------------------------------------------------------------------------


def _load_request(path: Path) -> ShareRequest:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        _fail(f"no such file: {path}", 2)
    except ValueError as exc:
        _fail(f"{path} is not valid JSON: {exc}", 2)
    try:
        return ShareRequest.model_validate(raw)
    except ValidationError as exc:
        _fail(f"{path} is not a valid request: {_validation_message(exc)}", 2)
        raise  # unreachable


@main.command()
@click.argument("request_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--wait",
    default=60.0,
    show_default=True,
    help="Seconds to wait for the run to take the request in and give its reference (0: don't).",
)
@json_option
def submit(request_file: Path, wait: float, as_json: bool) -> None:
    """Submit a request (JSON, the same fields as the UI form) as a share-request run."""
    req = _load_request(request_file)
    run = prefect_api.submit({"request": req.model_dump(mode="json")})
    ui = prefect_api.api_url().removesuffix("/api")
    store = _store()
    ref = None
    deadline = time.monotonic() + wait
    while ref is None and time.monotonic() < deadline:
        ref = store.ref_for_run(run.id)
        if ref is None:
            time.sleep(0.5)
    link = f"{ui}/runs/flow-run/{run.id}"
    if ref:
        text = f"submitted: {ref}"
    else:
        text = f"submitted as flow run {run.id}; not taken in yet (see `infoshare requests list`)"
    _emit(
        as_json,
        {"reference": ref, "flow_run_id": run.id, "flow_run_name": run.name, "ui": link},
        f"{text}\n  watch it: {link}",
    )


def _ref_for(target: str, store: Store) -> str:
    """Accept a request reference or a flow run id."""
    if target.startswith("ISR-"):
        return target
    ref = store.ref_for_run(target)
    if ref is None:
        _fail(f"no request for flow run {target} (has it started yet?)", 2)
    assert ref is not None
    return ref


@main.group()
def requests() -> None:
    """Requests in progress."""


@requests.command("list")
@click.option("--limit", default=50, show_default=True)
@json_option
def requests_list(limit: int, as_json: bool) -> None:
    """Recent requests (no personal data)."""
    rows = _store().list_requests(limit)
    data = [
        {
            "reference": m.ref,
            "status": m.status,
            "tier": m.urgency,
            "from": m.requesting_agency,
            "to": m.disclosing_agency,
            "received_at": m.received_at,
            "due_at": m.due_at,
            "flow_run_id": m.flow_run_id,
        }
        for m in rows
    ]
    lines = [
        f"{d['reference']}  {d['status']:<16} {d['tier']:<9} {d['from']} -> {d['to']}  due "
        f"{d['due_at'] or '-'}"
        for d in data
    ]
    _emit(as_json, data, "\n".join(lines) or "no requests yet")


def _viewer(store: Store, ref: str, person: str, why: str) -> None:
    """Personal data is shown only to a registered person of one of the two agencies, with a
    reason; the look-up itself is logged (DPA 2018 s.62 logs consultation as well as disclosure).
    """
    meta = store.meta(ref)
    member = store.partnership().member(person)
    if member is None or member.agency_id not in (meta.requesting_agency, meta.disclosing_agency):
        _fail(f"{person!r} is not registered with an agency party to {ref}", 2)
    if len(why.strip()) < 5:
        _fail("say why you need to see the personal data (--why)", 2)
    store.audit(ref, None, person, "personal data viewed", why.strip())


@requests.command("show")
@click.argument("target")
@click.option("--as", "person", required=True, help="Your person id.")
@click.option("--why", required=True, help="Why you need to see it (logged).")
@json_option
def requests_show(target: str, person: str, why: str, as_json: bool) -> None:
    """A request in full, personal data included; who looked and why is logged."""
    store = _store()
    ref = _ref_for(target, store)
    _viewer(store, ref, person, why)
    req = store.request(ref)
    meta = store.meta(ref)
    data = {"reference": ref, "status": meta.status, "due_at": meta.due_at,
            "request": req.model_dump(mode="json")}  # fmt: skip
    _emit(as_json, data, json.dumps(data, indent=2, default=str))


@main.command()
@click.argument("target")
@click.argument("item")
@click.option("--as", "person", required=True, help="Your person id (disclosing agency).")
@click.option("--file", "file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--text", "text", help="The content, if short.")
@json_option
def provide(
    target: str, item: str, person: str, file: Path | None, text: str | None, as_json: bool
) -> None:
    """Prepare the content of one requested ITEM for sign-off (stored encrypted)."""
    store = _store()
    ref = _ref_for(target, store)
    if (file is None) == (text is None):
        _fail("give exactly one of --file or --text", 2)
    member = store.partnership().member(person)
    if member is None or member.agency_id != store.meta(ref).disclosing_agency:
        _fail(f"{person!r} is not registered with the disclosing agency of {ref}", 2)
    content = file.read_bytes() if file else (text or "").encode()
    try:
        store.provide_item(ref, item, content, person)
    except KeyError as exc:
        _fail(str(exc.args[0]), 2)
    _emit(as_json, {"reference": ref, "item": item, "bytes": len(content)},
          f"{ref} {item}: {len(content)} bytes prepared")  # fmt: skip


def _resume(ref: str, store: Store, data: dict[str, Any], as_json: bool) -> None:
    run_id = store.meta(ref).flow_run_id
    if run_id is None:
        _fail(f"{ref} has no flow run", 2)
    assert run_id is not None
    prefect_api.resume(run_id, data)
    _emit(as_json, {"reference": ref, "flow_run_id": run_id, "submitted": True},
          f"{ref}: answer submitted; the run checks it and goes on (or asks again).")  # fmt: skip


@main.command()
@click.argument("target")
@click.option("--as", "person", required=True, help="Your person id.")
@click.option("--decision", type=click.Choice([c.value for c in SignOffChoice]), required=True)
@click.option("--item", "items", multiple=True, help="An approved item id (repeat).")
@click.option("--reasons", required=True, help="Reasons for the decision.")
@click.option("--redactions", default="", help="What is withheld and why.")
@click.option("--dpo-advice", default="", help="The DPO's advice, if sought.")
@json_option
def approve(
    target: str, person: str, decision: str, items: tuple[str, ...], reasons: str,
    redactions: str, dpo_advice: str, as_json: bool,
) -> None:  # fmt: skip
    """Answer the senior sign-off of a waiting request (reference or flow run id)."""
    store = _store()
    ref = _ref_for(target, store)
    data = {"approver_id": person, "decision": decision, "approved_items": list(items),
            "reasons": reasons, "redactions": redactions, "dpo_advice": dpo_advice}  # fmt: skip
    _resume(ref, store, data, as_json)


@main.command()
@click.argument("target")
@click.option("--as", "person", required=True, help="Your person id.")
@click.option(
    "--ground", "grounds", multiple=True, required=True,
    type=click.Choice([g.value for g in OverrideGround]),
)  # fmt: skip
@click.option("--proportionality", required=True, help="Why sharing without consent is justified.")
@click.option("--informed/--not-informed", default=False, help="Has the subject been told?")
@click.option("--not-informed-reason", default="", help="Why the subject has not been told.")
@json_option
def justify(
    target: str, person: str, grounds: tuple[str, ...], proportionality: str, informed: bool,
    not_informed_reason: str, as_json: bool,
) -> None:  # fmt: skip
    """Answer the consent-override justification of a waiting request."""
    store = _store()
    ref = _ref_for(target, store)
    data = {"person_id": person, "grounds": list(grounds), "proportionality": proportionality,
            "subject_informed": informed, "not_informed_reason": not_informed_reason}  # fmt: skip
    _resume(ref, store, data, as_json)


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
    store = _store()
    ref = _ref_for(target, store)
    found = store.record(ref)
    if found is None:
        _fail(f"{ref} has no decision record yet (status {store.meta(ref).status})", 1)
    assert found is not None
    row, sealed = found
    data: dict[str, Any] = {**row.public, "record_sha256": row.record_sha256}
    if personal:
        if not person:
            _fail("--personal needs --as PERSON and --why REASON", 2)
        assert person is not None
        _viewer(store, ref, person, why)
        data["personal"] = sealed
    if as_json:
        _emit(True, data, "")
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

    store = _store()
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
    _emit(as_json, data, text or "no decision records yet")


# --- registry and envelopes --------------------------------------------------------------------


@main.group("registry")
def registry_group() -> None:
    """The partnership registry."""


@registry_group.command("load")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@json_option
def registry_load(file: Path, as_json: bool) -> None:
    """Load or update the registry from FILE (and create keys for new agencies)."""
    init.callback(registry_file=file, as_json=as_json)  # type: ignore[misc]


@registry_group.command("show")
@json_option
def registry_show(as_json: bool) -> None:
    """Agencies, their people and who may sign off."""
    p = _store().partnership()
    data: dict[str, dict[str, Any]] = {
        a.id: {
            "name": a.name,
            "kind": a.kind,
            "approver_roles": list(a.approver_roles),
            "people": [{"id": m.id, "name": m.name, "role": m.role} for m in p.members_of(a.id)],
        }
        for a in p.agencies.values()
    }
    lines = []
    for aid, a in data.items():
        lines.append(
            f"{aid}: {a['name']} ({a['kind']}); sign-off: {', '.join(a['approver_roles'])}"
        )
        lines += [f"    {m['id']:<20} {m['role']}" for m in a["people"]]
    _emit(as_json, data, "\n".join(lines) or "the registry is empty: run `infoshare init`")


@main.command("open")
@click.argument("envelope", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--agency", required=True, help="The recipient agency (its private key is used).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True)
@json_option
def open_cmd(envelope: Path, agency: str, out: Path, as_json: bool) -> None:
    """Verify and decrypt a received envelope into OUT (one file per item)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from sqlalchemy import select

    from infoshare.db import AgencyKeyRow
    from infoshare.envelope import read_header

    store = _store()
    data = envelope.read_bytes()
    try:
        header, *_ = read_header(data)
        with store.session() as s:
            sender_raw = s.scalar(
                select(AgencyKeyRow.public_raw).where(
                    AgencyKeyRow.key_id == header.get("sender_key_id")
                )
            )
        if sender_raw is None:
            _fail("the envelope's sender key is not in the registry", 1)
        assert sender_raw is not None
        opened = open_envelope(
            data,
            recipient=store.keys.decryption_key(agency),
            sender=Ed25519PublicKey.from_public_bytes(sender_raw),
        )
    except EnvelopeError as exc:
        _fail(f"envelope rejected: {exc}", 1)
        raise
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    for item in opened.items:
        (out / f"{item.item_id}.txt").write_bytes(item.content)
    _emit(as_json, {"header": opened.header, "items": [i.item_id for i in opened.items]},
          f"verified and opened {len(opened.items)} item(s) into {out}")  # fmt: skip


if __name__ == "__main__":
    main()
