"""Production shape: `prefect deploy --all` from prefect.yaml and a process worker, driven
entirely through the `infoshare` CLI (submit, provide, approve, records show) as a user would.

With INFOSHARE_TEST_POSTGRES_URL set, both the Prefect server and infoshare's store run on
PostgreSQL (a fresh database and a fresh schema, dropped afterwards), as in production."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT, outbox_code, outbox_confirmation
from deploy_support import cli, cli_json, fresh_postgres, prefect
from prefect_server import start_prefect_server


@pytest.fixture
def databases() -> Iterator[tuple[str | None, dict[str, str]]]:
    """(Prefect database URL, store settings): PostgreSQL when available, else SQLite."""
    with fresh_postgres() as dbs:
        if dbs is None:
            yield None, {}
        else:
            yield dbs.prefect_url(), {"INFOSHARE_DATABASE_URL": dbs.store_url()}


def test_deploy_all_and_process_worker_with_cli_approval(
    tmp_path: Path, databases: tuple[str | None, dict[str, str]]
) -> None:
    prefect_db, store_env = databases
    with start_prefect_server(tmp_path / "prefect", database_url=prefect_db) as server:
        env = server.subprocess_env(
            {
                "INFOSHARE_HOME": str(tmp_path / "infoshare"),
                "INFOSHARE_CODE_DIR": str(ROOT),
                "PREFECT_WORKER_QUERY_SECONDS": "1",
                **store_env,
            }
        )
        # No SMTP: codes go to the outbox, where this test (a new user) reads them. The
        # session-wide `stack` fixture sets INFOSHARE_SMTP_URL in this process for its flows.
        env.pop("INFOSHARE_SMTP_URL", None)
        cli(env, "init")
        prefect(env, "work-pool", "create", "infoshare", "--type", "process")
        prefect(env, "deploy", "--all")
        log = (tmp_path / "worker.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-m", "prefect", "worker", "start", "--pool", "infoshare"],
            env=env,
            cwd=tmp_path,  # the deployment's pull step must find the code, not the cwd
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            submitted = cli_json(
                env, "submit", str(EXAMPLES / "scenario1-school-attendance.json"), "--wait", "90"
            )
            run_id, ref = submitted["flow_run_id"], submitted["reference"]
            assert ref and ref.startswith("ISR-"), submitted  # the officer gets the reference
            assert wait_for_status(env, run_id, "AWAITING_SIGNOFF", tmp_path) == ref
            # the office manager proves it is her with the code mailed to her (the outbox here)
            provide = [
                "provide",
                ref,
                "item-1",
                "--as",
                "school-office",
                "--text",
                "Attendance 81%",
            ]
            assert cli(env, *provide, check=False).returncode == 2
            mailed = outbox_confirmation(
                tmp_path / "infoshare", "ruth.clarke@academy.northshire.example"
            )
            cli(env, *provide, "--code", mailed)
            # a sign-off by the requester is refused and the run waits again
            cli(env, "approve", ref, "--as", "yjs-worker", "--code", "ZZZZZ-ZZZZZ",
                "--decision", "SHARE", "--item", "item-1", "--reasons", "I asked for it myself.")  # fmt: skip
            wait_for_refusals(env, ref, 1, tmp_path)
            # no SMTP server configured: the code is in the outbox, where a new user reads it
            code = outbox_code(
                tmp_path / "infoshare", ref, "helen.price@academy.northshire.example"
            )
            cli(env, "approve", run_id, "--as", "school-head", "--code", code, "--decision",
                "SHARE", "--item", "item-1", "--reasons", "Attendance is all the plan needs.")  # fmt: skip
            record = wait_for_record(env, ref, tmp_path)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(30)
            log.close()
    assert record["decision"] == "SHARE_PARTIAL"
    assert record["approvers"][0]["id"] == "school-head"
    assert record["shared"]["items"] == ["item-1"]
    assert record["personal"]["subjects"][0]["name"] == "Jamie Fictitious-Pupil"


def _poll(what: str, tmp_path: Path, check: Any, timeout: float = 150) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(1)
    pytest.fail(
        f"{what} did not happen; worker log:\n{(tmp_path / 'worker.log').read_text()[-3000:]}"
    )


def wait_for_status(env: dict[str, str], run_id: str, status: str, tmp_path: Path) -> str:
    def check() -> str | None:
        for r in cli_json(env, "requests", "list"):
            if r["flow_run_id"] == run_id and r["status"] == status:
                return str(r["reference"])
        return None

    return str(_poll(f"status {status}", tmp_path, check))


def wait_for_refusals(env: dict[str, str], ref: str, n: int, tmp_path: Path) -> None:
    from infoshare.config import load_settings
    from infoshare.models import Step
    from infoshare.store import Store

    store = Store(load_settings(env))
    try:
        _poll(
            f"{n} refused sign-off",
            tmp_path,
            lambda: store.requests.attempts(ref, Step.SIGNOFF) >= n,
        )
        # and the run is suspended again, waiting for the real approver
        run_id = store.requests.meta(ref).flow_run_id or ""
        _poll("the run to suspend again", tmp_path, lambda: _run_paused(env, run_id))
    finally:
        store.close()


def _run_paused(env: dict[str, str], run_id: str) -> bool:
    import httpx

    body = httpx.get(f"{env['PREFECT_API_URL']}/flow_runs/{run_id}", timeout=10).json()
    return bool(body["state"]["type"] == "PAUSED")


def wait_for_record(env: dict[str, str], ref: str, tmp_path: Path) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        proc = cli(env, "records", "show", ref, "--json", "--personal", "--as", "yjs-worker",
                   "--why", "checking what was shared for the plan", check=False)  # fmt: skip
        return json.loads(proc.stdout) if proc.returncode == 0 else None

    result: dict[str, Any] = _poll("the decision record", tmp_path, check)
    return result


def test_prefect_yaml_declares_the_same_recording_automations_as_serve() -> None:
    """prefect.yaml (production) and flows.serve (embedded) declare the automations that record
    runs which ended badly or went silent: they must not drift apart."""
    import yaml
    from prefect.events import DeploymentEventTrigger

    from flows.watchdog import HEARTBEAT_SECONDS, RECORD_ENDED_RUN_TRIGGER, silent_run_trigger

    deployments = yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]
    (recorder,) = [d for d in deployments if d["name"] == "record-ended-run"]
    declared = [
        DeploymentEventTrigger.model_validate({k: v for k, v in t.items() if k != "type"})
        for t in recorder["triggers"]
    ]
    expected = [RECORD_ENDED_RUN_TRIGGER, silent_run_trigger(HEARTBEAT_SECONDS)]
    assert [t.model_dump(exclude={"name"}) for t in declared] == [
        t.model_dump(exclude={"name"}) for t in expected
    ]
    (share,) = [d for d in deployments if d["name"] == "share-request"]
    env = share["work_pool"]["job_variables"]["env"]
    assert env["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"] == str(HEARTBEAT_SECONDS)
