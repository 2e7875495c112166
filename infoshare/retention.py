"""Retention and disposal: what infoshare keeps, for how long, and how it is destroyed.

The rules (``Settings.retention``, from INFOSHARE_RETENTION_*; per disclosing agency):

- A closed request's **personal data** (closed: its decision is recorded) is disposed of a
  period after the decision (default 2 years): ``store.disposals.dispose_personal`` destroys the
  request's data key (crypto-shredding) and every ciphertext under it: the sealed request,
  sealed step data (answers, justifications, staged envelopes), prepared item contents, the
  decision record's sealed personal part, and the request's one-time code rows. The decision
  record keeps its decision, reasons, agencies, dates and hashes; the personal fields stay
  committed to by salted hashes whose salts went with the personal part, so ``records verify``
  still passes and nobody can test a guessed name against them.
- **Prefect** keeps run data forever: the run of each disposed request is deleted through the
  API (with its states, task runs, run input and logs), and so is every finished share-request
  run older than ``runs`` (default 2 years). Where Prefect's database is SQLite on this machine
  it is then vacuumed and its WAL checkpointed and truncated, so deleted rows (and parameters or
  resume input Prefect held before infoshare redacted them) are gone from the files too. Our own
  SQLite store is vacuumed the same way after a disposal (it also zeroes freed pages as it goes:
  ``PRAGMA secure_delete``).
- **Decision records** past their own period (default 6 years) are deleted, a prefix of each
  agency's chain at a time (records 1..k, oldest first, all past their period and with their
  personal data already disposed of): ``records.checkpoints.delete_prefix`` verifies the chain, signs a
  checkpoint at k and, in one transaction, records the signed chain floor at k and deletes the
  records (the record triggers allow deleting below the floor, nothing else). Verification then
  starts after the floor, so the rest of the chain still proves itself. A record still inside
  its period stops the prefix: records after it wait even when past theirs (they are reported).
  Then what is left of those requests (the request row, its steps) goes too, once their Prefect
  run is gone; the audit trail stays.

``run`` is what ``infoshare retention run`` and the daily ``retention`` deployment call.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from infoshare import prefect_api
from infoshare.compaction import Compacted, compact_sqlite, prefect_sqlite_path, store_sqlite_path
from infoshare.config import Period
from infoshare.db.tables import DecisionRecordRow, RequestRow
from infoshare.keys import KeyNotFound, LocalKey
from infoshare.records.chain import ChainError
from infoshare.records.checkpoints import delete_prefix
from infoshare.store import Store
from infoshare.store.disposal import DISPOSAL, Disposal
from infoshare.worktime import now_utc

SHARE_REQUEST_FLOW = "share-request"
LOG_DELETION_WAIT_S = 60.0  # per hundred runs: the server deletes their logs in the background


class RetentionError(RuntimeError):
    """Retention could not finish a step (the message says which and why)."""


@dataclass(frozen=True)
class Due:
    """One closed request whose personal data is (or would be) disposed of."""

    ref: str
    agency: str  # the disclosing agency, whose rule applies
    closed_at: datetime  # when the decision was recorded
    rule: str
    disposal: Disposal

    def as_dict(self) -> dict[str, Any]:
        return {
            "reference": self.ref,
            "agency": self.agency,
            "closed_at": self.closed_at.isoformat(),
            "rule": self.rule,
            "disposes": self.disposal.parts(),
        }


@dataclass(frozen=True)
class RecordsKept:
    """Decision records of one agency past their own retention period that must wait: a record
    before them (in chain order) cannot go yet, and only a prefix of a chain can (see above)."""

    agency: str
    period: Period
    count: int
    oldest: datetime
    because: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "period": str(self.period),
            "records": self.count,
            "oldest_decided_at": self.oldest.isoformat(),
            "kept_because": self.because,
        }


@dataclass
class RecordsDue:
    """Records ``first``..``last`` of one agency's chain, past their period: deleted (or, in a
    dry run, to delete), with the chain floor left in their place."""

    agency: str
    period: Period
    first: int
    last: int
    oldest: datetime
    newest: datetime
    floor: dict[str, Any] | None = None  # the signed floor and checkpoint, once deleted

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "period": str(self.period),
            "from_seq": self.first,
            "to_seq": self.last,
            "records": self.count,
            "oldest_decided_at": self.oldest.isoformat(),
            "newest_decided_at": self.newest.isoformat(),
            "floor": self.floor,
        }


@dataclass
class RetentionReport:
    now: datetime
    dry_run: bool
    disposed: list[Due] = field(default_factory=list)
    records_deleted: list[RecordsDue] = field(default_factory=list)
    records_kept: list[RecordsKept] = field(default_factory=list)
    requests_deleted: list[str] = field(default_factory=list)  # of records deleted
    runs_of_disposed: list[str] = field(default_factory=list)  # Prefect run ids
    old_runs: list[str] = field(default_factory=list)  # finished runs past the runs period
    compacted: list[Compacted] = field(default_factory=list)
    keys_removed: list[LocalKey] = field(default_factory=list)  # decryption keys past retention
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what did not complete

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "dry_run": self.dry_run,
            "disposed" if not self.dry_run else "would_dispose": [
                d.as_dict() for d in self.disposed
            ],
            "records_deleted" if not self.dry_run else "records_would_delete": [
                r.as_dict() for r in self.records_deleted
            ],
            "records_past_retention_kept": [k.as_dict() for k in self.records_kept],
            "requests_deleted": self.requests_deleted,
            "prefect_runs_of_disposed_requests": self.runs_of_disposed,
            "prefect_runs_past_retention": self.old_runs,
            "compacted": [c.as_dict() for c in self.compacted],
            "decryption_keys_removed" if not self.dry_run else "decryption_keys_would_remove": [
                {"agency": k.agency_id, "key_id": k.key_id, "created": k.created.isoformat()}
                for k in self.keys_removed
            ],
            "notes": self.notes,
            "problems": self.problems,
        }


# --- what is due -----------------------------------------------------------------------------


def due_for_disposal(store: Store, now: datetime) -> list[tuple[str, str, datetime]]:
    """(reference, disclosing agency, decided at) of closed requests whose personal data's
    period has ended by ``now`` and that still hold personal data, oldest first."""
    rules = store.settings.retention
    shortest = min(
        [rules.personal, *(a["personal"] for a in rules.agencies.values() if "personal" in a)],
        key=Period.at_least,
    )
    with store.session() as s:
        rows = s.execute(
            select(
                DecisionRecordRow.ref,
                DecisionRecordRow.disclosing_agency,
                DecisionRecordRow.decided_at,
            )
            .join(RequestRow, RequestRow.ref == DecisionRecordRow.ref)
            .where(
                DecisionRecordRow.decided_at <= now - shortest.at_least(),
                or_(RequestRow.wrapped_key.is_not(None), DecisionRecordRow.disposed_at.is_(None)),
            )
            .order_by(DecisionRecordRow.decided_at)
        ).all()
    return [
        (r.ref, r.disclosing_agency, r.decided_at)
        for r in rows
        if rules.personal_for(r.disclosing_agency).after(r.decided_at) <= now
    ]


def records_past_retention(
    store: Store,
    now: datetime,
    disposed: Collection[str] = (),
) -> tuple[list[RecordsDue], list[RecordsKept]]:
    """Per agency, the prefix of its chain that can go at ``now`` (records 1..k after the
    floor, in chain order, each past its period with its personal data disposed of, or about
    to be: ``disposed`` in a dry run) and the records past their period that must wait."""
    rules = store.settings.retention
    shortest = min(
        [rules.record, *(a["record"] for a in rules.agencies.values() if "record" in a)],
        key=Period.at_least,
    )
    past: dict[str, dict[int, datetime]] = {}
    with store.session() as s:
        rows = s.execute(
            select(
                DecisionRecordRow.disclosing_agency,
                DecisionRecordRow.chain_seq,
                DecisionRecordRow.decided_at,
            ).where(DecisionRecordRow.decided_at <= now - shortest.at_least())
        )
        for agency, seq, decided_at in rows:
            if rules.record_for(agency).after(decided_at) <= now:
                past.setdefault(agency, {})[seq] = decided_at
        due, kept = [], []
        for agency, times in sorted(past.items()):
            period = rules.record_for(agency)
            chain = s.execute(
                select(
                    DecisionRecordRow.chain_seq,
                    DecisionRecordRow.ref,
                    DecisionRecordRow.decided_at,
                    DecisionRecordRow.disposed_at,
                )
                .where(DecisionRecordRow.disclosing_agency == agency)
                .order_by(DecisionRecordRow.chain_seq)
                .execution_options(yield_per=1000)
            )
            prefix: list[int] = []
            because = ""
            for seq, ref, decided_at, disposed_at in chain:
                if seq not in times:
                    because = (
                        f"record #{seq} before them is inside its period (decided "
                        f"{decided_at:%Y-%m-%d}); only the oldest records of a chain can go"
                    )
                    break
                if disposed_at is None and ref not in disposed:
                    because = f"record #{seq}'s personal data is not disposed of yet"
                    break
                prefix.append(seq)
            if prefix:
                first, last = prefix[0], prefix[-1]
                due.append(
                    RecordsDue(
                        agency,
                        period,
                        first,
                        last,
                        min(times[q] for q in prefix),
                        max(times[q] for q in prefix),
                    )
                )
            waiting = [t for q, t in times.items() if not prefix or q > prefix[-1]]
            if waiting:
                kept.append(RecordsKept(agency, period, len(waiting), min(waiting), because))
    return due, kept


# --- the run ---------------------------------------------------------------------------------


def run(
    store: Store,
    now: datetime,
    *,
    dry_run: bool = False,
    prefect: bool = True,
    env: Mapping[str, str] | None = None,
) -> RetentionReport:
    """Dispose of what is due at ``now`` (or, with ``dry_run``, only say what would go).

    ``prefect=False`` leaves Prefect alone (its runs stay to delete at the next run); ``env``
    is where the Prefect database is looked up (default: this process's environment)."""
    env = os.environ if env is None else env
    report = RetentionReport(now, dry_run)
    for ref, agency, closed_at in due_for_disposal(store, now):
        rule = store.settings.retention.rule(agency)
        disposal = (
            store.disposals.inventory(ref)
            if dry_run
            else store.disposals.dispose_personal(ref, now_utc(), rule)
        )
        report.disposed.append(Due(ref, agency, closed_at, rule, disposal))
    if prefect:
        _prefect_runs(store, report)
    else:
        report.notes.append("Prefect left alone (--no-prefect): its runs are deleted next time")
    _delete_records(store, report)
    for agency_id in store.partnership().agencies:  # an agency with no keys here has none
        report.keys_removed += store.keys.expired_decryption_keys(agency_id, now)
    if not dry_run:
        store.keys.remove(report.keys_removed)
        if report.disposed or report.records_deleted:
            _compact(report, "infoshare store", store_sqlite_path(store))
        if prefect and not report.problems:  # a server we could not reach: not ours to touch
            _compact(report, "Prefect database", prefect_sqlite_path(env, store.settings.home))
        store.audit.write(
            None,
            DISPOSAL,
            None,
            "retention run",
            f"clock {now.isoformat()}: personal data of {len(report.disposed)} request(s) "
            f"disposed; {len(report.runs_of_disposed) + len(report.old_runs)} Prefect run(s) "
            f"deleted; {sum(r.count for r in report.records_deleted)} decision record(s) past "
            f"their retention deleted ("
            + ", ".join(f"{r.agency} #{r.first}-#{r.last}" for r in report.records_deleted)
            + f"), {len(report.requests_deleted)} request row(s) with them; "
            f"{len(report.keys_removed)} decryption key(s) past their retention removed; "
            f"{sum(k.count for k in report.records_kept)} record(s) past their retention kept "
            f"for now; {len(report.problems)} problem(s)",
        )
    return report


def _delete_records(store: Store, report: RetentionReport) -> None:
    """Delete (or list) each chain's prefix past its period, then what is left of its requests."""
    disposed = {d.ref for d in report.disposed} if report.dry_run else set()
    due, report.records_kept = records_past_retention(store, report.now, disposed)
    if report.dry_run:
        report.records_deleted = due
        return
    for d in due:
        try:
            done = delete_prefix(store, d.agency, d.last)
        except KeyNotFound:  # another machine signs for this agency: its records wait here
            because = "this machine does not hold the agency's signing key to sign the floor"
            report.records_kept.append(RecordsKept(d.agency, d.period, d.count, d.oldest, because))
            continue
        except ChainError as exc:
            report.problems.append(f"{d.agency}'s records past their retention not deleted: {exc}")
            continue
        d.first = done.first
        d.floor = {
            "seq": done.floor.seq,
            "head_sha256": done.floor.head,
            "key_id": done.floor.key_id,
            "at": done.floor.at.isoformat(),
            "checkpoint_signed_at": done.checkpoint.signed_at.isoformat(),
        }
        report.records_deleted.append(d)
    report.requests_deleted = store.disposals.delete_requests_without_record()


def _prefect_runs(store: Store, report: RetentionReport) -> None:
    """Delete (or list) the runs of disposed requests and finished runs past their period."""
    runs_period = store.settings.retention.runs
    ended_before = runs_period.before(report.now).isoformat()
    try:
        if report.dry_run:
            report.runs_of_disposed = [
                *(r for _, r in store.disposals.runs_to_delete()),
                *(d.disposal.flow_run_id for d in report.disposed if d.disposal.flow_run_id),
            ]
            report.old_runs = prefect_api.finished_runs(SHARE_REQUEST_FLOW, ended_before)
            return
        for ref, run_id in store.disposals.runs_to_delete():
            deleted = prefect_api.delete_run(run_id)
            store.disposals.run_data_deleted(ref, "deleted" if deleted else "already absent")
            if deleted:
                report.runs_of_disposed.append(run_id)
        seen: set[str] = set()
        while batch := [
            r for r in prefect_api.finished_runs(SHARE_REQUEST_FLOW, ended_before) if r not in seen
        ]:
            seen.update(batch)
            report.old_runs += [r for r in batch if prefect_api.delete_run(r)]
        _wait_for_logs_deleted(report.runs_of_disposed + report.old_runs)
    except (prefect_api.PrefectApiError, RetentionError) as exc:
        report.problems.append(
            f"Prefect run data not (all) deleted: {exc}. What is left is retried at the next run."
        )


def _wait_for_logs_deleted(run_ids: list[str]) -> None:
    """Until the server has deleted these runs' logs: each hundred runs get up to
    ``LOG_DELETION_WAIT_S`` (the server deletes in the background at its own pace, so after a
    year's first retention run many hundreds may be waiting)."""
    for start in range(0, len(run_ids), 100):
        chunk = run_ids[start : start + 100]
        deadline = time.monotonic() + LOG_DELETION_WAIT_S
        while prefect_api.runs_with_logs(chunk):
            if time.monotonic() > deadline:
                raise RetentionError("the Prefect server has not deleted the runs' logs yet")
            time.sleep(0.5)


def _compact(report: RetentionReport, name: str, path: Path | None) -> None:
    if path is None:
        return
    if not path.exists():
        report.notes.append(f"{name}: no SQLite file at {path}, nothing to compact")
        return
    try:
        report.compacted.append(compact_sqlite(name, path))
    except sqlite3.Error as exc:
        report.problems.append(f"{name} at {path} not compacted: {exc}")
