"""Decision records prove themselves: hash chain per disclosing agency, signed checkpoints,
``records verify``. Tampering of each kind is done the way an insider with database access
would do it: drop the append-only triggers, then change rows.

Runs on SQLite, and on PostgreSQL when INFOSHARE_TEST_POSTGRES_URL is set (a fresh schema per
test, as in test_store.py).
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import delete, select, text, update

import infoshare.store as store_module
from infoshare.cli import main
from infoshare.config import load_settings
from infoshare.db.tables import (
    DecisionChainRow,
    DecisionCheckpointRow,
    DecisionRecordRow,
    RequestRow,
    SubjectIndexRow,
)
from infoshare.models import ShareRequest
from infoshare.records.canonical import (
    GENESIS,
    ChainFields,
    Checkpoint,
    canonical_json,
    check_commitments,
)
from infoshare.records.chain import ChainError, verify, verify_chain
from infoshare.records.checkpoints import checkpoint
from infoshare.records.compose import record_decision
from infoshare.records.search import subject_search
from infoshare.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
COUNCIL = "northshire-council"  # discloses in scenario 3
SCHOOL = "northshire-academy"  # discloses in scenario 1


def example(name: str) -> ShareRequest:
    return ShareRequest.model_validate_json((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture
def env(every_backend: dict[str, str]) -> dict[str, str]:
    return {**every_backend, "INFOSHARE_CHECKPOINT_EVERY": "4"}


def _append(store: Store, n: int, scenario: str = "scenario3-trawl.json") -> list[str]:
    refs = []
    for i in range(n):
        ref = store.requests.register(example(scenario), None)
        record_decision(store, ref, failure=f"test record {i}")
        refs.append(ref)
    return refs


def _rows(store: Store, agency: str = COUNCIL) -> list[DecisionRecordRow]:
    with store.session() as s:
        return list(
            s.scalars(
                select(DecisionRecordRow)
                .where(DecisionRecordRow.disclosing_agency == agency)
                .order_by(DecisionRecordRow.chain_seq)
            )
        )


def _drop_append_only(store: Store) -> None:
    """What an insider with the database password can do first."""
    with store.engine.begin() as conn:
        if store.engine.dialect.name == "sqlite":
            for t in ("decision_records", "decision_checkpoints"):
                conn.execute(text(f"DROP TRIGGER {t}_no_update"))
                conn.execute(text(f"DROP TRIGGER {t}_no_delete"))
        else:
            for t in ("decision_records", "decision_checkpoints"):
                conn.execute(text(f"DROP TRIGGER {t}_append_only ON {t}"))


def _only(store: Store, agency: str = COUNCIL) -> tuple[bool, int | None, str | None, str]:
    [r] = verify(store, agency)
    p = r.problem
    return (r.ok, p.seq, p.ref, p.message) if p else (True, None, None, "")


# --- the chain -----------------------------------------------------------------------------------


def test_each_agency_has_its_own_unbroken_chain(store: Store) -> None:
    council = _append(store, 5)
    school = _append(store, 3, "scenario1-school-attendance.json")
    assert [r.ref for r in _rows(store, SCHOOL)] == school
    rows = _rows(store)
    assert [r.ref for r in rows] == council
    assert [r.chain_seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_sha256 == GENESIS
    assert [r.prev_sha256 for r in rows[1:]] == [r.record_sha256 for r in rows[:-1]]
    assert all(ChainFields.of(r).digest() == r.record_sha256 for r in rows)
    assert [r.chain_seq for r in _rows(store, SCHOOL)] == [1, 2, 3]

    reports = {r.agency: r for r in verify(store)}
    assert set(reports) == {COUNCIL, SCHOOL}
    assert reports[COUNCIL].ok and reports[COUNCIL].records == 5
    assert reports[COUNCIL].head_sha256 == rows[-1].record_sha256
    assert reports[COUNCIL].checkpoints == 1  # every 4 records (INFOSHARE_CHECKPOINT_EVERY)
    assert reports[SCHOOL].ok and reports[SCHOOL].records == 3 and reports[SCHOOL].checkpoints == 0
    with store.session() as s:
        head = s.get(DecisionChainRow, COUNCIL)
        assert head is not None and (head.seq, head.head_sha256) == (5, rows[-1].record_sha256)


def test_a_repeated_record_decision_adds_nothing_to_the_chain(store: Store) -> None:
    [ref] = _append(store, 1)
    again = record_decision(store, ref, failure="a later crash report")
    assert again.written is False
    assert [r.chain_seq for r in _rows(store)] == [1]
    assert again.record_sha256 == _rows(store)[0].record_sha256


def test_a_batch_appends_in_order_and_skips_requests_already_recorded(store: Store) -> None:
    [first] = _append(store, 1)
    refs = [store.requests.register(example("scenario3-trawl.json"), None) for _ in range(3)]
    school = store.requests.register(example("scenario1-school-attendance.json"), None)
    template = _rows(store)[0]

    def row(ref: str, agency: str) -> DecisionRecordRow:
        return DecisionRecordRow(
            ref=ref, recorded_at=template.recorded_at, decision="FAILED",
            requesting_agency=template.requesting_agency, disclosing_agency=agency,
            urgency=template.urgency, due_at=None, decided_at=template.decided_at,
            envelope_id=None, envelope_sha256=None, public={"reference": ref},
        )  # fmt: skip

    batch = [(row(r, COUNCIL), {"subjects": []}) for r in [refs[0], first, refs[1], refs[1]]]
    batch += [(row(school, SCHOOL), {"subjects": []}), (row(refs[2], COUNCIL), {})]
    assert store.chain.append_many(batch) == [True, False, True, False, True, True]
    assert [(r.ref, r.chain_seq) for r in _rows(store)] == [
        (first, 1), (refs[0], 2), (refs[1], 3), (refs[2], 4),
    ]  # fmt: skip
    assert [r.ref for r in _rows(store, SCHOOL)] == [school]
    assert all(r.ok for r in verify(store))


def test_subject_index_holds_keyed_tags_not_names(store: Store) -> None:
    [ref] = _append(store, 1)
    found = store.chain.record(ref)
    assert found is not None
    name = found[1]["subjects"][0]["name"]
    with store.session() as s:
        tags = list(s.scalars(select(SubjectIndexRow).where(SubjectIndexRow.ref == ref)))
    assert tags and all(name.casefold() not in json.dumps(t.name_tag).casefold() for t in tags)
    assert store.chain.subject_tags(name)[0] in {t.name_tag for t in tags}
    assert store.chain.subject_tags(f"  {name.upper()} ")[0] == store.chain.subject_tags(name)[0]
    # Records written before the index existed are indexed by `infoshare init` (initialise).
    with store.session() as s:
        s.execute(delete(SubjectIndexRow))
    assert subject_search(store, name, None, COUNCIL).matches == []
    assert store.chain.reindex_subjects() == 1 and store.chain.reindex_subjects() == 0
    assert [m["reference"] for m in subject_search(store, name, None, COUNCIL).matches] == [ref]


def test_personal_fields_are_committed_by_salted_hashes(store: Store) -> None:
    [ref] = _append(store, 1)
    row = _rows(store)[0]
    found = store.chain.record(ref)
    assert found is not None
    personal = found[1]
    assert "_commitment_salts" not in personal  # callers see the personal part only
    assert set(row.personal_commitments) == set(personal)
    # The hashed form names nobody: neither the plain text nor an unsalted hash of it.
    name = personal["subjects"][0]["name"]
    form = canonical_json(ChainFields.of(row).canonical()).decode()
    assert name not in form
    import hashlib

    unsalted = hashlib.sha256(canonical_json(personal["subjects"])).hexdigest()
    assert unsalted not in form
    with store.session() as s:
        opened = store.chain.personal_and_salts(s, row)
    assert opened is not None
    assert check_commitments(row.personal_commitments, opened[1], opened[0]) == []
    changed = {**opened[0], "subjects": [{"name": "Someone Else"}]}
    assert check_commitments(row.personal_commitments, opened[1], changed) == ["subjects"]


def test_chain_still_verifies_after_the_personal_data_is_destroyed(store: Store) -> None:
    refs = _append(store, 3)
    _drop_append_only(store)  # until the retention job has its own sanctioned path
    with store.engine.begin() as conn:
        conn.execute(update(RequestRow).where(RequestRow.ref == refs[1]).values(wrapped_key=None))
        conn.execute(
            update(DecisionRecordRow)
            .where(DecisionRecordRow.ref == refs[1])
            .values(sealed_personal=None)
        )
    assert _only(store)[0] is True


def _set_public_text(store: Store, row_id: int, raw: str) -> None:
    """Write the ``public`` column's text exactly as given (JSON columns are normally written in
    canonical form)."""
    sql = "UPDATE decision_records SET public = :raw WHERE id = :id"
    if store.engine.dialect.name != "sqlite":
        sql = "UPDATE decision_records SET public = CAST(:raw AS json) WHERE id = :id"
    with store.engine.begin() as conn:
        conn.execute(text(sql), {"raw": raw, "id": row_id})


def test_records_stored_in_a_non_canonical_text_still_verify(store: Store) -> None:
    """Records written before JSON columns were stored canonically (keys unsorted, spaces) are
    checked by parsing them; a change of content among them is still caught."""
    _append(store, 4)
    rows = _rows(store)
    _drop_append_only(store)
    for row in rows[1:3]:
        _set_public_text(store, row.id, json.dumps(dict(reversed(row.public.items())), indent=2))
    assert _only(store)[0] is True
    changed = {**rows[2].public, "decision": "SHARE_FULL"}
    _set_public_text(store, rows[2].id, json.dumps(changed, indent=2))
    ok, seq, ref, message = _only(store)
    assert (ok, seq, ref) == (False, 3, rows[2].ref), message


# --- tampering -----------------------------------------------------------------------------------


def _modify_decision(store: Store, rows: list[DecisionRecordRow]) -> int:
    with store.engine.begin() as conn:
        conn.execute(
            update(DecisionRecordRow)
            .where(DecisionRecordRow.id == rows[2].id)
            .values(decision="SHARE_FULL")
        )
    return 2


def _modify_public_reasons(store: Store, rows: list[DecisionRecordRow]) -> int:
    public = {**rows[2].public, "reasons": ["Shared on the officer's say-so."]}
    with store.engine.begin() as conn:
        conn.execute(
            update(DecisionRecordRow)
            .where(DecisionRecordRow.id == rows[2].id)
            .values(public=public)
        )
    return 2


def _modify_commitment(store: Store, rows: list[DecisionRecordRow]) -> int:
    commitments = {**rows[2].personal_commitments, "subjects": "0" * 64}
    with store.engine.begin() as conn:
        conn.execute(
            update(DecisionRecordRow)
            .where(DecisionRecordRow.id == rows[2].id)
            .values(personal_commitments=commitments)
        )
    return 2


def _modify_time(store: Store, rows: list[DecisionRecordRow]) -> int:
    later = rows[3].decided_at + timedelta(microseconds=1)
    with store.engine.begin() as conn:
        conn.execute(
            update(DecisionRecordRow)
            .where(DecisionRecordRow.id == rows[3].id)
            .values(decided_at=later)
        )
    return 3


def _delete_middle(store: Store, rows: list[DecisionRecordRow]) -> int:
    with store.engine.begin() as conn:
        conn.execute(delete(DecisionRecordRow).where(DecisionRecordRow.id == rows[2].id))
    return 3  # the record after the gap is the first broken one


def _delete_and_renumber(store: Store, rows: list[DecisionRecordRow]) -> int:
    with store.engine.begin() as conn:
        conn.execute(delete(DecisionRecordRow).where(DecisionRecordRow.id == rows[2].id))
        for r in rows[3:]:
            conn.execute(
                update(DecisionRecordRow)
                .where(DecisionRecordRow.id == r.id)
                .values(chain_seq=r.chain_seq - 1)
            )
    return 2  # the record moved into the gap does not link to the one before it


def _delete_last(store: Store, rows: list[DecisionRecordRow]) -> int | None:
    with store.engine.begin() as conn:
        conn.execute(delete(DecisionRecordRow).where(DecisionRecordRow.id == rows[-1].id))
    return None  # nothing after it to break: the chain head names the loss


def _insert_forged(store: Store, rows: list[DecisionRecordRow]) -> int:
    """A made-up record slipped in as #3, later records moved up, its own hash correct."""
    with store.engine.begin() as conn:
        for r in reversed(rows[2:]):
            conn.execute(
                update(DecisionRecordRow)
                .where(DecisionRecordRow.id == r.id)
                .values(chain_seq=r.chain_seq + 100)
            )
        for r in rows[2:]:
            conn.execute(
                update(DecisionRecordRow)
                .where(DecisionRecordRow.id == r.id)
                .values(chain_seq=r.chain_seq + 1)
            )
    forged_ref = store.requests.register(example("scenario3-trawl.json"), None)
    src = rows[2]
    forged = DecisionRecordRow(
        ref=forged_ref,
        recorded_at=src.recorded_at,
        decision="SHARE_FULL",
        requesting_agency=src.requesting_agency,
        disclosing_agency=src.disclosing_agency,
        urgency=src.urgency,
        due_at=src.due_at,
        decided_at=src.decided_at,
        envelope_id=None,
        envelope_sha256=None,
        chain_seq=3,
        prev_sha256=rows[1].record_sha256,
        record_sha256="",
        public={**src.public, "reference": forged_ref, "decision": "SHARE_FULL"},
        personal_commitments=src.personal_commitments,
        sealed_personal=None,
    )
    forged.record_sha256 = ChainFields.of(forged).digest()
    with store.session() as s:
        s.add(forged)
    return 3  # the forged record links fine; the one it displaced no longer does


