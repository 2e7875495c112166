"""Decision-record chains are signed at least daily, by the watchdog, as well as every N."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from infoshare.config import load_settings
from infoshare.db.tables import AuditEventRow
from infoshare.models import ShareRequest
from infoshare.records.chain import verify
from infoshare.records.checkpoints import due_checkpoints
from infoshare.records.compose import record_decision
from infoshare.setup import initialise
from infoshare.steps import run_triage
from infoshare.store import Store
from infoshare.worktime import now_utc

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def refused(store: Store) -> str:
    raw = json.loads((EXAMPLES / "scenario3-trawl.json").read_text())
    ref = store.requests.register(ShareRequest.model_validate(raw), None)
    run_triage(store, ref)
    record_decision(store, ref)
    return ref


def test_unsigned_records_are_signed_once_a_day(store: Store) -> None:
    now = now_utc()
    assert due_checkpoints(store, now) == []  # no records, nothing to sign
    refused(store)
    assert due_checkpoints(store, now) == ["northshire-council"]  # never signed: sign now
    assert due_checkpoints(store, now) == []  # head already signed
    refused(store)
    assert due_checkpoints(store, now + timedelta(hours=23)) == []  # signed less than a day ago
    assert due_checkpoints(store, now + timedelta(hours=25)) == ["northshire-council"]
    (report,) = verify(store, "northshire-council")
    assert report.ok and report.head_seq == 2


def test_a_record_is_kept_when_this_machine_cannot_sign_the_chain(env: dict[str, str]) -> None:
    """A worker whose agency keys are under a passphrase it was not given still records the
    decision; the every-N checkpoint it cannot sign is noted in the audit trail, not raised."""
    settings = {**env, "INFOSHARE_CHECKPOINT_EVERY": "1"}
    made = Store(load_settings({**settings, "INFOSHARE_KEY_PASSPHRASE": "correct horse battery"}))
    initialise(made)  # agency keys written under the passphrase
    made.close()
    worker = Store(load_settings(settings))  # same home and database, no passphrase
    try:
        ref = refused(worker)
        assert worker.chain.record(ref) is not None
        with worker.session() as s:
            (skipped,) = s.scalars(
                select(AuditEventRow).where(AuditEventRow.event == "checkpoint skipped")
            )
        assert skipped.detail.startswith("northshire-council: ")
        assert "protected by a passphrase" in skipped.detail
        (report,) = verify(worker, "northshire-council")
        assert report.ok and report.head_seq == 1 and report.checkpoints == 0
    finally:
        worker.close()
