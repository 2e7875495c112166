"""What a person is shown when a run waits for them (the Prefect resume form's description).

Built only from non-personal facts: reference, agencies, tier, deadline, item descriptions,
consent status and why a previous attempt was refused. Never a name or a date of birth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from infoshare.policy import Step
from infoshare.steps import is_done
from infoshare.store import Store, now_utc


@dataclass(frozen=True)
class WaitingForm:
    ref: str
    step: str
    attempt: int
    pause_key: str
    description: str
    item_ids: list[str]


def _due(due: datetime | None, now: datetime) -> str:
    if due is None:
        return "no deadline set"
    left = due - now
    hours = left.total_seconds() / 3600
    when = due.strftime("%Y-%m-%d %H:%M UTC")
    return f"{when} (overdue)" if hours < 0 else f"{when} (in {hours:.1f} h)"


def waiting_form(store: Store, ref: str, step: Step) -> WaitingForm | None:
    """The form for ``step``, or None if the step is already done."""
    if is_done(store, ref, step):
        return None
    store.set_status(ref, f"AWAITING_{step.name}")
    meta = store.meta(ref)
    p = store.partnership()
    prepared = store.prepared_items(ref)
    attempt = store.attempts(ref, step)
    agency = p.agency(meta.disclosing_agency)
    requesting = p.agency(meta.requesting_agency)
    pub = meta.public
    title = {
        Step.OVERRIDE: "Consent override justification needed",
        Step.SIGNOFF: "Senior sign-off needed",
    }[step]
    lines = [
        f"## {title}: {ref}",
        "",
        f"- **From:** {requesting.name if requesting else meta.requesting_agency}",
        f"- **To (disclosing):** {agency.name if agency else meta.disclosing_agency}",
        f"- **Tier:** {meta.urgency}, **due** {_due(meta.due_at, now_utc())}",
        f"- **Purpose:** {pub['purpose']}; **consent:** {pub['consent']}",
        f"- **Subjects:** {pub['subject_count']} (details in infoshare: "
        f"`infoshare requests show {ref}`)",
        "",
        "| item | information requested | content prepared |",
        "| --- | --- | --- |",
    ]
    for iid, item in zip(pub["item_ids"], pub["items"], strict=True):
        lines.append(f"| {iid} | {item['description']} | {'yes' if iid in prepared else 'no'} |")
    lines.append("")
    if step == Step.SIGNOFF and agency:
        lines.append(
            f"Sign-off by one of: **{', '.join(agency.approver_roles)}** of {agency.name}."
        )
        lines.append("Approve only items whose content has been prepared.")
    if step == Step.OVERRIDE:
        lines.append(
            "Give the public-interest grounds for sharing without consent, why it is "
            "proportionate, and whether the subject has been told. Not the requester."
        )
    lines.append("Refer to people by role, never by name, in the text you type here.")
    state = store.step(ref, step)
    if state and state.public.get("last_refusal"):
        lines += ["", "**The previous attempt was refused:**"]
        lines += [f"- {r}" for r in state.public["last_refusal"]]
    return WaitingForm(
        ref=ref,
        step=step.value,
        attempt=attempt,
        pause_key=f"{step.value}-{attempt + 1}",
        description="\n".join(lines),
        item_ids=list(pub["item_ids"]),
    )
