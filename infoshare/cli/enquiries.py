"""Multi-agency enquiries: ``submit-enquiry``, ``enquiries list|show|add|withdraw``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from infoshare import enquiries as domain
from infoshare import prefect_api
from infoshare.cli.common import (
    emit,
    fail,
    json_option,
    load_model,
    main,
    open_store,
    report_submitted,
)
from infoshare.cli.proof import code_option, prove
from infoshare.models import AgencyAsk, Enquiry
from infoshare.store import Store
from infoshare.store.enquiries import EnquiryClosed, is_enquiry
from infoshare.worktime import uk_minute


def _load_enquiry(path: Path) -> Enquiry:
    """The enquiry in ``path``, or a one-line error naming what is wrong (never a value)."""
    enq = load_model(path, Enquiry, "a valid enquiry")
    problems = domain.problems_of(enq)
    if problems:
        fail(f"{path} is not a valid enquiry: {'; '.join(problems)}", 2)
    return enq


@main.command("submit-enquiry")
@click.argument("enquiry_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--wait",
    default=60.0,
    show_default=True,
    help="Seconds to wait for the run to take the enquiry in and give its reference (0: don't).",
)
@json_option
def submit_enquiry(enquiry_file: Path, wait: float, as_json: bool) -> None:
    """Submit a multi-agency enquiry (JSON, the same fields as the enquiry's run form): one
    share-request run per agency starts under it."""
    enq = _load_enquiry(enquiry_file)
    run = prefect_api.submit(
        {"enquiry": enq.model_dump(mode="json")}, deployment=prefect_api.ENQUIRY_DEPLOYMENT
    )
    report_submitted(run, wait, as_json, see=" (see `infoshare enquiries show {ref}`)",
                     listing="infoshare enquiries list")  # fmt: skip


@main.group()
def enquiries() -> None:
    """Multi-agency enquiries: the case view, adding and withdrawing an agency."""


def _enquiry_ref(store: Store, target: str) -> str:
    ref = target if is_enquiry(target) else store.requests.ref_for_run(target)
    if ref is None or not store.enquiries.exists(ref):
        fail(f"no enquiry {target!r}", 2)
        raise AssertionError  # unreachable
    return ref


def _case_text(view: dict[str, Any]) -> str:
    lines = [
        f"{view['reference']}  {view['status']}  {view['tier']}  from {view['requesting_agency']}"
        f"  deadline {uk_minute(view['deadline'])}",
    ]
    for a in view["agencies"]:
        step = "WITHDRAWN" if a["asked"] == "WITHDRAWN" else (a["step"] or "-")
        lines.append(
            f"  {a['agency']:<24} {a['request'] or '-':<22} {step:<18} "
            f"due {uk_minute(a['step_due_at']) if a['step_due_at'] else '-':<17} "
            f"{a['rag'] or '-':<6} {a['decision'] or '-'}"
        )
    if view["problems"]:
        lines.append("  not asked: " + "; ".join(view["problems"]))
    if view["record_sha256"]:
        lines.append(f"  enquiry record sha256 {view['record_sha256']}")
    return "\n".join(lines)


@enquiries.command("list")
@click.option("--limit", default=50, show_default=True)
@json_option
def enquiries_list(limit: int, as_json: bool) -> None:
    """Recent enquiries (no personal data)."""
    store = open_store()
    views = [domain.case_view(store, ref) for ref in store.enquiries.latest(limit)]
    emit(as_json, views, "\n".join(_case_text(v) for v in views) or "no enquiries yet")


@enquiries.command("show")
@click.argument("target")
@json_option
def enquiries_show(target: str, as_json: bool) -> None:
    """The case view: per agency its request, step, due time, RAG status and decision; the
    enquiry's status and deadline (no personal data)."""
    store = open_store()
    view = domain.case_view(store, _enquiry_ref(store, target))
    emit(as_json, view, _case_text(view))


def _requester(store: Store, ref: str, person: str, code: str | None, action: str) -> None:
    """Only the enquiry's requester changes it, proven by a mailed confirmation code."""
    if store.requests.meta(ref).requester_id != person:
        fail(f"only the requester of {ref} may change it", 2)
    prove(store, person, action, action, code, ref)  # a code confirms this action alone


@enquiries.command("add")
@click.argument("target")
@click.argument("agency_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--as", "person", required=True, help="Your person id (the requester).")
@code_option
@json_option
def enquiries_add(target: str, agency_file: Path, person: str, code: str | None,
                  as_json: bool) -> None:  # fmt: skip
    """Ask one more agency in an open enquiry (JSON: the agency, its items, gateway or ISA)."""
    store = open_store()
    ref = _enquiry_ref(store, target)
    ask = load_model(agency_file, AgencyAsk, "a valid agency part")
    enq = store.enquiries.enquiry(ref)
    enq.agencies.append(ask)
    if problems := domain.problems_of(enq):
        fail(f"{ask.disclosing_agency} cannot be added: {'; '.join(problems)}", 2)
    _requester(store, ref, person, code, f"add {ask.disclosing_agency} to enquiry {ref}")
    try:
        store.enquiries.add(ref, ask, person)
        run_id = domain.ask(store, ref, ask.disclosing_agency)
    except (EnquiryClosed, ValueError, prefect_api.PrefectApiError) as exc:
        fail(str(exc), 2)
        raise  # unreachable
    emit(as_json, {"reference": ref, "agency": ask.disclosing_agency, "flow_run_id": run_id},
         f"{ref}: {ask.disclosing_agency} asked (flow run {run_id})")  # fmt: skip


@enquiries.command("withdraw")
@click.argument("target")
@click.argument("agency")
@click.option("--as", "person", required=True, help="Your person id (the requester).")
@code_option
@json_option
def enquiries_withdraw(target: str, agency: str, person: str, code: str | None,
                       as_json: bool) -> None:  # fmt: skip
    """Withdraw an agency no longer needed: its request ends WITHDRAWN with a record and
    nothing is sent for it after this; its run is cancelled."""
    store = open_store()
    ref = _enquiry_ref(store, target)
    _requester(store, ref, person, code, f"withdraw {agency} from enquiry {ref}")
    try:
        run_id = domain.withdraw(store, ref, agency, person)
    except (EnquiryClosed, ValueError) as exc:
        fail(str(exc), 2)
        raise  # unreachable
    if run_id:
        prefect_api.cancel(run_id)
    emit(as_json, {"reference": ref, "agency": agency, "withdrawn": True},
         f"{ref}: {agency} withdrawn")  # fmt: skip
