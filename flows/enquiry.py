"""A multi-agency enquiry: one case asks several agencies at once.

    intake -> deployment check -> ask each agency (one share-request run each, shown under
           this run) -> case view -> ends

Each agency's run keeps every rule of a share request and writes its own record. This run
ends once it has asked them: it holds no process while they wait for people. The last
agency's record closes the enquiry with its own record (``infoshare.enquiries``); the
watchdog's sweep closes any enquiry left open, and asks any agency left unasked.
"""

from __future__ import annotations

from prefect import flow

from flows.results import NO_VALUES
from infoshare.forms import ENQUIRY_GUIDE
from infoshare.integrity import ENQUIRY
from infoshare.models import Enquiry
from tasks.enquiry import ask_agencies, publish_case, refuse_enquiry, take_in_enquiry
from tasks.integrity import check_deployment
from tasks.record import describe_failure


@flow(
    name="enquiry",
    description=ENQUIRY_GUIDE,
    persist_result=False,
    result_serializer=NO_VALUES,
    # read by its intake, like a request (infoshare.enquiries.read_enquiry)
    validate_parameters=False,
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
