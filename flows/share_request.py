"""One share request, from submission to decision record.

    intake -> triage -> consent check -> [override justification] -> senior sign-off
           -> encrypted transfer -> decision record (always)

EMERGENCY (risk to life asserted): after triage an on-call approver confirms within minutes,
the items are transferred at once, and the override justification and sign-off follow,
retrospectively, within the EMERGENCY budget. Declined or not confirmed in time: the RED path.

People answer through the run's resume form in the Prefect UI (or ``infoshare approve``). While
the run waits it is *suspended*: no process is held, and when resumed it starts again from the
top. It reads where its request stands (``resume-point``, which also checks its deployment again)
and does not run intake, triage, the consent check or an answered wait again, nor open the form
of the wait it was woken from; every step also asks infoshare's store whether it is done
already, so nothing is ever repeated.
"""

from __future__ import annotations

from typing import Any

from prefect import Flow, flow
from prefect.client.schemas.objects import FlowRun
from prefect.logging import get_logger
from prefect.states import State

from flows.results import NO_VALUES
from flows.waiting import wait_for_person, woken
from infoshare.forms import REQUEST_GUIDE
from infoshare.integrity import DeploymentChanged
from infoshare.models import ShareRequest, Step
from infoshare.policy.answers import EmergencyInput, OverrideInput, SignOffInput
from infoshare.steps import NOTHING_YET
from tasks.consent import consent_check
from tasks.emergency import apply_emergency_input, confirmed_by_on_call, emergency_form
from tasks.intake import intake
from tasks.integrity import check_deployment
from tasks.override import apply_override_input, override_form
from tasks.record import describe_failure, record, record_ended_run
from tasks.resuming import resume_point
from tasks.signoff import apply_signoff_input, outcome, signoff_form
from tasks.transfer import transfer
from tasks.triage import triage


def record_unfinished_run(flow: Flow[..., Any], flow_run: FlowRun, state: State[Any]) -> None:
    """State hook (Failed, Crashed, Cancelled): make sure the request has a decision record.
    Runs outside the flow (for a crash, in the runner process); must never raise."""
    log = get_logger("infoshare.flows")
    try:
        summary = record_ended_run(flow_run, state.name or state.type.value)
        log.info("%s recorded after %s run: %s", summary.ref, state.name, summary.decision.value)
    except Exception as exc:  # noqa: BLE001 - the watchdog's reconciliation catches up
        log.error("could not record run %s after %s: %s", flow_run.id, state.name,
                  describe_failure(exc))  # fmt: skip


@flow(
    name="share-request",
    description=REQUEST_GUIDE,
    persist_result=False,
    result_serializer=NO_VALUES,
    # The run form keeps ShareRequest's schema, but the run reads its parameters itself
    # (tasks.intake): Prefect's own check would fail the run before intake, log the values and
    # leave them unredacted, where a request that cannot be read must be refused and recorded.
    validate_parameters=False,
    on_failure=[record_unfinished_run],
    on_crashed=[record_unfinished_run],
    on_cancellation=[record_unfinished_run],
)
def share_request(request: ShareRequest, enquiry_part: str = "") -> str:
    # woken after a wait, the run starts again from the top: it goes on from where its request
    # stands rather than doing each done step again (its resume point checks its deployment)
    first = not woken()
    earlier = (None if first else resume_point()) or NOTHING_YET
    # the parameter as submitted (a dict), not yet validated; a run started by an enquiry is
    # given only a reference to its part (``enquiry_part``) and takes it from the store
    ref = earlier.ref or intake(request, enquiry_part)
    try:
        if first:  # its deployment as infoshare declared it, or refused; and keep watch
            check_deployment(ref, watch=True)
        elif earlier.refused:
            raise DeploymentChanged(earlier.refused)
        checked = earlier.triage or triage(ref)
        if checked.accepted:
            if checked.emergency:
                if not earlier.did(Step.EMERGENCY):
                    wait_for_person(ref, EmergencyInput, emergency_form, apply_emergency_input,
                                    earlier.answered(Step.EMERGENCY))  # fmt: skip
                if confirmed_by_on_call(ref):
                    transfer(ref)  # a life at risk: share now, sign off afterwards
            needs_override = earlier.override if earlier.did(Step.CONSENT) else consent_check(ref)
            if needs_override and not earlier.did(Step.OVERRIDE):
                wait_for_person(ref, OverrideInput, override_form, apply_override_input,
                                earlier.answered(Step.OVERRIDE))  # fmt: skip
            signed = wait_for_person(ref, SignOffInput, signoff_form, apply_signoff_input,
                                     earlier.answered(Step.SIGNOFF))  # fmt: skip
            # the answer that finished the sign-off says whether to share; else, read it
            if signed.shares if signed else outcome(ref):
                transfer(ref)
    except Exception as exc:
        record(ref, failure=describe_failure(exc))
        raise
    summary = record(ref)
    return f"{ref}: {summary.decision.value}"
