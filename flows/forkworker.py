"""The infoshare-fork worker: a Prefect worker type whose flow-run processes are forked from a
process that has already imported Prefect and infoshare's flows (flows/forkserver.py).

A process worker starts ``python -m prefect.engine`` per flow run, and each pays seconds of
CPU importing Prefect and the flows before its run does milliseconds of work. This worker
starts one fork server when it first needs it; each flow run is then a child forked from it,
running the same engine entry point in its own session with the run's environment, as the
process worker's subprocess would. Everything else is Prefect's ``BaseWorker``: polling,
concurrency limits (``--limit``), heartbeats (sent by the flow-run process), marking a run
Crashed when its process exits non-zero (a SIGKILL is status -9), and shutdown.

Registered through the ``prefect.collections`` entry point (pyproject.toml), so that
``prefect work-pool create --type infoshare-fork POOL`` and ``prefect worker start --pool POOL``
work as for the process worker.

Each run's flow is infoshare's flow of that name, imported from infoshare's catalogue
(flows/catalogue.py, ``PREFECT__FLOW_ENTRYPOINT``), never loaded through the run's deployment:
a deployment's pull steps and entrypoint can be changed by anyone who reaches Prefect's API, and
Prefect's engine would run those steps before any of infoshare's code. A run of any other flow
is refused (Crashed, saying why). Both processes start with ``python -P``: a folder named like
one of infoshare's packages in the working directory is never imported instead.

Where fork is unsafe (no fork, or the fork server finds threads after its imports) or the fork
server cannot start, the worker says so in its log, once, and spawns ``python -m
prefect.engine`` per run instead: slower, never silent.

Cancelling a run that is executing: the worker looks at the state of each run it has a process
for every INFOSHARE_FORK_CANCEL_POLL seconds (default 5); a run Cancelling has its process
group killed (SIGKILL: a SIGTERM would make Prefect's engine report a crash) and is then marked
Cancelled, which the automation declared with the deployments records (flows/watchdog.py); the
flow's on_cancellation hook does not run in the killed process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import anyio.abc
import httpx
from prefect.client.schemas.responses import SetStateStatus
from prefect.exceptions import InfrastructureNotAvailable, InfrastructureNotFound
from prefect.settings import get_current_settings
from prefect.states import Cancelled, Crashed
from prefect.workers.base import (
    BaseJobConfiguration,
    BaseVariables,
    BaseWorker,
    BaseWorkerResult,
)
from pydantic import Field

from flows import catalogue
from infoshare import prefect_api

if TYPE_CHECKING:
    from prefect.client.schemas.objects import FlowRun

WORKER_TYPE = "infoshare-fork"
KILL_GRACE_S = 30


# Prefect's settings as environment variables, for the settings object they were read from
_base_env: tuple[object, dict[str, str]] | None = None


class ForkJobConfiguration(BaseJobConfiguration):
    working_dir: Path | None = Field(default=None)

    @classmethod
    def _base_environment(cls) -> dict[str, str]:
        """What every worker passes to each run (Prefect's settings), worked out once per
        settings object rather than for each run: about 19 ms of the worker's CPU each time."""
        global _base_env
        settings = get_current_settings()
        if _base_env is None or _base_env[0] is not settings:
            _base_env = (settings, super()._base_environment())
        return dict(_base_env[1])

    def prepare_for_flow_run(
        self, flow_run: FlowRun, deployment: Any = None, flow: Any = None, *args: Any, **kw: Any
    ) -> None:
        super().prepare_for_flow_run(flow_run, deployment, flow, *args, **kw)
        # the worker's environment, then the run's (as the process worker does), then where
        # infoshare's flow of this name is imported from, whatever the deployment says
        where = catalogue.entrypoint(flow.name) if flow is not None else None
        self.env = {**os.environ, **self.env, catalogue.ENTRYPOINT_ENV: where}


class ForkVariables(BaseVariables):
    working_dir: Path | None = Field(
        default=None,
        title="Working Directory",
        description="Where flow-run processes start; by default a new temporary directory.",
    )


class ForkWorkerResult(BaseWorkerResult):
    """The exit status of a flow-run process (negative: the signal that ended it)."""


class ForkServerGone(RuntimeError):
    pass


class ForkServer:
    """The worker's end of the fork server's channel (protocol in flows/forkserver.py)."""

    def __init__(
        self,
        process: asyncio.subprocess.Process,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        hello: dict[str, Any],
    ) -> None:
        self.process = process
        self.reader = reader
        self.writer = writer
        self.pid: int = hello["ready"]
        self.unsafe: str | None = hello["unsafe"]
        self.errors: list[str] = hello.get("errors", [])
        self._next = 0
        self._started: dict[int, asyncio.Future[int]] = {}
        self._exits: dict[int, asyncio.Future[int]] = {}
        self._early: dict[int, int] = {}
        self._listener = asyncio.get_running_loop().create_task(self._listen())

    @classmethod
    async def start(cls) -> ForkServer:
        ours, theirs = socket.socketpair()
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-P",  # not the working directory's modules
                "-m",
                "flows.forkserver",
                str(theirs.fileno()),
                pass_fds=(theirs.fileno(),),
                stdin=asyncio.subprocess.DEVNULL,
                start_new_session=True,  # not in the terminal's group: Ctrl-C is the worker's
            )
        finally:
            theirs.close()
        reader, writer = await asyncio.open_unix_connection(sock=ours)
        line = await reader.readline()
        if not line:
            writer.close()
            raise ForkServerGone(f"the fork server exited ({await process.wait()}) before ready")
        return cls(process, reader, writer, json.loads(line))

    @property
    def alive(self) -> bool:
        return not self._listener.done()

    async def _listen(self) -> None:
        try:
            while line := await self.reader.readline():
                message = json.loads(line)
                if "exit" in message:
                    pid, status = int(message["exit"]), int(message["status"])
                    if pid in self._exits:
                        self._exits.pop(pid).set_result(status)
                    else:
                        self._early[pid] = status
                elif (started := self._started.pop(message["id"], None)) is not None:
                    if "pid" in message:
                        started.set_result(int(message["pid"]))
                    else:
                        started.set_exception(ForkServerGone(message.get("error", "?")))
        finally:
            gone = ForkServerGone("the fork server exited")
            for future in [*self._started.values(), *self._exits.values()]:
                if not future.done():
                    future.set_exception(gone)

    async def fork(
        self, env: dict[str, str], cwd: str, hooks: str | None = None
    ) -> tuple[int, asyncio.Future[int]]:
        """Fork a flow-run process: its pid, and a future of its exit status."""
        if not self.alive:
            raise ForkServerGone("the fork server exited")
        self._next += 1
        started: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._started[self._next] = started
        ask = {"id": self._next, "env": env, "cwd": cwd, "hooks": hooks}
        self.writer.write(json.dumps(ask).encode() + b"\n")
        await self.writer.drain()
        pid = await started
        exited: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        if pid in self._early:
            exited.set_result(self._early.pop(pid))
        else:
            self._exits[pid] = exited
        return pid, exited

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.process.wait(), 10)
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


