"""A multi-agency enquiry: one case asks several agencies at once.

    intake -> deployment check -> ask each agency (one share-request run each, tagged with
           this enquiry) -> case view -> ends

Each agency's run keeps every rule of a share request and writes its own record. This run
ends once it has asked them: it holds no process while they wait for people. The last
agency's record closes the enquiry with its own record (``infoshare.enquiries``); the
watchdog's sweep closes any enquiry left open, and asks any agency left unasked.
"""

from __future__ import annotations

from typing import Any

from prefect import Flow, flow
from prefect.client.schemas.objects import FlowRun
from prefect.logging import get_logger
from prefect.states import State

from flows.results import NO_VALUES
from infoshare.forms import ENQUIRY_GUIDE
from infoshare.integrity import ENQUIRY
from infoshare.models import Enquiry
from tasks.enquiry import (
    ask_agencies,
    publish_case,
    refuse_enquiry,
    resume_enquiry,
    take_in_enquiry,
)
from tasks.integrity import check_deployment
from tasks.record import describe_failure


def ask_the_rest(flow: Flow[..., Any], flow_run: FlowRun, state: State[Any]) -> None:
    """State hook (Failed, Crashed): an enquiry whose run died before it asked every agency is
    taken in, if it was not, and its agencies asked, from here (the runner). Never raises: the
    watchdog's sweep asks any agency still left."""
    log = get_logger("infoshare.flows")
    try:
        ref = resume_enquiry(flow_run)
        log.info("%s: its run ended %s; every agency is asked", ref, state.name)
    except Exception as exc:  # noqa: BLE001 - the watchdog's sweep catches up
        log.error("could not go on with enquiry run %s after %s: %s", flow_run.id, state.name,
                  describe_failure(exc))  # fmt: skip


@flow(
    name="enquiry",
    description=ENQUIRY_GUIDE,
    persist_result=False,
    result_serializer=NO_VALUES,
    # read by its intake, like a request (infoshare.enquiries.read_enquiry)
    validate_parameters=False,
    on_failure=[ask_the_rest],
    on_crashed=[ask_the_rest],
)
def enquiry(enquiry: Enquiry) -> str:
    ref = take_in_enquiry(enquiry)
    try:
        check_deployment(ref, ENQUIRY)
    except Exception as exc:
        refuse_enquiry(ref, describe_failure(exc))
        raise
    asked = ask_agencies(ref)
    status = publish_case(ref)
    return f"{ref}: {asked} agencies asked, {status}"
