"""Setting up: ``infoshare init``, ``up`` and the registry."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from infoshare import prefect_api
from infoshare.cli.common import (
    emit,
    fail,
    json_option,
    main,
    open_store,
)
from infoshare.cli.db import upgrade_store
from infoshare.config import load_settings
from infoshare.files import private_umask
from infoshare.gate.config import embedded_auth_string
from infoshare.registry import spec

# --- set-up ------------------------------------------------------------------------------------


registry_option = click.option(
    "--registry",
    "registry_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=spec.DEMO_REGISTRY,
    show_default="the demo partnership",
    help="Partnership registry (JSON).",
)


@main.command()
@registry_option
@json_option
def init(registry_file: Path, as_json: bool) -> None:
    """Create or upgrade the store (`infoshare db upgrade`), load the registry and create agency
    keys (safe to repeat)."""
    from infoshare.setup import initialise

    done, _converted = upgrade_store(load_settings())
    store = open_store()
    report = initialise(store, registry_file)
    emit(
        as_json,
        {"home": str(store.settings.home), "schema": done.after, **report.__dict__},
        f"infoshare home {store.settings.home} (schema {done.after}): {report.agencies} "
        f"agencies, {report.people} people, {report.isas} ISAs; new keys for: "
        f"{', '.join(report.keys_created) or 'none'}"
        + (
            f"; deactivated (not in this registry; their codes withdrawn): "
            f"{', '.join(report.deactivated)}"
            if report.deactivated
            else ""
        )
        + (f"; active again: {', '.join(report.reactivated)}" if report.reactivated else ""),
    )


def _wait_http(
    what: str,
    url: str,
    proc: subprocess.Popen[bytes],
    log: Path,
    timeout: float,
    auth: str | None = None,
) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            fail(f"{what} exited while starting; its log ends:\n{tail}")
        try:
            if httpx.get(url, timeout=2, headers=_basic(auth)).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    fail(f"{what} was not ready at {url} within {timeout:.0f}s; see {log}")


def _basic(auth: str | None) -> dict[str, str]:
    """The header Prefect wants for its auth string: Basic and the whole string in base64."""
    if not auth:
        return {}
    import base64

    return {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()}


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


@main.command()
@click.option(
    "--port",
    default=4200,
    show_default=True,
    help="Port people open the Prefect UI on (infoshare's gate).",
)
@click.option(
    "--prefect-port",
    default=4201,
    show_default=True,
    help="Port of the local Prefect server (loopback, with an auth string: infoshare's own).",
)
@click.option(
    "--workspace-port", default=4300, show_default=True, help="Port of infoshare's workspace."
)
@registry_option
@json_option
def up(
    port: int, prefect_port: int, workspace_port: int, registry_file: Path, as_json: bool
) -> None:
    """Start everything on this machine: Prefect server (loopback, locked with an auth string),
    store, demo registry, deployment, infoshare's workspace, and the gate through which people
    reach the Prefect UI, signed in with the workspace's sign-in."""
    import socket

    from infoshare.setup import initialise

    def _stop_on_signal(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # run the clean-up below for `kill`, a closed terminal, Ctrl-C

    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGHUP, _stop_on_signal)
    private_umask()  # the server's database, logs and results: this user's alone
    upgrade_store(load_settings())  # tightens the home (and the Prefect home in it)
    store = open_store()
    report = initialise(store, registry_file)
    if not as_json:
        click.echo(
            f"store and registry ready in {store.settings.home} ({report.agencies} agencies)"
        )
    for taken, option in (
        (port, "--port"),
        (prefect_port, "--prefect-port"),
        (workspace_port, "--workspace-port"),
    ):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", taken)) == 0:
                fail(f"port {taken} is already in use; stop what uses it or pass {option}", 2)
    prefect_home = store.settings.home / "prefect"
    prefect_home.mkdir(parents=True, exist_ok=True, mode=0o700)
    auth = embedded_auth_string(store.settings.home, create=True)
    api = f"http://127.0.0.1:{prefect_port}/api"
    ui = f"http://localhost:{port}"  # localhost: the workspace's cookie goes to the gate too
    os.environ["PREFECT_API_URL"] = api  # this process's own calls (prefect_api) go there too
    env = {
        **os.environ,
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(prefect_port),
        "PREFECT_SERVER_API_AUTH_STRING": auth or "",
        "PREFECT_API_AUTH_STRING": auth or "",
        "INFOSHARE_HOME": str(store.settings.home),
        "INFOSHARE_PREFECT_UI_URL": ui,
        "INFOSHARE_GATE_URL": ui,
        "INFOSHARE_GATE_UPSTREAM": f"http://127.0.0.1:{prefect_port}",
    }
    env.setdefault("INFOSHARE_WORKSPACE_URL", f"http://localhost:{workspace_port}")
    worker, why = runs_served_by(env.get("INFOSHARE_WORKER"))
    env["INFOSHARE_WORKER"] = worker
    if not as_json:
        click.echo(why)
    workspace_url = env["INFOSHARE_WORKSPACE_URL"]
    gate_log = store.settings.home / "gate.log"
    server_log = prefect_home / "server.log"
    serve_log = store.settings.home / "serve.log"
    workspace_log = store.settings.home / "workspace.log"
    logs = [str(server_log), str(serve_log), str(workspace_log), str(gate_log)]
    with server_log.open("ab") as slog:
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
             "--port", str(prefect_port)],
            env=env, stdout=slog, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            if not as_json:
                click.echo("starting the Prefect server ...")
            _wait_http("the Prefect server", f"{api}/health", server, server_log, 120)
            runner = Supervised(
                "the runner (flows.serve)",
                lambda: _start_runner(env, serve_log),
                serve_log,
                None if as_json else click.echo,
            )
            try:
                _wait_http(
                    "the share-request deployment",
                    f"{api}/deployments/name/{prefect_api.DEPLOYMENT}",
                    runner.proc,
                    serve_log,
                    120,
                    auth,
                )
                workspace = _start_workspace(env, workspace_port, workspace_log)
                try:
                    _wait_http("the workspace", f"http://127.0.0.1:{workspace_port}/health",
                               workspace, workspace_log, 60)  # fmt: skip
                    gate = _start_gate(env, port, gate_log)
                    try:
                        _wait_http("the gate", f"http://127.0.0.1:{port}/gate/health", gate,
                                   gate_log, 60)  # fmt: skip
                        emit(
                            as_json,
                            {"ui": ui, "workspace": workspace_url, "api": api,
                             "home": str(store.settings.home), "logs": logs},
                            f"\ninfoshare is running.\n"
                            f"  Prefect UI:  {ui}  (through infoshare's gate: sign in to the "
                            "workspace first)\n"
                            f"  Workspace:   {workspace_url}  (sign in, prepare, approve, read)\n"
                            f"  Submit a request: {ui}/deployments -> share-request -> Run\n"
                            f"  Logs: {', '.join(logs)}\nPress Ctrl-C to stop.\n",
                        )  # fmt: skip
                        while all(p.poll() is None for p in (server, workspace, gate)):
                            runner.check()  # one bad run must never stop the stack
                            time.sleep(1)
                        fail("a component stopped unexpectedly; see the logs above")
                    finally:
                        _stop(gate)
                finally:
                    _stop(workspace)
            except KeyboardInterrupt:
                click.echo("stopping ...")
            finally:
                runner.stop()
        finally:
            _stop(server)