def _reorder(store: Store, rows: list[DecisionRecordRow]) -> int:
    a, b = rows[1], rows[2]
    with store.engine.begin() as conn:
        conn.execute(
            update(DecisionRecordRow).where(DecisionRecordRow.id == a.id).values(chain_seq=-1)
        )
        conn.execute(
            update(DecisionRecordRow)
            .where(DecisionRecordRow.id == b.id)
            .values(chain_seq=a.chain_seq)
        )
        conn.execute(
            update(DecisionRecordRow)
            .where(DecisionRecordRow.id == a.id)
            .values(chain_seq=b.chain_seq)
        )
    return 1  # record b now sits at #2 and does not link to #1


TAMPERING: dict[str, Callable[[Store, list[DecisionRecordRow]], int | None]] = {
    "modify-decision": _modify_decision,
    "modify-reasons": _modify_public_reasons,
    "modify-personal-commitment": _modify_commitment,
    "modify-time-by-a-microsecond": _modify_time,
    "delete-middle": _delete_middle,
    "delete-and-renumber": _delete_and_renumber,
    "delete-last": _delete_last,
    "insert": _insert_forged,
    "reorder": _reorder,
}


@pytest.mark.parametrize("kind", list(TAMPERING))
def test_tampering_is_detected_and_the_first_broken_record_named(store: Store, kind: str) -> None:
    _append(store, 6)
    rows = _rows(store)
    assert _only(store)[0] is True
    _drop_append_only(store)
    broken_index = TAMPERING[kind](store, rows)
    ok, seq, ref, message = _only(store)
    assert ok is False, kind
    if broken_index is None:
        assert seq is None and "#5" in message and "#6" in message
    else:
        assert seq == broken_index + 1, message
        named = {r.ref for r in _rows(store) if r.chain_seq == seq}
        assert ref in named and ref in message


