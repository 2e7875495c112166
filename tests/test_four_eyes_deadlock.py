"""Four eyes that can no longer be satisfied is escalated at once, not left to expire: the
deputy justified the override and one eligible approver remains, or a registry load took an
approver away."""

from __future__ import annotations

import json
import mailbox
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import EXAMPLES

from infoshare import escalation, timeliness
from infoshare.identity import codes
from infoshare.models import ShareRequest, Step
from infoshare.policy.answers import OverrideInput
from infoshare.registry import spec
from infoshare.setup import initialise
from infoshare.steps import apply_override, run_triage
from infoshare.store import Store
from infoshare.worktime import now_utc
from notifications.telling import Teller

DPO = "dpo@hospitals.northshire.example"


def overridden_by(store: Store, justifier: str) -> str:
    """Scenario 2 at the hospital (RED, consent refused, special-category data: four eyes),
    its override justified by ``justifier``, now waiting for sign-off."""
    run = str(uuid.uuid4())
    req = ShareRequest.model_validate(
        json.loads((EXAMPLES / "scenario2-hospital.json").read_text())
    )
    ref = store.requests.register(req, run)
    run_triage(store, ref)
    issued = codes.issue(
        store, ref, Step.OVERRIDE.value, justifier, run, now_utc() + timedelta(days=1)
    )
    assert issued is not None
    override = OverrideInput.model_validate(
        {"person_id": justifier, "code": issued.code, "grounds": ["SAFEGUARD_CHILDREN"],
         "proportionality": "Children at risk; the minimum is shared.", "subject_informed": True}
    )  # fmt: skip
    assert apply_override(store, ref, override).accepted
    store.requests.set_status(ref, "AWAITING_SIGNOFF")
    assert timeliness.open_window(store, ref, Step.SIGNOFF, now_utc()) is not None
    return ref


def mails_to(store: Store, ref: str, email: str) -> list[str]:
    box = mailbox.Maildir(store.settings.home / "outbox", create=False)
    return [
        m.get_payload(0).get_payload(decode=True).decode()
        for m in box
        if m["X-Infoshare-Reference"] == ref and email in str(m["To"])
    ]


@pytest.mark.parametrize("how", ["deputy-justified", "approver-deactivated"])
def test_four_eyes_that_cannot_be_satisfied_is_escalated_at_once(
    store: Store, tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("INFOSHARE_SMTP_URL", "INFOSHARE_SMTP_BLOCK"):  # the session's stack sets them
        monkeypatch.delenv(var, raising=False)  # here the notices go to the outbox
    if how == "deputy-justified":
        ref = overridden_by(store, "caldicott-deputy")  # only caldicott-rao may approve now
    else:
        ref = overridden_by(store, "nurse-lee")
        data = json.loads(spec.DEMO_REGISTRY.read_text())
        data["people"] = [p for p in data["people"] if p["id"] != "caldicott-deputy"]
        (tmp_path / "registry.json").write_text(json.dumps(data))
        initialise(store, tmp_path / "registry.json")
    now = now_utc()  # hours before the step is due
    (due,) = [d for d in escalation.escalations_due(store, now) if d.request.ref == ref]
    assert due.deadlock is not None and "2 more approval(s) needed (four eyes)" in due.deadlock
    assert due.due_at > now
    esc = escalation.escalate(store, due, now)
    assert esc is not None
    assert Teller(store).escalation(esc) >= 1
    (trail,) = [a for a in store.audit.trail(ref) if a.event == "escalated"]
    assert "Sign-off cannot be completed" in trail.detail
    (told,) = mails_to(store, ref, DPO)
    assert "Sign-off cannot be completed" in " ".join(told.split())
    # once: the next sweep has nothing more to escalate for it
    assert ref not in [d.request.ref for d in escalation.escalations_due(store, now)]


def test_four_eyes_that_can_still_be_satisfied_waits_for_its_due_time(store: Store) -> None:
    ref = overridden_by(store, "nurse-lee")  # caldicott-rao and caldicott-deputy may approve
    assert escalation.deadlock(store, ref) is None
    assert ref not in [d.request.ref for d in escalation.escalations_due(store, now_utc())]
