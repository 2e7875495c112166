"""Multi-agency enquiries: one case asks several agencies at once, followed and recorded as one.

    enquiry run: intake (sealed, its parameters redacted) -> one share-request run per agency
                 (a child run, given only a reference to its part) -> ends
    each child:  every rule of a share request, its own record in its agency's chain
    last record: the enquiry record, in the requesting agency's chain (exactly once)

The enquiry's run holds no process while its children wait: it starts them and ends. Whoever
writes a child's record (the child's last task, its state hooks, the watchdog) then closes the
enquiry if that was the last answer (:func:`close_if_answered`); the watchdog's sweep does it
for any enquiry left open (:func:`close_answered`). The enquiry record is keyed by the
enquiry's reference in the chain, so it is written once however many try.

Prefect-free: the tasks in ``tasks/enquiry.py`` start the runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from infoshare import plain_text
from infoshare.db.tables import ENQUIRY_DECISION, DecisionRecordRow, RequestRow
from infoshare.markdown import md, md_link
from infoshare.models import (
    MULTI_LINE_FIELDS,
    ConsentStatus,
    Decision,
    Enquiry,
    Purpose,
    Regime,
    UrgencyTier,
)
from infoshare.reading import PLACEHOLDERS, Reading, field_problems, read_request, where
from infoshare.reading import take_in as take_in_request
from infoshare.records.checkpoints import auto_checkpoint
from infoshare.records.compose import REVIEW_AFTER, person_of
from infoshare.redaction import part_parameters
from infoshare.store import Store
from infoshare.store.enquiries import ASKED, OPEN, REFUSED, WITHDRAWN, Asked, is_enquiry
from infoshare.timeliness import open_requests
from infoshare.worktime import now_utc, uk_minute

WITHDRAWN_STEP = "withdrawn"  # a child's marker: its part was withdrawn (nothing is sent)
PART_SEPARATOR = "/"  # a child's parameter: ENQ-20261207-7KQ3XM9P/northshire-homes


# --- reading an enquiry ---------------------------------------------------------------------


@dataclass(frozen=True)
class EnquiryReading:
    enquiry: Enquiry
    problems: list[str] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return not self.problems


def problems_of(enq: Enquiry) -> list[str]:
    """What makes an enquiry that reads as one impossible to ask as it is."""
    problems = []
    if not enq.agencies:
        problems.append("agencies needs at least one agency to ask")
    seen: set[str] = set()
    for n, ask in enumerate(enq.agencies, start=1):
        agency = ask.disclosing_agency
        if agency in seen:
            problems.append(f"agencies entry {n}: {agency} is listed twice (ask each agency once)")
        seen.add(agency)
        if not ask.items:
            problems.append(f"agencies entry {n}: {agency} is asked for no items")
        if agency == enq.requesting_agency:
            problems.append(
                f"agencies entry {n}: {agency} is the requesting agency (an agency does not "
                "ask itself)"
            )
    return problems


_FALLBACK = {
    "requesting_agency": PLACEHOLDERS["requesting_agency"],
    "requester_id": PLACEHOLDERS["requester_id"],
    "purpose": Purpose.PREVENT_DETECT_CRIME.value,
    "regime": Regime.UK_GDPR.value,
    "consent": ConsentStatus.NOT_REQUIRED.value,
    "urgency": UrgencyTier.ROUTINE.value,
}


def read_enquiry(raw: Any) -> EnquiryReading:
    """``raw`` (an enquiry run's parameter, any JSON) as an enquiry. Never raises: one that
    cannot be read, or not asked as it is, has its problems named (never the values typed)."""
    if isinstance(raw, Enquiry):
        return EnquiryReading(raw, problems_of(raw))
    bad = plain_text.faults(raw, MULTI_LINE_FIELDS)
    problems = [f"{where(loc)} {what}" for loc, what in bad[:20]]
    if not bad:
        try:
            enq = Enquiry.model_validate(raw)
            return EnquiryReading(enq, problems_of(enq))
        except ValidationError as exc:
            problems += field_problems(exc)
    if raw is None:
        problems = ["the enquiry is missing"]
    # what is needed to file it (who asked, and when it is due), where it can be read
    data = dict(_FALLBACK)
    if isinstance(raw, dict):
        for name in _FALLBACK:
            try:
                Enquiry.model_validate({**data, name: raw.get(name, data[name])})
                data[name] = raw.get(name, data[name])
            except ValidationError:
                pass
    return EnquiryReading(Enquiry.model_validate(data), problems)


def take_in(store: Store, raw: Any, flow_run_id: str | None) -> tuple[str, EnquiryReading]:
    """Register the enquiry a run was given (idempotent per run). One that cannot be asked is
    stored REFUSED and its record written at once, naming the problems."""
    reading = read_enquiry(raw)
    ref = store.enquiries.register(reading.enquiry, flow_run_id, reading.problems or None)
    if reading.readable:
        store.requests.set_status(ref, OPEN, due_at=deadline(store, reading.enquiry))
    else:
        close(store, ref)
    return ref, reading


def deadline(store: Store, enq: Enquiry, at: datetime | None = None) -> datetime | None:
    """The enquiry's deadline: the strictest of its agencies' (each in its office hours)."""
    p = store.partnership()
    budget = store.settings.tier_budgets.get(enq.urgency)
    if budget is None:
        return None
    now = at or now_utc()
    dues = [
        budget.due(now, agency.office_hours)
        for ask in enq.agencies
        if (agency := p.agency(ask.disclosing_agency)) is not None
    ]
    return min(dues, default=None)


# --- a child run takes its part in --------------------------------------------------------------


def split_part(part: str) -> tuple[str, str]:
    ref, _, agency = part.partition(PART_SEPARATOR)
    return ref, agency


def part_of(ref: str, agency: str) -> str:
    """A child run's parameter ``enquiry_part``: which part of which enquiry it answers."""
    return f"{ref}{PART_SEPARATOR}{agency}"


def part_key(part: str) -> str:
    """The idempotency key a part's run is created with: Prefect keeps one run per key."""
    return f"enquiry:{part}"


def take_in_part(
    store: Store, part: str, raw: Any, flow_run_id: str | None, run_key: str | None
) -> tuple[str, Reading]:
    """A share-request run started for an enquiry: its request is the enquiry's shared part and
    its agency's own, from the store (the run's parameters never held them). The run must be
    the one started for that part of an open enquiry (``run_key``: its idempotency key);
    otherwise what it was given is refused like any request that cannot be read. Idempotent
    per run."""
    if flow_run_id is not None and (known := store.requests.ref_for_run(flow_run_id)):
        return known, Reading(store.requests.request(known))
    ref, agency = split_part(part)
    why = (
        store.enquiries.claim(ref, agency, flow_run_id, run_key == part_key(part))
        if flow_run_id is not None
        else "an enquiry's part is taken in only by a run"
    )
    if why is None:
        request = store.enquiries.enquiry(ref).request_to(agency)
        child = store.requests.register(request, flow_run_id, enquiry_ref=ref)
        store.enquiries.child_taken_in(ref, agency, child)
        return child, Reading(request)
    reading = read_request(raw)
    refused = Reading(reading.request, [f"the enquiry's part: {why}", *reading.problems],
                      reading.placeholders)  # fmt: skip
    return take_in_request(store, refused, flow_run_id)


# --- withdrawing a part ---------------------------------------------------------------------


def withdrawn(store: Store, ref: str) -> bool:
    """The share request's part of its enquiry was withdrawn: nothing may be sent."""
    st = store.requests.step(ref, WITHDRAWN_STEP)
    return st is not None and st.status == "DONE"


def withdraw(store: Store, ref: str, agency: str, by: str) -> str | None:
    """Withdraw ``agency`` from open enquiry ``ref``: its request (if its run took it in) is
    marked withdrawn, so nothing is sent after this, and recorded WITHDRAWN unless it has a
    record already. Returns the agency's run id, for the caller to cancel, if it has one."""
    from infoshare.records.compose import record_decision

    before = store.enquiries.withdraw(ref, agency, by)
    child = before.child_ref
    if child is not None and store.chain.record(child) is None:
        store.requests.complete_step(child, WITHDRAWN_STEP, actor_id=by,
                                     public={"at": now_utc().isoformat(), "by": by})  # fmt: skip
        record_decision(store, child)
    close_if_answered(store, ref)
    return before.child_run_id


# --- the case view ----------------------------------------------------------------------------


def in_order(store: Store, ref: str) -> list[Asked]:
    """The agencies an enquiry asks, in the order it lists them (added ones last)."""
    order = {a.disclosing_agency: n for n, a in enumerate(store.enquiries.enquiry(ref).agencies)}
    return sorted(store.enquiries.asked(ref), key=lambda a: order.get(a.agency, len(order)))


def case_view(store: Store, ref: str, now: datetime | None = None) -> dict[str, Any]:
    """Per agency: its request, the step it waits for, that step's due time, RAG status and
    the decision once made; overall status and the enquiry's deadline. No personal data."""
    now = now or now_utc()
    meta = store.requests.meta(ref)
    waiting = {r.ref: r for r in open_requests(store, RequestRow.enquiry_ref == ref)}
    agencies = []
    for a in in_order(store, ref):
        entry: dict[str, Any] = {
            "agency": a.agency, "asked": a.status, "request": a.child_ref,
            "flow_run_id": a.child_run_id, "step": None, "step_due_at": None, "rag": None,
            "decision": None, "record_sha256": None, "due_at": None,
        }  # fmt: skip
        if a.child_ref is not None:
            child = store.requests.meta(a.child_ref)
            entry["step"] = child.status
            entry["due_at"] = child.due_at
            found = store.chain.record(a.child_ref)
            if found is not None:
                entry["decision"] = found[0].decision
                entry["record_sha256"] = found[0].record_sha256
            elif (o := waiting.get(a.child_ref)) is not None:
                window = o.step_window
                entry["step_due_at"] = window[1] if window else o.due_at
                entry["rag"] = o.rag(now)
        elif a.status == ASKED:
            entry["step"] = "NOT_STARTED"
        agencies.append(entry)
    record = store.chain.record(ref)
    status = "CLOSED" if record else ("REFUSED" if meta.status == REFUSED else "OPEN")
    late = [a["agency"] for a in agencies if a["rag"] == "RED" and a["step_due_at"]
            and a["step_due_at"] < now]  # fmt: skip
    return {
        "reference": ref,
        "status": status,
        "tier": meta.urgency,
        "requesting_agency": meta.requesting_agency,
        "requester_id": meta.requester_id,
        "received_at": meta.received_at,
        "deadline": meta.due_at,
        "agencies": agencies,
        "overdue": late,
        "problems": meta.public.get("problems", []),
        "record_sha256": record[0].record_sha256 if record else None,
    }


# --- the enquiry record -----------------------------------------------------------------------


@dataclass(frozen=True)
class EnquirySummary:
    ref: str
    decision: str
    written: bool
    record_sha256: str


def close_if_answered(store: Store, ref: str) -> EnquirySummary | None:
    """After a share request's record: close its enquiry if that was the last answer."""
    enquiry = ref if is_enquiry(ref) else store.enquiries.enquiry_of(ref)
    return close(store, enquiry) if enquiry else None


def close_answered(store: Store) -> list[EnquirySummary]:
    """Every open enquiry whose agencies have all answered gets its record (the sweep's net)."""
    return [s for ref in store.enquiries.open_refs() if (s := close(store, ref)) is not None]


def close(store: Store, ref: str) -> EnquirySummary | None:
    """Write the enquiry's record once every agency it asks has a record (or was withdrawn
    before its run took its part in); None while some are still open. Idempotent."""
    existing = store.chain.record(ref)
    if existing is not None:
        row = existing[0]
        return EnquirySummary(ref, row.decision, False, row.record_sha256)
    meta = store.requests.meta(ref)
    refused = meta.status == REFUSED
    answers: list[tuple[Any, DecisionRecordRow | None]] = []
    for a in [] if refused else in_order(store, ref):
        found = store.chain.record(a.child_ref) if a.child_ref else None
        if found is None and not (a.status == WITHDRAWN and a.child_ref is None):
            return None  # still waiting for this agency
        answers.append((a, found[0] if found else None))
    enq = store.enquiries.enquiry(ref)
    decided_at = now_utc()
    p = store.partnership()
    agencies = []
    for a, rec in answers:
        if rec is None:
            agencies.append({"agency": a.agency, "asked": a.status, "request": None,
                             "decision": Decision.WITHDRAWN.value, "record_sha256": None,
                             "decided_at": None, "due_at": None, "on_time": True,
                             "shared": None})  # fmt: skip
            continue
        pub = rec.public
        shared = pub.get("shared")
        agencies.append({
            "agency": a.agency, "asked": a.status, "request": rec.ref,
            "decision": rec.decision, "record_sha256": rec.record_sha256,
            "record_chain": rec.disclosing_agency, "chain_seq": rec.chain_seq,
            "decided_at": pub.get("decided_at"), "due_at": pub.get("due_at"),
            # an agency whose request expired did not answer in time, whatever the clock said
            # when its record was written
            "on_time": bool(pub.get("on_time")) and rec.decision != Decision.EXPIRED.value,
            "shared": None if not shared else {
                "items": shared.get("items"),
                "by": [x.get("id") for x in pub.get("approvers", [])],
                "at": shared.get("at"),
                "envelope_id": shared.get("envelope_id"),
                "envelope_sha256": shared.get("envelope_sha256"),
            },
        })  # fmt: skip
    decision = Decision.REFUSE.value if refused else ENQUIRY_DECISION
    last = max((a["decided_at"] for a in agencies if a["decided_at"]), default=None)
    on_time = all(a["on_time"] for a in agencies)
    if refused:
        reasons = [
            "The enquiry could not be asked as submitted, so nobody was asked. Submit it again "
            "with these corrected: " + "; ".join(meta.public.get("problems", [])) + "."
        ]
    else:
        reasons = [
            f"{a['agency']}: {a['decision']}"
            + (f" ({a['request']}, record {a['record_sha256'][:12]})" if a["request"] else
               " (withdrawn before it was asked)")
            + ("" if a["on_time"] else ", late")
            for a in agencies
        ]  # fmt: skip
    public: dict[str, Any] = {
        "reference": ref,
        "kind": "enquiry",
        "received_at": meta.received_at.isoformat(),
        "requesting_agency": meta.requesting_agency,
        "requester": {**(person_of(p, meta.requester_id) or {}),
                      "identity": "registered requester id given on the enquiry form"},
        "subject_count": len(enq.subjects),
        "third_party_count": len(enq.third_parties),
        "purpose": enq.purpose.value,
        "regime": enq.regime.value,
        "lawful_basis": enq.lawful_basis.value,
        "consent": enq.consent.value,
        "urgency": meta.urgency,
        "due_at": meta.due_at.isoformat() if meta.due_at else None,
        "decided_at": decided_at.isoformat(),
        "last_answer_at": last,
        "on_time": on_time,
        "decision": decision,
        "reasons": reasons,
        "agencies": agencies,
        "asked": [a["agency"] for a in agencies],
        "review_date": (decided_at + REVIEW_AFTER).date().isoformat(),
        "retain_record_until": store.settings.retention.record_for(meta.requesting_agency)
        .after(decided_at).date().isoformat(),
    }  # fmt: skip
    personal = {
        "subjects": [s.model_dump(mode="json") for s in enq.subjects],
        "third_parties": [t.model_dump(mode="json") for t in enq.third_parties],
        "offence_or_risk": enq.offence_or_risk,
        "consequence_if_not_shared": enq.consequence_if_not_shared,
        "consent_reason": enq.consent_reason,
    }
    row = DecisionRecordRow(
        ref=ref,
        recorded_at=decided_at,
        decision=decision,
        requesting_agency=meta.requesting_agency,
        disclosing_agency=meta.requesting_agency,  # the requesting agency's chain
        urgency=meta.urgency,
        due_at=meta.due_at,
        decided_at=decided_at,
        envelope_id=None,
        envelope_sha256=None,
        public=public,
    )
    if not store.chain.append(row, personal):
        again = store.chain.record(ref)
        assert again is not None
        return EnquirySummary(ref, again[0].decision, False, again[0].record_sha256)
    if row.chain_seq % store.settings.checkpoint_every == 0:
        auto_checkpoint(store, row.disclosing_agency, row.chain_seq)
    return EnquirySummary(ref, decision, True, row.record_sha256)


def refuse(store: Store, ref: str, reason: str) -> EnquirySummary | None:
    """An enquiry that cannot go on (e.g. its deployment was changed) before anyone was
    asked: refused, with its record."""
    if store.chain.record(ref) is None and not any(
        a.child_run_id for a in store.enquiries.asked(ref)
    ):
        store.enquiries.refuse(ref, reason)
    return close(store, ref)


def run_ref(a: dict[str, Any]) -> str:
    """An agency's request, linked to its run in the Prefect UI (a relative link)."""
    if not a["flow_run_id"]:
        return a["request"] or "-"
    return md_link(a["request"] or "not started", f"/runs/flow-run/{a['flow_run_id']}")


def case_markdown(view: dict[str, Any]) -> str:
    """The case view as a Prefect artifact: no personal data, people by registry id."""
    lines = [
        f"## Enquiry {view['reference']}: {view['status']}",
        "",
        f"{md(view['requesting_agency'])} asks {len(view['agencies'])} agencies "
        f"({view['tier']}); deadline {uk_minute(view['deadline'])}.",
        "",
        "| agency | request | step | step due | RAG | decision |",
        "| --- | --- | --- | --- | --- | --- |",
        *[
            f"| {md(a['agency'])} | {run_ref(a)} | "
            f"{'WITHDRAWN' if a['asked'] == WITHDRAWN else (a['step'] or '-')} | "
            f"{uk_minute(a['step_due_at']) if a['step_due_at'] else '-'} | {a['rag'] or '-'} | "
            f"{a['decision'] or '-'} |"
            for a in view["agencies"]
        ],
    ]
    if view["problems"]:
        lines += ["", "**Not asked:** " + md("; ".join(view["problems"]))]
    if view["record_sha256"]:
        lines += ["", f"Enquiry record sha256 `{view['record_sha256']}`."]
    return "\n".join(lines)


# --- asking an agency outside the enquiry's run (added later, or left unasked) -----------------


def ask(store: Store, ref: str, agency: str) -> str:
    """Start (or find: one run per part) the share-request run for ``agency``'s part, over
    Prefect's API; returns its run id. Its parameters hold no personal data."""
    from infoshare import prefect_api

    request = store.enquiries.enquiry(ref).request_to(agency)
    part = part_of(ref, agency)
    run = prefect_api.submit(
        part_parameters(request, ref, part),
        idempotency_key=part_key(part),
    )
    store.enquiries.child_started(ref, agency, run.id)
    return run.id


def ask_unasked(store: Store, older_than: timedelta = timedelta(minutes=2)) -> list[str]:
    """The sweep's net: agencies of open enquiries whose run was never started (the enquiry's
    run died first) are asked now. Enquiries younger than ``older_than`` are left to their own
    run. Returns the parts asked."""
    asked = []
    cutoff = now_utc() - older_than
    for ref in store.enquiries.open_refs():
        if store.requests.meta(ref).received_at <= cutoff:
            asked += ask_remaining(store, ref)
    return asked


def ask_remaining(store: Store, ref: str) -> list[str]:
    """Ask every agency of open enquiry ``ref`` whose run was never started."""
    if store.requests.meta(ref).status != OPEN:
        return []
    asked = []
    for a in store.enquiries.asked(ref):
        if a.status == ASKED and a.child_run_id is None:
            ask(store, ref, a.agency)
            asked.append(part_of(ref, a.agency))
    return asked


@dataclass(frozen=True)
class OverduePart:
    enquiry: str
    ref: str  # the agency's request
    agency: str
    step: str
    due_at: datetime


def overdue_parts(store: Store, now: datetime) -> list[OverduePart]:
    """Agencies of open enquiries whose request waits past its step's due time: what the
    enquiry-level escalation tells the requesting agency's managers about."""
    out = []
    for ref in store.enquiries.open_refs():
        for r in open_requests(store, RequestRow.enquiry_ref == ref):
            window = r.step_window
            if r.waiting_for is not None and window is not None and window[1] <= now:
                out.append(OverduePart(ref, r.ref, r.disclosing_agency, r.waiting_for.value,
                                       window[1]))  # fmt: skip
    return out
