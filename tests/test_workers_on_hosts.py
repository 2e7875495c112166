"""Workers on separate hosts (README "Production"), with the Prefect server's auth string on.

Four hosts on this machine (tests/netns.py: network namespaces, veth links, nothing routed off
the machine): ``prefect`` runs the Prefect server on PostgreSQL with
PREFECT_SERVER_API_AUTH_STRING set; ``worker-1`` and ``worker-2`` each run ``prefect worker
start --pool infoshare`` (a process worker) with an INFOSHARE_HOME of its own that holds only
its own copy of the agency keys, copied there as README "Agency keys on workers" says; the
machine itself is the database host (its PostgreSQL listens on loopback only: a relay on the
links' root ends forwards to it), the mail server, the share the directory transport delivers
to (each worker's INFOSHARE_HOME/inbox is a mount of it), and the operator's machine, where
`infoshare init`, `prefect deploy --all` and the CLI run. Every part that talks to Prefect
(the workers and the flows they run: share-request, the recorder, the watchdog, retention; the
CLI) does so with PREFECT_API_AUTH_STRING; the server refuses anything without it.

Requests run across both workers; one worker's host is torn down (every process in it
SIGKILLed, its namespace deleted) while a run it picked up is in the transfer step, after the
delivery. Nothing on that host reports anything: the run stays Running until its silence is
noticed. The ``record-ended-run`` automation notices it after three missed heartbeats (3 x 60 s
as prefect.yaml deploys it); here the test starts the run that automation starts, with the
same parameters, rather than wait three minutes (tests/test_watchdog.py waits for the
automation itself on the served stack; set INFOSHARE_TEST_WAIT_FOR_SILENCE=1 to wait here too).
The other worker runs it and everything else, and every request ends with exactly one decision
record and its envelope delivered once.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import netns
import pytest
from conftest import (
    EXAMPLES,
    POSTGRES_ENV,
    ROOT,
    Mailbox,
    example,
    records_of,
    wait_until,
)
from deploy_support import INFOSHARE, PREFECT, cli, cli_json, fresh_postgres, meanwhile, prefect
from prefect_server import start_prefect_server

from infoshare import prefect_api
from infoshare.config import load_settings
from infoshare.store import Store

WORKERS = ("worker-1", "worker-2")
HOSTS = ("prefect", *WORKERS)
SCENARIO = "scenario1-school-attendance.json"  # GREEN, consent obtained: one sign-off
HEAD = "helen.price@academy.northshire.example"  # the school's headteacher, who signs off
RECIPIENT = "northshire-yjs"
REQUESTS = 3
# infoshare's own worker (README "infoshare's own worker"): each execution is forked from a
# process that imported Prefect and the flows once per host; a process worker's new Python per
# execution costs seconds of CPU each, which this test's budget cannot pay (the process worker
# is tested in tests/test_production_deploy.py)
WORKER_TYPE = "infoshare-fork"
SILENT = 180  # prefect.yaml: a run silent for 3 x 60 s has lost its machine


@dataclass
class Site:
    """The production shape on hosts, as the operator set it up."""

    net: netns.Network
    operator: dict[str, str]  # the environment of the operator's commands (root namespace)
    homes: dict[str, Path]  # each worker's INFOSHARE_HOME
    logs: dict[str, Path]  # each worker's log
    share: Path  # the inbox share
    store: Store  # the store, as the operator's machine opens it
    api_url: str  # the Prefect API, from the operator's machine
    auth: str

    def log(self, worker: str) -> str:
        return self.logs[worker].read_text(errors="replace")


def _copy_agency_keys(source: Path, home: Path) -> None:
    """README "Agency keys on workers": each agency's key folder, readable only by the worker's
    user (``rsync -a --delete --chmod=D700,F600``)."""
    for agency in sorted((source / "keys" / "agencies").iterdir()):
        target = home / "keys" / "agencies" / agency.name
        shutil.copytree(agency, target)
        for path in [target, *target.rglob("*")]:
            path.chmod(0o700 if path.is_dir() else 0o600)
    for folder in (home, home / "keys", home / "keys" / "agencies"):
        folder.chmod(0o700)


@pytest.fixture(scope="module")
def site(mailbox: Mailbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if why := netns.unavailable():
        pytest.skip(f"workers on separate hosts: {why}")
    with fresh_postgres() as dbs, netns.network() as net, ExitStack() as stack:
        if dbs is None:
            pytest.skip(f"workers on separate hosts share PostgreSQL: set {POSTGRES_ENV}")
        tmp = tmp_path_factory.mktemp("hosts")
        for host in HOSTS:
            net.add(host)
            net.link(netns.ROOT, host)  # PostgreSQL, mail; the operator reaches Prefect
        for worker in WORKERS:
            net.link("prefect", worker)
        smtp = urlsplit(mailbox.url).port
        routes = {f"{net.address(netns.ROOT, h)}:5432": "127.0.0.1:5432" for h in HOSTS}
        routes |= {f"{net.address(netns.ROOT, w)}:2525": f"127.0.0.1:{smtp}" for w in WORKERS}
        stack.enter_context(netns.relay(routes, tmp / "relay.log"))

        auth = f"infoshare:{secrets.token_urlsafe(24)}"  # PREFECT_SERVER_API_AUTH_STRING
        master_key = base64.b64encode(os.urandom(32)).decode()  # from the secret store
        store_env = {
            "INFOSHARE_HOME": str(tmp / "operator" / "infoshare"),
            "INFOSHARE_DATABASE_URL": dbs.store_url(),
            "INFOSHARE_MASTER_KEY": master_key,
        }
        # `infoshare init` needs only the store: it runs while the Prefect server starts
        with meanwhile([*INFOSHARE, "init"], {**os.environ, **store_env}):
            server = stack.enter_context(
                start_prefect_server(
                    tmp / "prefect",
                    database_url=dbs.prefect_url(net.address(netns.ROOT, "prefect")),
                    auth_string=auth,
                    wrap=net.hosts["prefect"].exec([]),
                    host=net.address("prefect", netns.ROOT),
                )
            )
        operator = server.subprocess_env(
            {
                **store_env,
                "PREFECT_HOME": str(tmp / "operator" / "prefect"),
                "INFOSHARE_SMTP_URL": mailbox.url,
                "INFOSHARE_CODE_DIR": str(ROOT),
            }
        )
        prefect(operator, "work-pool", "create", "infoshare", "--type", WORKER_TYPE)
        with meanwhile([*PREFECT, "deploy", "--all"], operator):  # the workers start meanwhile
            share = tmp / "share"
            share.mkdir(mode=0o700)
            homes, logs = {}, {}
            for worker in WORKERS:
                home = homes[worker] = tmp / worker / "home"  # no "infoshare" folder in its cwd
                home.mkdir(parents=True)
                _copy_agency_keys(Path(operator["INFOSHARE_HOME"]), home)
                (home / "inbox").symlink_to(share)  # the directory transport's share, mounted
                link = net.address(netns.ROOT, worker)  # the database host and mail server
                env = server.subprocess_env(
                    {
                        "PREFECT_API_URL": f"http://{net.address('prefect', worker)}:4200/api",
                        "PREFECT_HOME": str(tmp / worker / "prefect"),
                        "PREFECT_WORKER_QUERY_SECONDS": "1",
                        "INFOSHARE_HOME": str(home),
                        "INFOSHARE_DATABASE_URL": dbs.store_url(link),
                        "INFOSHARE_MASTER_KEY": master_key,
                        "INFOSHARE_SMTP_URL": f"smtp://{link}:2525?starttls=0",
                    }
                )
                logs[worker] = tmp / worker / "worker.log"
                with logs[worker].open("wb") as out:
                    net.hosts[worker].popen(
                        [sys.executable, "-m", "prefect", "worker", "start", "--pool", "infoshare",
                         "--name", worker, "--limit", "2"],
                        env=env, cwd=tmp / worker, stdout=out, stderr=subprocess.STDOUT,
                    )  # fmt: skip
        store = Store(load_settings(operator))
        try:
            site = Site(net, operator, homes, logs, share, store, server.api_url, auth)
            wait_until("both workers to poll the pool", lambda: _online(site) == set(WORKERS), 120)
            yield site
        finally:
            store.close()


def _api(site: Site, method: str, path: str, **kw: Any) -> httpx.Response:
    """A call to the Prefect API with the server's auth string, as infoshare's parts make."""
    token = base64.b64encode(site.auth.encode()).decode()
    headers = {"Authorization": f"Basic {token}"}
    return httpx.request(method, f"{site.api_url}{path}", headers=headers, timeout=30, **kw)


def _online(site: Site) -> set[str]:
    resp = _api(site, "POST", "/work_pools/infoshare/workers/filter", json={})
    return {w["name"] for w in resp.json()} if resp.status_code == 200 else set()


def _state(run_id: str) -> str:
    return prefect_api.run(run_id).state_type


def _host_running(site: Site, run_id: str) -> str | None:
    """The worker whose host runs the flow run's process (the pid its worker reported)."""
    resp = _api(site, "GET", f"/flow_runs/{run_id}")
    reported = resp.json().get("infrastructure_pid") if resp.status_code == 200 else None
    if not reported:
        return None
    pid = int(str(reported).rpartition(":")[2])
    found = [w for w in WORKERS if w in site.net.hosts and pid in site.net.hosts[w].pids()]
    return found[0] if found else None


