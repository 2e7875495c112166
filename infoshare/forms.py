"""What a person is shown when a run waits for them (the Prefect resume form's description).

Built only from non-personal facts: reference, agencies, tier, deadline, item descriptions,
consent status and why a previous attempt was refused. Never a name or a date of birth. Prefect
renders it as markdown: every value infoshare did not write goes through ``markdown.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from infoshare import emergency
from infoshare.identity import eligibility, pauses
from infoshare.markdown import md, plain
from infoshare.models import Step
from infoshare.policy.approval import signoff_requirement
from infoshare.steps import is_done
from infoshare.store import Store
from infoshare.timeliness import is_expired, open_window
from infoshare.worktime import LONDON, now_utc


@dataclass(frozen=True)
class WaitingForm:
    ref: str
    step: str
    attempt: int
    pause_key: str
    description: str  # markdown above the form: the request in context
    items: dict[str, str]  # item id -> description of the information (never personal data)
    # markdown for the first field's help: what a person must read to answer, refusal first.
    # Prefect 3.9.1's old UI (where the deployment page sends people) gives the description zero
    # height when the form is taller than the window; field help is always shown.
    essentials: str = ""
    state_message: str = ""  # plain text for the suspended run's state: what it waits for


def _at(when: datetime, now: datetime) -> str:
    """A time people read at a glance: UK time, with the day when it is not today."""
    local, today = when.astimezone(LONDON), now.astimezone(LONDON).date()
    return f"{local:%H:%M}" if local.date() == today else f"{local:%H:%M} on {local:%a %d %b}"


def due_text(due: datetime | None, now: datetime) -> str:
    """``due in 3.0 hours (at 15:00)``, or ``overdue since 15:00``, in UK time."""
    if due is None:
        return "no deadline set"
    hours = (due - now).total_seconds() / 3600
    if hours < 0:
        return f"overdue since {_at(due, now)}"
    amount = f"{hours * 60:.0f} minutes" if hours < 1 else f"{hours:.1f} hours"
    return f"due in {amount} (at {_at(due, now)})"


TITLES = {
    Step.EMERGENCY: "Emergency share, risk to life",
    Step.SIGNOFF: "Senior sign-off",
    Step.OVERRIDE: "Consent override",
}


def waiting_form(store: Store, ref: str, step: Step) -> WaitingForm | None:
    """The form for ``step``, or None if the step is already done or the request has expired.

    What a person needs to act (a refused answer first, then the step, its due time and who may
    answer) goes in ``essentials``, shown at the top of the form in both Prefect UIs; the
    description above the form puts the request in context.
    """
    if is_done(store, ref, step) or is_expired(store, ref):
        return None
    store.requests.set_status(ref, f"AWAITING_{step.name}")
    meta = store.requests.meta(ref)
    p = store.partnership()
    agency = p.agency(meta.disclosing_agency)
    requesting = p.agency(meta.requesting_agency)
    disclosing_plain = agency.name if agency else meta.disclosing_agency
    disclosing_name = md(disclosing_plain)
    pub = meta.public
    state = store.requests.step(ref, step)
    now = now_utc()
    window = open_window(store, ref, step, now)
    step_due = due_text(window.due_at if window else meta.due_at, now)
    deadline = f"request deadline {_at(meta.due_at, now)}" if meta.due_at else "no deadline"
    title = TITLES[step]
    # plain sentences: field help is markdown in one UI and plain text in the other
    essentials = [
        f"{title} of {ref} ({meta.urgency}): this step is {step_due}; {deadline} (UK time)."
    ]
    given = eligibility.approvals_given(store, ref) if step == Step.SIGNOFF else []
    if step == Step.EMERGENCY:
        who = f"the on-call approver of {disclosing_plain}; never the requester"
        essentials += [
            f"Who may answer: the on-call approver of {plain(disclosing_plain)}; never the requester.",
            "CONFIRM shares the ticked items now; sign-off follows within the request deadline. "
            "DECLINE (or no answer in time) sends the request down the RED path.",
        ]
    elif step == Step.SIGNOFF:
        need = signoff_requirement(store.requests.request(ref), p)
        roles = need.text if need else "a senior manager"
        not_justifier = (
            " nor the override's justifier" if is_done(store, ref, Step.OVERRIDE) else ""
        )
        who = f"{roles} of {disclosing_plain}; never the requester{not_justifier}"
        essentials.append(
            f"Who may answer: {plain(roles)} of {plain(disclosing_plain)}; never the requester"
            f"{not_justifier}."
        )
        if need and need.four_eyes:
            essentials.append(_four_eyes_line(given, need.approvals))
        shared = emergency.answered(store, ref)
        if shared is not None and shared.public.get("confirmed"):
            essentials.append(
                f"Retrospective: shared in an emergency on {plain(shared.actor_id)}'s "
                f"confirmation at {_at(datetime.fromisoformat(shared.public['at']), now)}: "
                f"{plain(', '.join(shared.public['approved_items']))}. SHARE ratifies what you tick; "
                "REFUSE records that it should not have been shared."
            )
    else:
        who = f"a practitioner of {disclosing_plain}; never the requester"
        essentials += [
            f"Who may answer: a practitioner of {plain(disclosing_plain)}; never the requester.",
            "Items asked for: "
            + "; ".join(f"{iid}: {plain(item['description'])}" for iid, item in _items(pub))
            + ".",
        ]
    refusal = list(state.public.get("last_refusal") or []) if state else []
    if workspace := store.settings.workspace_url:
        details = prepare = f"in the workspace, {workspace}/requests/{ref}"
    else:
        details = f'`infoshare requests show {ref} --as YOUR-ID --why "..."`'
        prepare = f"`infoshare provide {ref} ITEM --as YOUR-ID --file FILE`"
    lines = [f"### {title}: {ref}"]
    message = f"Waiting for the {title.lower()} by {who}; this step is {step_due} (UK time)."
    if refusal:
        # where people look first: the top of the form, the top of the description, the state
        essentials.insert(0, "The previous answer was refused: " + " ".join(map(plain, refusal)))
        lines.append("**The previous answer was refused:** " + " ".join(map(md, refusal)))
        message = f"The previous answer was refused: {' '.join(refusal)} {message}"
    lines += [
        "",
        f"{md(requesting.name if requesting else meta.requesting_agency)} asks {disclosing_name}. "
        f"Purpose {md(pub['purpose'])}; consent {md(pub['consent'])}; "
        f"{pub['subject_count']} subject(s). Details (logged): {details}",
        "",
    ]
    if step != Step.OVERRIDE:  # the override's items lead its first field's help already
        lines += [f"- **{md(iid)}**: {md(item['description'])}" for iid, item in _items(pub)]
        lines.append("")
    if step in (Step.SIGNOFF, Step.EMERGENCY):
        lines.append(
            f"Approve only what is necessary. Items need their content prepared first: {prepare}"
        )
    else:
        lines.append(
            "Give the public-interest grounds, why sharing without consent is proportionate, "
            "and whether the subject has been told (if not, why not)."
        )
    lines.append("Refer to people by role (subject, partner), never by name.")
    # every answer, refused or a first approval, moves the run on to a new pause (and key)
    pause = pauses.current(store, ref, step.value)
    lines += ["", f"This is pause {pause.key} of the run: an answer signed in a terminal "
                  "(`--sign`) is signed for this pause only."]  # fmt: skip
    return WaitingForm(
        ref=ref,
        step=step.value,
        attempt=store.requests.attempts(ref, step),
        pause_key=pause.key,
        description="\n".join(lines),
        items={iid: item["description"] for iid, item in _items(pub)},
        essentials="\n\n".join(essentials),
        state_message=message[:1000],
    )


def _four_eyes_line(given: list[dict[str, Any]], required: int) -> str:
    if not given:
        return (
            f"Four eyes: {required} different approvers must agree before anything is "
            "shared; a REFUSE or SEND_BACK by either decides."
        )
    first = given[0]
    return (
        f"Four eyes, second approval: {plain(first['person_id'])} approved sharing "
        f"{plain(', '.join(first['approved_items']))}. Confirm exactly those items (SHARE), or "
        "REFUSE "
        "or SEND_BACK; you must be a different person."
    )


def _items(pub: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return list(zip(pub["item_ids"], pub["items"], strict=True))


REQUEST_GUIDE = """\
**Information sharing request** (ICO Data Sharing Code, Annex B). Click **Run → Custom run**.