def _rewrite_from(store: Store, index: int) -> None:
    """A capable insider: change record ``index`` and recompute every later hash and the head."""
    rows = _rows(store)
    prev = rows[index - 1].record_sha256 if index else GENESIS
    with store.session() as s:
        for r in rows[index:]:
            row = s.get(DecisionRecordRow, r.id)
            assert row is not None
            if r is rows[index]:
                row.public = {**row.public, "reasons": ["rewritten"]}
            row.prev_sha256 = prev
            row.record_sha256 = ChainFields.of(row).digest()
            prev = row.record_sha256
        head = s.get(DecisionChainRow, COUNCIL)
        assert head is not None
        head.head_sha256 = prev


def test_a_rewritten_chain_is_caught_by_the_signed_checkpoints(store: Store) -> None:
    _append(store, 6)  # checkpoint at #4
    _drop_append_only(store)
    _rewrite_from(store, 2)
    ok, seq, _, message = _only(store)
    assert (ok, seq) == (False, 4)
    assert "stored checkpoint" in message and "rewritten" in message


def test_an_exported_checkpoint_catches_a_rewrite_of_the_whole_database(
    store: Store, tmp_path: Path
) -> None:
    _append(store, 3)
    exported = checkpoint(store, COUNCIL)  # on demand, at #3
    assert exported.seq == 3 and exported.public_key
    cp_file = tmp_path / "council.checkpoint.json"
    cp_file.write_text(json.dumps(exported.to_file()))
    _append(store, 2)
    _drop_append_only(store)
    _rewrite_from(store, 1)
    with store.engine.begin() as conn:  # and remove the stored checkpoints that would tell
        conn.execute(delete(DecisionCheckpointRow))
    assert _only(store)[0] is True  # the database alone now looks consistent
    cp = Checkpoint.from_file(json.loads(cp_file.read_text()))
    [r] = verify(store, checkpoint=cp)
    assert r.problem is not None and r.problem.seq == 3
    assert "checkpoint file" in r.problem.message