REASONS = "Attendance is all the plan needs."


def _approve(site: Site, mailbox: Mailbox, ref: str) -> None:
    """The headteacher signs off from the command line, with the code mailed to her."""
    cli(site.operator, "approve", ref, "--as", "school-head", "--code",
        mailbox.latest_code(ref, HEAD), "--decision", "SHARE", "--item", "item-1",
        "--reasons", REASONS)  # fmt: skip


def _approve_in_the_ui(mailbox: Mailbox, run_id: str, ref: str) -> None:
    """The same answer through the resume form (the endpoint the Prefect UI posts to)."""
    prefect_api.resume(run_id, {"approver_id": "school-head", "code": mailbox.latest_code(ref, HEAD),
                                "decision": "SHARE", "approved_items": ["item-1"],
                                "reasons": REASONS})  # fmt: skip


def _wait_finished(run_id: str, what: str, timeout: float = 120) -> str:
    ended = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")
    return str(wait_until(what, lambda: (s := _state(run_id)) in ended and s, timeout))


def _sweep_since(site: Site, since: datetime) -> str | None:
    """A watchdog run that started after ``since`` and completed."""
    resp = _api(site, "POST", "/flow_runs/filter", json={
        "flows": {"name": {"any_": ["timeliness-watchdog"]}},
        "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}},
                      "start_time": {"after_": since.isoformat()}},
    })  # fmt: skip
    resp.raise_for_status()
    return str(resp.json()[0]["id"]) if resp.json() else None


