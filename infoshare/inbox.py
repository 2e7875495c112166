"""What waits for a person: the steps they may answer now, soonest deadline first, with tier,
RAG status and time left. ``infoshare inbox`` prints it; the workspace's *My work* shows it.
No personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from infoshare import timeliness
from infoshare.identity import eligibility, pauses
from infoshare.models import Step
from infoshare.store import Store
from infoshare.store.requests import progress_of

RAG_WORDS = {
    "RED": "Red: overdue, or less than a fifth of its time left",
    "AMBER": "Amber: less than half of its time left",
    "GREEN": "Green: on track",
}


@dataclass(frozen=True)
class Waiting:
    ref: str
    step: Step
    tier: str
    requesting_agency: str
    disclosing_agency: str
    due_at: datetime | None
    seconds_left: float | None
    rag: str
    flow_run_id: str | None
    pause: str = ""  # the pause the run waits in: what an answer signed now is signed for

    @property
    def hours_left(self) -> float | None:
        return None if self.seconds_left is None else round(self.seconds_left / 3600, 1)

    @property
    def rag_words(self) -> str:
        return RAG_WORDS.get(self.rag, self.rag)


def waiting_for(store: Store, person_id: str, now: datetime) -> list[Waiting]:
    """The steps ``person_id`` may answer now, soonest deadline first. Only the disclosing
    agency's people answer a request's steps, so only their agency's open requests are read,
    all at once: a few queries whatever their number (one each, with 1,000 waiting at one
    agency, took 4.4 s; bench/load.py)."""
    p = store.partnership()
    person = p.member(person_id)
    if person is None:
        return []
    mine = timeliness.waiting_for_person(*timeliness.WAITING_STATUSES)
    rows = timeliness.open_requests(store, mine, timeliness.disclosed_by(person.agency_id))
    refs = [r.ref for r in rows]
    requests = store.requests.many(refs)
    found = store.requests.progress(refs, *(s.value for s in timeliness.PERSON_STEPS))
    out = []
    for r in rows:
        step = r.waiting_for
        if step is None or r.ref not in requests:
            continue
        steps = progress_of(found, r.ref)
        may = eligibility.eligible_among(p, *requests[r.ref], step, steps)
        if person_id not in {m.id for m in may}:
            continue
        out.append(Waiting(r.ref, step, r.urgency, r.requesting_agency, r.disclosing_agency,
                           r.due_at, r.time_left(now), r.rag(now), r.flow_run_id,
                           pauses.pause_key_of(step.value, steps(step.value))))  # fmt: skip
    return out