def _kill_group(pid: int, sig: signal.Signals) -> bool:
    """Signal a flow-run process's group (its session); False if it is gone."""
    try:
        os.killpg(pid, sig)
        return True
    except ProcessLookupError:
        try:
            os.kill(pid, sig)
            return True
        except ProcessLookupError:
            return False


async def _terminate(pid: int, exited: asyncio.Future[int] | None, grace_s: float) -> None:
    if not _kill_group(pid, signal.SIGTERM):
        return
    with anyio.move_on_after(grace_s):
        while True:
            if exited is not None and exited.done():
                return
            if exited is None and not Path(f"/proc/{pid}").exists():
                return
            await anyio.sleep(0.2)
    _kill_group(pid, signal.SIGKILL)


class InfoshareForkWorker(BaseWorker[ForkJobConfiguration, ForkVariables, ForkWorkerResult]):
    type = WORKER_TYPE
    job_configuration = ForkJobConfiguration
    job_configuration_variables = ForkVariables
    _description = (
        "Runs each flow run in a process forked from one that has imported Prefect and "
        "infoshare's flows once (infoshare's own worker)."
    )
    _display_name = "infoshare fork"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fork_server: ForkServer | None = None
        self._fork_lock: asyncio.Lock | None = None
        self._spawn_reason: str | None = None  # said once in the log

    async def _server(self) -> ForkServer | None:
        """The fork server, started on first use (again if it died); None: spawn instead."""
        if self._fork_lock is None:
            self._fork_lock = asyncio.Lock()
        async with self._fork_lock:
            if self._fork_server is not None and self._fork_server.alive:
                return self._fork_server
            if self._spawn_reason is not None:
                return None
            if self._fork_server is not None:
                self._logger.warning("The fork server exited; starting a new one.")
            try:
                server = await ForkServer.start()
            except Exception as exc:
                self._spawn_instead(f"the fork server did not start ({exc})")
                return None
            if server.unsafe is not None:
                await server.close()
                self._spawn_instead(server.unsafe)
                return None
            if server.errors:
                self._logger.warning(
                    "The fork server could not import %s; runs of those flows import them "
                    "in their own process.",
                    ", ".join(server.errors),
                )
            self._logger.info("Fork server %s ready: flow runs are forked from it.", server.pid)
            self._fork_server = server
            return server

    async def get_and_submit_flow_runs(self) -> list[FlowRun]:
        """Prefect's poll, except that a run whose parameters Prefect cannot send back (issue
        18: a lone surrogate stored by a run created without validation) makes every poll a
        500, and Prefect's worker would stop after minutes of retries with every other run
        waiting: such runs are released first (``prefect_api.release_unservable_runs``: the
        request replaced by a stand-in, which the flow refuses and records), then polled."""
        try:
            return await super().get_and_submit_flow_runs()
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code != 500:
                raise
            try:
                released = await anyio.to_thread.run_sync(prefect_api.release_unservable_runs)
            except prefect_api.PrefectApiError as failed:
                self._logger.warning("Could not check for runs Prefect cannot send: %s", failed)
                raise exc from None
            if not released:
                raise
        for run_id in released:
            self._logger.warning("%s.", prefect_api.released_note(run_id))
        return await super().get_and_submit_flow_runs()

    def _spawn_instead(self, reason: str) -> None:
        self._spawn_reason = reason
        self._logger.warning(
            "Fork is unsafe here: %s. Each flow run is spawned as `python -m prefect.engine` "
            "instead (slower).",
            reason,
        )

    async def run(
        self,
        flow_run: FlowRun,
        configuration: ForkJobConfiguration,
        task_status: anyio.abc.TaskStatus[Any] | None = None,
    ) -> ForkWorkerResult:
        logger = self.get_flow_run_logger(flow_run)
        env = {k: str(v) for k, v in configuration.env.items() if v is not None}
        if not env.get(catalogue.ENTRYPOINT_ENV):
            # not one of infoshare's flows: its deployment would say what to load and run
            raise InfrastructureNotAvailable(
                "the infoshare-fork worker runs infoshare's flows only (flows/catalogue.py)"
            )
        with contextlib.ExitStack() as stack:
            cwd = (
                str(configuration.working_dir)
                if configuration.working_dir
                else stack.enter_context(tempfile.TemporaryDirectory(suffix="infoshare"))
            )
            server = await self._server()
            exited: asyncio.Future[int]
            if server is not None:
                pid, exited = await server.fork(env, cwd)
                logger.info("Flow run forked as process %s.", pid)
            else:
                process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-P",
                    "-m",
                    "prefect.engine",
                    env=env,
                    cwd=cwd,
                    stdin=asyncio.subprocess.DEVNULL,
                    start_new_session=True,
                )
                pid = process.pid
                exited = asyncio.ensure_future(process.wait())
                logger.info("Flow run spawned as process %s.", pid)
            if task_status is not None:
                task_status.started(f"{socket.gethostname()}:{pid}")
            cancelled = await self._watch(flow_run, pid, exited)
            try:
                status = await exited
            except ForkServerGone:
                status = await self._orphan_status(flow_run, pid)
        if cancelled:
            await self.client.set_flow_run_state(
                flow_run.id,
                Cancelled(message="Cancelled: the worker stopped its flow-run process."),
                force=True,
            )
            status = 0  # the run's end is recorded as Cancelled, not as a crash
        elif status != 0 and server is not None:
            await self._crashed(flow_run, status, server, env)
        return ForkWorkerResult(status_code=status, identifier=str(pid))

    async def _watch(self, flow_run: FlowRun, pid: int, exited: asyncio.Future[int]) -> bool:
        """Wait for the process to end; True if it was stopped because the run was cancelled."""
        every = float(os.environ.get("INFOSHARE_FORK_CANCEL_POLL", "5"))
        while True:
            done, _ = await asyncio.wait({exited}, timeout=every)
            if done:
                return False
            try:
                state = (await self.client.read_flow_run(flow_run.id)).state
            except Exception as exc:  # the API busy or away: look again next time
                self._logger.debug("could not read flow run %s: %s", flow_run.id, exc)
                continue
            if state is not None and state.is_cancelling():
                # SIGKILL, not SIGTERM: Prefect's engine takes a SIGTERM it was not told about
                # through the runner's (private) control channel for a crash, marks the run
                # Crashed and runs its on_crashed hooks; the run was cancelled
                self.get_flow_run_logger(flow_run).info(
                    "The run is cancelling: stopping its process %s.", pid
                )
                _kill_group(pid, signal.SIGKILL)
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(asyncio.shield(exited), KILL_GRACE_S)
                return True

    async def _crashed(
        self, flow_run: FlowRun, status: int, server: ForkServer, env: dict[str, str]
    ) -> None:
        """The flow-run process died: mark the run Crashed and run the flow's on_crashed hooks
        in a process forked for them, as the process worker does (Prefect then proposes
        Crashed again from the exit status; that second proposal changes nothing)."""
        logger = self.get_flow_run_logger(flow_run)
        message = f"Flow run infrastructure exited with non-zero status code {status}."
        try:
            result: Any = await self.client.set_flow_run_state(
                flow_run.id, Crashed(message=message)
            )
        except Exception as exc:
            logger.warning("Could not mark the run Crashed: %s", exc)
            return
        if result.status != SetStateStatus.ACCEPT:
            return  # it had ended already (e.g. Cancelled): no crash to report
        with tempfile.TemporaryDirectory(suffix="infoshare") as cwd:
            try:
                _, exited = await server.fork(env, cwd, hooks="crashed")
                code = await exited
            except ForkServerGone as exc:
                logger.warning("The on_crashed hooks did not run: %s", exc)
                return
        if code != 0:
            logger.warning("The process running the on_crashed hooks exited with %s.", code)

    async def _orphan_status(self, flow_run: FlowRun, pid: int) -> int:
        """The fork server died before reporting: wait for the process to end, then say how
        from the run's state (a run left Running had its process die under it)."""
        while Path(f"/proc/{pid}").exists():
            await anyio.sleep(1)
        state = (await self.client.read_flow_run(flow_run.id)).state
        return 1 if state is not None and state.is_running() else 0

    async def kill_infrastructure(
        self,
        infrastructure_pid: str,
        configuration: ForkJobConfiguration,
        grace_seconds: int = KILL_GRACE_S,
    ) -> None:
        host, _, pid = infrastructure_pid.rpartition(":")
        if host and host != socket.gethostname():
            raise InfrastructureNotAvailable(
                f"the process is on {host}, this worker is on {socket.gethostname()}"
            )
        if not Path(f"/proc/{int(pid)}").exists() and not _kill_group(int(pid), signal.SIGCONT):
            raise InfrastructureNotFound(f"no process {pid}")
        await _terminate(int(pid), None, grace_seconds)

    async def teardown(self, *exc_info: Any) -> None:
        try:
            await super().teardown(*exc_info)
        finally:
            if self._fork_server is not None:
                await self._fork_server.close()
                self._fork_server = None