def test_checkpoint_file_tampering_and_truncation_are_detected(store: Store) -> None:
    _append(store, 3)
    cp = checkpoint(store, COUNCIL)
    [r] = verify(store, checkpoint=cp)
    assert r.ok and r.external_checkpoints == 1 and r.checkpoints == 1
    from dataclasses import replace

    forged = replace(cp, head="f" * 64)
    [r] = verify(store, checkpoint=forged)
    assert r.problem is not None and "no valid signature" in r.problem.message
    later = replace(cp, seq=9)  # signed claims the chain reached #9
    [r] = verify(store, checkpoint=later)
    assert r.problem is not None and "no valid signature" not in r.problem.message
    assert "#9" in r.problem.message and "deleted" in r.problem.message


def test_checkpoint_refuses_to_sign_a_broken_chain(store: Store) -> None:
    _append(store, 2)
    _drop_append_only(store)
    rows = _rows(store)
    with store.engine.begin() as conn:
        conn.execute(
            update(DecisionRecordRow)
            .where(DecisionRecordRow.id == rows[1].id)
            .values(decision="SHARE_FULL")
        )
    with pytest.raises(ChainError, match="not signing"):
        checkpoint(store, COUNCIL)
    with pytest.raises(ChainError, match="unknown agency"):
        checkpoint(store, "no-such-agency")
    with pytest.raises(ChainError, match="no decision records"):
        checkpoint(store, SCHOOL)


