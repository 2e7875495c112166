"""Submitting requests and working on them: ``submit``, ``requests list|show``, ``provide``
(an item's content), ``inbox``, ``unlock``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from infoshare import prefect_api
from infoshare.cli.common import (
    check_viewer,
    emit,
    fail,
    json_option,
    load_model,
    main,
    open_store,
    ref_for,
    report_submitted,
)
from infoshare.cli.proof import code_option, prove
from infoshare.identity import confirmations, eligibility
from infoshare.inbox import waiting_for
from infoshare.models import ShareRequest
from infoshare.worktime import now_utc, uk_minute


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
    req = load_model(request_file, ShareRequest, "a valid request")
    run = prefect_api.submit({"request": req.model_dump(mode="json")})
    report_submitted(run, wait, as_json, see="", listing="infoshare requests list")


@main.group()
def requests() -> None:
    """Requests in progress."""


@requests.command("list")
@click.option("--limit", default=50, show_default=True)
@json_option
def requests_list(limit: int, as_json: bool) -> None:
    """Recent requests (no personal data)."""
    rows = open_store().requests.latest(limit)
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
        f"{uk_minute(d['due_at'])}"
        for d in data
    ]
    emit(as_json, data, "\n".join(lines) or "no requests yet")


@requests.command("show")
@click.argument("target")
@click.option("--as", "person", required=True, help="Your person id.")
@click.option("--why", required=True, help="Why you need to see it (logged).")
@json_option
def requests_show(target: str, person: str, why: str, as_json: bool) -> None:
    """A request in full, personal data included; who looked and why is logged.

    An administrator's tool on the infoshare machine: --as is a claim nobody checks here.
    People see requests in the workspace (`infoshare workspace serve`), signed in."""
    store = open_store()
    ref = ref_for(target, store)
    check_viewer(store, ref, person, why)
    req = store.requests.request(ref)
    meta = store.requests.meta(ref)
    data = {"reference": ref, "status": meta.status, "due_at": meta.due_at,
            "request": req.model_dump(mode="json")}  # fmt: skip
    emit(as_json, data, json.dumps(data, indent=2, default=str))


@main.command()
@click.argument("target")
@click.argument("item")
@click.option("--as", "person", required=True, help="Your person id (disclosing agency).")
@click.option("--file", "file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--text", "text", help="The content, if short.")
@code_option
@json_option
def provide(
    target: str, item: str, person: str, file: Path | None, text: str | None, code: str | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Prepare the content of one requested ITEM for sign-off (stored encrypted). You prove it is
    you with a confirmation code mailed to your registered address."""
    store = open_store()
    ref = ref_for(target, store)
    if (file is None) == (text is None):
        fail("give exactly one of --file or --text", 2)
    member = store.partnership().member(person)
    if member is None or member.agency_id != store.requests.meta(ref).disclosing_agency:
        fail(f"{person!r} is not registered with the disclosing agency of {ref}", 2)
    if item not in store.requests.meta(ref).public.get("item_ids", []):
        fail(f"request {ref} has no item {item!r}", 2)
    content = file.read_bytes() if file else (text or "").encode()
    prove(store, person, confirmations.provide_purpose(ref, item),
          f"preparing the content of {item} of {ref}", code, ref)  # fmt: skip
    try:
        store.requests.provide_item(ref, item, content, person)
    except KeyError as exc:
        fail(str(exc.args[0]), 2)
    emit(as_json, {"reference": ref, "item": item, "bytes": len(content)},
          f"{ref} {item}: {len(content)} bytes prepared")  # fmt: skip


@main.command()
@click.option("--as", "person", required=True, help="Your person id.")
@json_option
def inbox(person: str, as_json: bool) -> None:
    """What waits for you: steps you may answer, soonest deadline first (no personal data)."""
    store = open_store()
    if store.partnership().member(person) is None:
        fail(f"{person!r} is not registered in the partnership", 2)
    rows = [
        {"reference": w.ref, "step": w.step.value, "tier": w.tier, "from": w.requesting_agency,
         "to": w.disclosing_agency, "due_at": w.due_at, "hours_left": w.hours_left, "rag": w.rag,
         "flow_run_id": w.flow_run_id, "pause": w.pause}
        for w in waiting_for(store, person, now_utc())
    ]  # fmt: skip
    text = "\n".join(
        f"{d['reference']}  {d['step']:<9} {d['tier']:<9} {d['from']} -> {d['to']}  "
        f"{d['hours_left']} h left ({d['rag']}), pause {d['pause']}"
        for d in rows
    )
    emit(as_json, rows, text or "nothing waits for you")


@main.command()
@click.argument("target")
@click.option("--step", type=click.Choice(["override", "signoff"]), required=True)
@click.option("--as", "person", required=True, help="Your person id (a sign-off approver).")
@click.option("--why", required=True, help="Why it is safe to unlock (logged).")
@code_option
@json_option
def unlock(target: str, step: str, person: str, why: str, code: str | None, as_json: bool) -> None:
    """Unlock a step for everyone locked out of it after too many refused answers (the run
    keeps waiting). You prove it is you with a confirmation code mailed to your registered
    address."""
    store = open_store()
    ref = ref_for(target, store)
    refusal = eligibility.unlock_refusal(store, ref, person)
    if refusal:
        fail(refusal, 2)
    if len(why.strip()) < 5:
        fail("say why it is safe to unlock (--why)", 2)
    prove(store, person, confirmations.unlock_purpose(ref, step),
          f"unlocking the {step} step of {ref}", code, ref)  # fmt: skip
    store.requests.unlock(ref, step, person, why.strip())
    emit(as_json, {"reference": ref, "step": step, "unlocked_by": person},
         f"{ref} {step}: unlocked; the next answer is checked as usual")  # fmt: skip
