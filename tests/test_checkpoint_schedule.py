"""Decision-record chains are signed at least daily, by the watchdog, as well as every N."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from infoshare.models import ShareRequest
from infoshare.records import due_checkpoints, record_decision, verify
from infoshare.steps import run_triage
from infoshare.store import Store, now_utc

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def refused(store: Store) -> str:
    raw = json.loads((EXAMPLES / "scenario3-trawl.json").read_text())
    ref = store.register_request(ShareRequest.model_validate(raw), None)
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