def test_checkpoint_signatures_tampered_in_the_database_are_detected(store: Store) -> None:
    _append(store, 4)  # checkpoint at #4
    _drop_append_only(store)
    with store.engine.begin() as conn:
        conn.execute(update(DecisionCheckpointRow).values(signature="00" * 64))
    ok, seq, _, message = _only(store)
    assert (ok, seq) == (False, 4) and "no valid signature" in message


# --- concurrent appenders ------------------------------------------------------------------------


def _appender(env: dict[str, str], refs: list[str]) -> None:
    s = Store(load_settings(env))
    try:
        for ref in refs:
            record_decision(s, ref, failure="concurrent test")
    finally:
        s.close()


@pytest.mark.parametrize("workers,per_worker", [(4, 40)])
def test_concurrent_appenders_leave_one_unbroken_chain(
    store: Store, env: dict[str, str], workers: int, per_worker: int
) -> None:
    total = workers * per_worker
    refs = [store.requests.register(example("scenario3-trawl.json"), None) for _ in range(total)]
    # every worker also tries some of the others' refs: idempotency under the same lock
    batches = [refs[i::workers] + refs[(i + 1) % workers :: workers][:3] for i in range(workers)]
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_appender, args=(env, b)) for b in batches]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=240)
    assert [p.exitcode for p in procs] == [0] * workers
    rows = _rows(store)
    assert [r.chain_seq for r in rows] == list(range(1, total + 1))
    assert sorted(r.ref for r in rows) == sorted(refs)
    [report] = verify(store, COUNCIL)
    assert report.ok, report.problem
    assert report.records == total
    assert report.checkpoints == total // 4


