"""Who may see and do what for a request in the workspace, decided on the server from the
registry and the person's relation to the request. Someone with no relation to it is told it
does not exist (404), never that it is forbidden: a reference reveals nothing.

Party to a request (may see its personal data, saying why the first time):
- the requester, and the requesting agency's approvers;
- the disclosing agency's practitioners (which includes everyone who may justify an override
  or sign it off);
- the data-protection leads of either agency (``Partnership.led_by``).

Then: the disclosing agency's practitioners prepare items (not once signed off); whoever
``infoshare.identity.eligibility`` names for the waiting step answers it; the requester and
their agency's approvers read the delivered items.
"""

from __future__ import annotations

from dataclasses import dataclass

from infoshare.identity import eligibility
from infoshare.models import Step
from infoshare.registry.partnership import Member
from infoshare.steps import is_done
from infoshare.store import Store
from infoshare.store.errors import UnknownRequest
from infoshare.store.requests import RequestMeta
from infoshare.timeliness import WAITING_STATUSES, is_expired


@dataclass(frozen=True)
class Access:
    person: Member
    meta: RequestMeta
    requester: bool
    requesting_approver: bool
    disclosing: bool
    dpo: bool
    answers: Step | None  # the step waiting now that this person may answer
    recorded: bool  # the request has its decision record

    @property
    def party(self) -> bool:
        return self.requester or self.requesting_approver or self.disclosing or self.dpo

    @property
    def ref(self) -> str:
        return self.meta.ref

    @property
    def may_prepare(self) -> bool:
        return self.disclosing and not self.requester and not self.recorded

    @property
    def receives(self) -> bool:
        """A member of the requesting agency entitled to read what was delivered."""
        return self.requester or self.requesting_approver


def access(store: Store, ref: str, person: Member) -> Access | None:
    """This person's access to the request, or None if it is none of their business (or the
    reference is unknown): the caller answers 404 either way."""
    try:
        meta = store.requests.meta(ref)
    except UnknownRequest:
        return None
    p = store.partnership()
    a = Access(
        person=person,
        meta=meta,
        requester=person.id == meta.requester_id,
        requesting_approver=person.agency_id == meta.requesting_agency
        and person in p.approvers_of(meta.requesting_agency),
        disclosing=person.agency_id == meta.disclosing_agency,
        dpo=bool({meta.requesting_agency, meta.disclosing_agency} & set(p.led_by(person.id))),
        answers=None,
        recorded=store.chain.record(ref) is not None,
    )
    if not a.party:
        return None
    step = WAITING_STATUSES.get(meta.status)
    if (
        step is not None
        and not a.recorded
        and not is_done(store, ref, step)
        and not is_expired(store, ref)
        and person.id in {m.id for m in eligibility.eligible(store, ref, step)}
    ):
        a = Access(**{**a.__dict__, "answers": step})
    return a