def runs_served_by(chosen: str | None, platform: str = sys.platform) -> tuple[str, str]:
    """How ``up`` runs flows (``INFOSHARE_WORKER`` for ``flows.serve``), and a line saying so.
    Unless chosen: infoshare's own worker, which forks each run's process from one that has
    imported Prefect and the flows once (issue 16: seconds of CPU less per run), where fork is
    safe (Linux); elsewhere Prefect's runner, a new Python per run. The worker itself still
    spawns each run, saying so in serve.log, if its fork server finds fork unsafe."""
    if chosen:
        return chosen, f"runs served as INFOSHARE_WORKER={chosen} says"
    if hasattr(os, "fork") and platform.startswith("linux"):
        return "fork", (
            "runs served by infoshare's own worker (INFOSHARE_WORKER=fork, the default here: "
            "each run's process forked from one that imported the flows once; "
            "INFOSHARE_WORKER=serve for Prefect's runner)"
        )
    return "serve", (
        f"runs served by Prefect's runner (INFOSHARE_WORKER=serve): fork is not safe on "
        f"{platform}, so each run starts a new Python"
    )


def _start_runner(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start ``flows.serve``, first releasing any run Prefect could not hand to it (one such
    run stops the runner at every start until it is released)."""
    try:
        for run_id in prefect_api.release_unservable_runs():
            click.echo(f"{time.strftime('%H:%M:%S')} {prefect_api.released_note(run_id)}")
    except prefect_api.PrefectApiError as exc:
        click.echo(f"infoshare: could not check for runs Prefect cannot serve: {exc}", err=True)
    with log.open("ab") as fh:
        return subprocess.Popen(
            [sys.executable, "-m", "flows.serve"],
            env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


class Supervised:
    """A process that is started again whenever it exits, saying so, after a pause that doubles
    with each quick exit (1 s up to 60 s) and starts again from 1 s once it has stayed up for
    ``STEADY`` seconds. The runner stops when a run's data breaks Prefect's answers to its poll
    (issue 18: a lone surrogate); the server and the other runs must carry on meanwhile."""

    FIRST, LONGEST, STEADY = 1.0, 60.0, 300.0

    def __init__(
        self,
        name: str,
        start: Callable[[], subprocess.Popen[bytes]],
        log: Path,
        say: Callable[[str], Any] | None,
    ) -> None:
        self.name, self._start, self.log, self._say = name, start, log, say
        self.proc = start()
        self.started = time.monotonic()
        self.restarts = 0
        self.pause = self.FIRST
        self._due: float | None = None

    def check(self) -> None:
        """Call often: notices an exit and starts the process again when its pause is over."""
        now = time.monotonic()
        if self._due is None:
            code = self.proc.poll()
            if code is None:
                if now - self.started > self.STEADY:
                    self.pause = self.FIRST
                return
            self._due = now + self.pause
            self._tell(
                f"{self.name} stopped (exit code {code}); starting it again in "
                f"{self.pause:.0f} s (see {self.log})"
            )
            self.pause = min(self.pause * 2, self.LONGEST)
        elif now >= self._due:
            self._due = None
            self.proc = self._start()
            self.started = now
            self.restarts += 1
            self._tell(f"{self.name} started again (restart {self.restarts}, pid {self.proc.pid})")

    def _tell(self, text: str) -> None:
        if self._say is not None:
            self._say(f"{time.strftime('%H:%M:%S')} {text}")
        else:
            click.echo(f"infoshare: {text}", err=True)

    def stop(self) -> None:
        _stop(self.proc)


def _start_workspace(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as fh:
        return subprocess.Popen(
            [sys.executable, "-m", "infoshare", "workspace", "serve", "--port", str(port)],
            env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def _start_gate(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """The gate listens on loopback like everything else here; people on this machine open
    it at http://localhost:<port>."""
    with log.open("ab") as fh:
        return subprocess.Popen(
            [sys.executable, "-m", "infoshare", "gate", "serve", "--port", str(port)],
            env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


# --- registry and envelopes --------------------------------------------------------------------


@main.group("registry")
def registry_group() -> None:
    """The partnership registry."""


@registry_group.command("load")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@json_option
def registry_load(file: Path, as_json: bool) -> None:
    """Load or update the registry from FILE (and create keys for new agencies), and refresh
    the run form's agency and people selects where Prefect is reachable."""
    init.callback(registry_file=file, as_json=as_json)  # type: ignore[misc]
    try:
        done = prefect_api.refresh_request_form(open_store().partnership())
    except prefect_api.PrefectApiError as exc:
        click.echo(
            f"run form not refreshed ({exc}); it is when the flows are next served", err=True
        )
        return
    if not as_json:
        click.echo("run form refreshed" if done else "no share-request deployment yet: its run "
                   "form gets the registry when it is served or deployed")  # fmt: skip


@registry_group.command("show")
@json_option
def registry_show(as_json: bool) -> None:
    """Agencies, their people and who may sign off."""
    p = open_store().partnership()
    data: dict[str, dict[str, Any]] = {
        a.id: {
            "name": a.name,
            "kind": a.kind,
            "approver_roles": list(a.approver_roles),
            "deputy": a.deputy,
            "on_call": list(a.on_call),
            "signoff_rules": [
                {
                    "tiers": sorted(r.tiers),
                    "special_category": r.special_category,
                    "roles": list(r.roles),
                }
                for r in a.signoff_rules
            ],  # fmt: skip
            "four_eyes": a.four_eyes,
            "people": [{"id": m.id, "name": m.name, "role": m.role} for m in p.members_of(a.id)],
        }
        for a in p.agencies.values()
    }
    lines = []
    for aid, a in data.items():
        lines.append(
            f"{aid}: {a['name']} ({a['kind']}); sign-off: {', '.join(a['approver_roles'])}"
            + (f"; deputy: {a['deputy']}" if a["deputy"] else "")
            + (f"; on call: {', '.join(a['on_call'])}" if a["on_call"] else "")
        )
        for rule in a["signoff_rules"]:
            when = "/".join(rule["tiers"]) or "any tier"
            data_kind = ", special-category data" if rule["special_category"] else ""
            lines.append(f"    ({when}{data_kind}): {', '.join(rule['roles'])}")
        if a["four_eyes"]:
            lines.append("    four eyes on overrides of RED/EMERGENCY or special-category data")
        lines += [f"    {m['id']:<20} {m['role']}" for m in a["people"]]
    emit(as_json, data, "\n".join(lines) or "the registry is empty: run `infoshare init`")