# --- the command ---------------------------------------------------------------------------------


@pytest.fixture
def cli_store(
    store: Store, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Store]:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    for var in ("INFOSHARE_MASTER_KEY",):
        monkeypatch.delenv(var, raising=False)
    if "INFOSHARE_DATABASE_URL" not in env:
        monkeypatch.delenv("INFOSHARE_DATABASE_URL", raising=False)
    monkeypatch.setattr(store_module, "_default", None)
    yield store
    if store_module._default is not None:
        store_module._default.close()


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_cli_verify_checkpoint_and_errors(cli_store: Store, tmp_path: Path) -> None:
    store = cli_store
    assert run("records", "verify").output.strip() == "no decision records to verify"
    refs = _append(store, 3)
    good = run("records", "verify", "--json")
    assert good.exit_code == 0, good.output
    assert json.loads(good.output)["ok"] is True

    out = tmp_path / "cp.json"
    made = run("records", "checkpoint", "--agency", COUNCIL, "--out", str(out))
    assert made.exit_code == 0, made.output
    assert "#3" in made.output and out.exists()
    with_file = run("records", "verify", "--checkpoint", str(out))
    assert with_file.exit_code == 0, with_file.output
    assert "1 from" in with_file.output

    _drop_append_only(store)
    _modify_decision(store, _rows(store)[:1] * 3)  # record #1
    bad = run("records", "verify", "--agency", COUNCIL, "--json")
    assert bad.exit_code == 1
    data = json.loads(bad.stdout)
    assert data["ok"] is False
    assert data["chains"][0]["first_problem"]["ref"] == refs[0]
    assert refs[0] in bad.stderr and "Traceback" not in bad.output

    for args, fragment in [
        (("records", "verify", "--agency", "nope"), "nope"),
        (("records", "checkpoint", "--agency", "nope"), "nope"),
        (("records", "verify", "--checkpoint", str(tmp_path / "missing.json")), "missing.json"),
        (("records", "verify", "--checkpoint", str(out), "--agency", SCHOOL), SCHOOL),
    ]:
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert fragment in result.stderr and "Traceback" not in result.output
    junk = tmp_path / "junk.json"
    junk.write_text('{"checkpoint": {"format": "other"}}')
    result = run("records", "verify", "--checkpoint", str(junk))
    assert result.exit_code == 2 and "not a checkpoint file" in result.stderr
    result = run("records", "checkpoint", "--agency", SCHOOL)
    assert result.exit_code == 1 and "no decision records" in result.stderr


def test_verify_chain_on_an_empty_store(store: Store) -> None:
    assert verify(store) == []
    report = verify_chain(store, COUNCIL)
    assert report.ok and report.records == 0