1. Your agency, your person id and the disclosing agency are registry ids: list them with
   `infoshare registry show` (demo: `northshire-police`, `northshire-council`,
   `northshire-hospitals`, `northshire-academy`, `northshire-homes`, `northshire-yjs`,
   `northshire-mash`).
2. Name the subject(s). Ask for **specific items**, each with why it is necessary; describe the
   information, never the person. "All information held" is refused.
3. Give the legal basis: regime, Article 6 basis (UK GDPR), the Schedule 1 or Schedule 8
   condition for special-category or criminal-offence data, and a gateway unless the ISA covers
   it. Police Schedule 2 requests need an Inspector's countersignature (their person id).
4. Consent: if not OBTAINED or NOT_REQUIRED, the disclosing agency must justify overriding it.

When the run starts, the request moves into infoshare's encrypted store and its personal details
are removed from Prefect; the run is renamed with its reference (ISR-...). Approvers answer in
the run's **Resume** form. Every outcome ends with a decision record
(`infoshare records show ISR-...`).

Codes: gateways CDA1998_S115 (Crime and Disorder Act 1998 s.115), DPA_SCH2_P1_PARA2 (DPA 2018
Sch 2 para 2 crime exemption), PCSC2022_S16 (serious violence duty), COMMON_LAW_POLICING (e.g.
Clare's and Sarah's law), COURT_ORDER. Tiers: EMERGENCY (risk to life: tick "risk to life"; an
on-call approver confirms within minutes, the items are shared at once and signed off within
24 h), RED 4 working hours, AMBER 24 working hours, GREEN 72 h, ROUTINE 10 working days
(working time is the disclosing agency's office hours).
"""

ENQUIRY_GUIDE = """\
**Multi-agency enquiry**: one case asks several agencies at once. Click **Run → Custom run**.

1. Give the shared part once: your agency and person id, the subject(s) and third parties, the
   purpose, the offence or risk, consent and the tier (registry ids: `infoshare registry show`).
2. Under **Agencies**, add each agency asked, once: the specific items wanted from it (each with
   why it is necessary), its gateway or information sharing agreement, and whether special-
   category or criminal-offence data is involved. Never your own agency.

When the run starts, the enquiry moves into infoshare's encrypted store, its personal details
are removed from Prefect, and one share-request run per agency starts under it (ISR-...): each
agency triages, approves and shares on its own. The case view is this run's artifact and
`infoshare enquiries show ENQ-...`; when every agency has answered, the enquiry record is
written (`infoshare records show ENQ-...`).
"""