def _waiting_for_signoff(store: Store, run_id: str) -> str:
    ref = wait_until("the run to take the request in", lambda: store.requests.ref_for_run(run_id))
    wait_until(
        f"{ref} to wait for sign-off",
        lambda: (
            store.requests.meta(ref).status == "AWAITING_SIGNOFF" and _state(run_id) == "PAUSED"
        ),
    )
    return str(ref)


def _wait_for_record(store: Store, ref: str, timeout: float) -> None:
    wait_until(f"{ref}'s decision record", lambda: store.chain.record(ref), timeout)


def test_requests_run_across_two_worker_hosts_and_one_host_torn_down_mid_run(
    site: Site, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = site.store
    monkeypatch.setenv("PREFECT_API_URL", site.api_url)  # this process's calls, as the CLI's
    monkeypatch.setenv("PREFECT_API_AUTH_STRING", site.auth)
    # the server answers nobody without its auth string
    refused = httpx.get(f"{site.api_url}/deployments/name/share-request/share-request", timeout=10)
    assert refused.status_code == 401

    # an officer submits from the command line; more requests come in from the run form
    first = cli_json(site.operator, "submit", str(EXAMPLES / SCENARIO), "--wait", "0")
    runs = [first["flow_run_id"]]
    runs += [prefect_api.submit({"request": example(SCENARIO)}).id for _ in range(REQUESTS - 1)]
    refs = {run_id: _waiting_for_signoff(store, run_id) for run_id in runs}
    for ref in refs.values():  # the school's office prepares the attendance figures
        store.requests.provide_item(ref, "item-1", b"Attendance 2025-26: 81%.", "school-office")
    took_in = {w: [r for r in runs if r in site.log(w)] for w in WORKERS}
    assert all(took_in.values()), f"a worker took no request in: {took_in}"

    # one request is approved; its run, resumed on one of the workers, delivers the envelope
    # and is held telling the requester: that worker's host is torn down there
    held_run = runs[0]
    with mailbox.hold("delivery_notice", held_run) as held:
        _approve(site, mailbox, refs[held_run])
        assert held.arrived.wait(120), "the resumed run never delivered"
        victim = wait_until("the run's host", lambda: _host_running(site, held_run), 10)
        site.net.tear_down(victim)
    (survivor,) = [w for w in WORKERS if w != victim]
    assert _state(held_run) == "RUNNING"  # nobody told Prefect

    # the other requests are approved and go on, on the worker left
    for run_id in runs[1:]:
        _approve_in_the_ui(mailbox, run_id, refs[run_id])
    if os.environ.get("INFOSHARE_TEST_WAIT_FOR_SILENCE"):
        recorder = None
    else:  # what the record-ended-run automation starts after 3 heartbeats of silence
        recorder = prefect_api.submit(
            {"flow_run_id": held_run, "silent_seconds": SILENT}, "record-ended-run/record-ended-run"
        ).id
    for ref in refs.values():
        _wait_for_record(store, ref, SILENT + 120 if recorder is None else 120)
    for run_id in runs[1:]:
        assert _wait_finished(run_id, "the run to finish") == "COMPLETED"
    crashed = prefect_api.run(held_run)
    assert crashed.state_type == "CRASHED"
    assert f"No heartbeat for {SILENT} s" in (crashed.state_message or "")

    # the watchdog (every minute, and once more now) and retention run on the worker left,
    # with the auth string; a sweep finds nothing left to record
    recorded = datetime.now(UTC)
    prefect_api.submit({}, "timeliness-watchdog/watchdog")  # cancelled if one is running
    retention = prefect_api.submit({}, "retention/retention").id
    sweep = wait_until("a sweep after the records", lambda: _sweep_since(site, recorded), 120)
    assert _wait_finished(retention, "retention") == "COMPLETED"
    if recorder is not None:
        assert _wait_finished(recorder, "the recorder") == "COMPLETED"
        assert recorder in site.log(survivor)
    assert sweep in site.log(survivor) and retention in site.log(survivor)

    # every request: exactly one record, saying it was shared; one envelope each, delivered once
    envelopes = {p.stem for p in (site.share / RECIPIENT).glob("*.isenv")}
    sent = set()
    for run_id, ref in refs.items():
        assert records_of(store, ref) == 1
        found = store.chain.record(ref)
        assert found is not None
        record = found[0].public
        assert record["decision"] == "SHARE_PARTIAL", record["reasons"]
        assert record["reasons"] == ["Approved at sign-off and delivered."]
        assert record["shared"]["with"] == RECIPIENT and record["shared"]["items"] == ["item-1"]
        sent.add(record["shared"]["envelope_id"])
        assert len(mailbox.sent(ref, "outcome")) == 1  # the requester is told once
        assert len(mailbox.sent(ref, "delivery_notice")) == (run_id != held_run)
    assert envelopes == sent and len(sent) == REQUESTS
    moved = [r for r in took_in[victim] if r != held_run]
    print(f"torn down: {victim}; requests it took in and {survivor} finished: {len(moved)}")
