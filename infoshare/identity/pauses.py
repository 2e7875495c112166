"""The pauses of a waiting step: what a signed answer is bound to, so it answers one pause only.

Each time a run waits for a step it suspends under a new pause key (``signoff-1``,
``signoff-2``, ...: one more for every answer the step has had, refused or a first of two
approvals). infoshare gives each pause a random nonce when it opens (the flow's resume form, or
``infoshare approve --sign``, whichever asks first) and keeps it with the step. A signed answer
signs the pause key and nonce (``signatures.signed_payload``, format 2). The first answer that
reaches the step's checks spends the pause, whatever the outcome and whoever gave it
(``steps._check_answer``): a signed answer seen in Prefect's run input, refused on policy, is no
use later to anyone, and its signer signs afresh for the new pause. Ed25519 signatures are
deterministic, so spending a signature itself would also refuse an honest re-send of the same
answer; spending the pause does not, since the re-send signs a different pause.

Kept in the step's public state (``pause``: the open one; ``answered_pauses``: the last few
spent, to say why a replay is refused). Neither is secret: only the person's key can sign.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from infoshare.db.tables import StepRow
from infoshare.identity.eligibility import approvals_in
from infoshare.models import Step
from infoshare.store import Store
from infoshare.store.requests import WAITING, StepProgress
from infoshare.worktime import now_utc

KEEP_ANSWERED = 20  # spent pauses kept per step, to name a replayed signature in the refusal


@dataclass(frozen=True)
class Pause:
    key: str  # the run's pause key for the step, as its resume form is suspended under
    nonce: str  # 32 hex digits, fresh for every pause

    def facts(self) -> dict[str, str]:
        return {"key": self.key, "nonce": self.nonce}


def pause_key(store: Store, ref: str, step: str) -> str:
    """The key of the step's current pause: every answer checked (refused, or the first of two
    approvals) moves the run on to a new one."""
    return pause_key_of(step, store.requests.progress([ref], step).get((ref, step)))


def pause_key_of(step: str, progress: StepProgress | None) -> str:
    """``pause_key`` from the step's progress, read already (None: not started)."""
    answers = progress.attempts if progress else 0
    if step == Step.SIGNOFF.value:
        answers += len(approvals_in(progress))
    return f"{step}-{answers + 1}"


def open_key(progress: StepProgress | None) -> str | None:
    """The key of the step's open pause, from its progress read already (None: none open)."""
    held = _of(progress.public.get("pause")) if progress else None
    return held.key if held else None


def _of(data: Any) -> Pause | None:
    ok = isinstance(data, dict) and all(isinstance(data.get(k), str) for k in ("key", "nonce"))
    return Pause(data["key"], data["nonce"]) if ok else None


def _step_row(s: Any, ref: str, step: str) -> StepRow:
    row = s.get(StepRow, (ref, step), with_for_update=True)
    if row is None:
        row = StepRow(ref=ref, step=step, status=WAITING, attempts=0, public={},
                      updated_at=now_utc())  # fmt: skip
        s.add(row)
        s.flush()
    return row


def current(store: Store, ref: str, step: str) -> Pause:
    """The step's open pause, opened now (a fresh nonce) if none is open under today's key."""
    key = pause_key(store, ref, step)
    for attempt in range(2):  # two first askers at once: one makes the row, the other reads it
        try:
            with store.session() as s:
                row = _step_row(s, ref, step)
                held = _of(row.public.get("pause"))
                if held is not None and held.key == key:
                    return held
                opened = Pause(key, os.urandom(16).hex())
                row.public = {**row.public, "pause": opened.facts()}
                return opened
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def spend(store: Store, ref: str, step: str) -> Pause | None:
    """Close the step's open pause, as an answer reaches the step's checks (whatever follows);
    returns it, or None if no pause was open (nobody was asked to sign for one)."""
    with store.session() as s:
        row = s.get(StepRow, (ref, step), with_for_update=True)
        if row is None:
            return None
        held = _of(row.public.get("pause"))
        if held is None:
            return None
        answered = [held.facts(), *list(row.public.get("answered_pauses") or [])]
        public = {k: v for k, v in row.public.items() if k != "pause"}
        row.public = {**public, "answered_pauses": answered[:KEEP_ANSWERED]}
        return held


def answered(store: Store, ref: str, step: str) -> list[Pause]:
    """The step's pauses already spent, latest first (the last ``KEEP_ANSWERED``)."""
    st = store.requests.step(ref, step)
    found = [_of(p) for p in (st.public.get("answered_pauses") or [])] if st else []
    return [p for p in found if p is not None]
