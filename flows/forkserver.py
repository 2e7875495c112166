"""The fork server (zygote) of the infoshare-fork worker (flows/forkworker.py).

Started by the worker as ``python -m flows.forkserver FD``, where FD is one end of a Unix socket
pair, the only channel to the worker. It imports Prefect, its engine and infoshare's flows once,
starts no threads, event loops or sockets, and then, for each flow run the worker asks for,
forks a child that becomes the flow-run process: its own session, the run's environment
(PREFECT__FLOW_RUN_ID, PREFECT__FLOW_ENTRYPOINT naming infoshare's flow, ...), and Prefect's
own engine entry point, the module ``python -m prefect.engine`` runs, executed as
``__main__``. The server reaps its children and
reports each exit status (negative: the signal that killed it), as a process worker's
subprocess would.

Protocol, one JSON object per line:
  server -> worker  {"ready": pid, "unsafe": null | why, "imported": [...], "errors": [...]}
  worker -> server  {"id": n, "env": {...}, "cwd": "..."}        fork a flow-run process
                    (with "hooks": "crashed": a process that runs the run's on_crashed hooks,
                    after its flow-run process died, as the process worker runs them)
  server -> worker  {"id": n, "pid": pid} | {"id": n, "error": why}
  server -> worker  {"exit": pid, "status": code}                   a child ended
Fork is unsafe when the platform has none or the server finds more than one thread after its
imports: it then says why in ``unsafe`` and forks nothing; the worker logs that and spawns
``python -m prefect.engine`` per run instead. The server exits when the worker closes its end;
flow-run processes already started run on (they belong to the runs, not to the worker).

INFOSHARE_FORKSERVER_PRELOAD  modules imported before forking (comma-separated; default
                              Prefect's engine and infoshare's flows)
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import runpy
import selectors
import signal
import socket
import sys
import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PRELOAD = (
    "prefect",
    "prefect.engine",
    "prefect.flow_engine",
    "prefect.flows",
    # what every run's process imports as it runs (counted at the exit of runs' processes)
    "prefect.task_engine",
    "prefect._internal.observers",
    "prefect.concurrency._asyncio",
    "prefect.concurrency._sync",
    "prefect.utilities.visualization",
    "anyio._backends._asyncio",
    "flows.share_request",
    "flows.enquiry",
    "flows.watchdog",
    "flows.retention",
)
# imported when installed: the PostgreSQL driver, which SQLAlchemy imports only when a process
# first makes its engine (about 90 ms of CPU in every run's process on a PostgreSQL store)
OPTIONAL = ("psycopg",)


_PLAIN_HTTP_CA: str | None = None  # plain_http_ca(), made once by the server


def threads() -> int:
    """Threads of this process, native ones included (Linux), else Python's count."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


@dataclass
class Job:
    """What a forked child runs: one flow run's engine, in its environment."""

    env: dict[str, str]
    cwd: str
    hooks: str | None = None


class _Channel:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def send(self, message: dict[str, Any]) -> None:
        self.sock.sendall(json.dumps(message).encode() + b"\n")

    def receive(self) -> list[dict[str, Any]] | None:
        """The complete messages now readable; None at end of file (the worker is gone)."""
        data = self.sock.recv(1 << 20)
        if not data:
            return None
        self.buffer += data
        *lines, self.buffer = self.buffer.split(b"\n")
        return [json.loads(line) for line in lines if line]


def _preload() -> tuple[list[str], list[str]]:
    names = os.environ.get("INFOSHARE_FORKSERVER_PRELOAD")
    imported, errors = [], []
    for name in names.split(",") if names is not None else PRELOAD:
        if not name.strip():
            continue
        try:
            importlib.import_module(name.strip())
            imported.append(name.strip())
        except Exception as exc:  # a flow that cannot import fails in its own run, said there
            errors.append(f"{name.strip()}: {type(exc).__name__}")
    if names is None:
        for name in OPTIONAL:
            with contextlib.suppress(ImportError):
                importlib.import_module(name)
                imported.append(name)
        _warm()
    return imported, errors


def _warm() -> None:
    """What each run's process would otherwise do once for itself: SQLAlchemy configures the
    ORM's mappers at a process's first query (about 13 ms on SQLite), and Jinja2 compiles a
    mail's templates at their first use (30 templates, about 60 ms in all). No connection, no
    thread."""
    from sqlalchemy.orm import configure_mappers

    from notifications.render import compile_templates

    configure_mappers()
    compile_templates()


def unsafe_reason() -> str | None:
    if not hasattr(os, "fork"):
        return "this platform has no fork"
    n = threads()
    if n > 1:
        return f"the fork server has {n} threads after its imports"
    return None


def serve(channel: _Channel) -> Job | None:
    """Fork children on request until the worker closes the channel (None), or, in a child,
    return its job."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so the wakeup fd is written
    selector = selectors.DefaultSelector()
    selector.register(channel.sock, selectors.EVENT_READ, "worker")
    selector.register(wake_r, selectors.EVENT_READ, "child")
    while True:
        for key, _ in selector.select(timeout=5.0):
            if key.data == "worker":
                messages = channel.receive()
                if messages is None:
                    return None
                for message in messages:
                    job = Job(dict(message["env"]), str(message["cwd"]), message.get("hooks"))
                    try:
                        pid = os.fork()
                    except OSError as exc:
                        channel.send({"id": message["id"], "error": f"fork failed: {exc}"})
                        continue
                    if pid == 0:
                        selector.close()
                        os.close(wake_r)
                        os.close(wake_w)
                        return job
                    channel.send({"id": message["id"], "pid": pid})
            else:
                with contextlib.suppress(BlockingIOError):
                    os.read(wake_r, 4096)
        _reap(channel)  # also every 5 s, whatever woke us


def _reap(channel: _Channel) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        channel.send({"exit": pid, "status": os.waitstatus_to_exitcode(status)})


def plain_http_ca() -> str | None:
    """A CA file of one certificate, for run processes whose Prefect API is plain HTTP.

    Prefect's client builds a verifying TLS context from ``PREFECT_API_SSL_CERT_FILE`` (by
    default certifi's 150 certificates, 35 ms of CPU) for each client it makes, and a run's
    process makes about eight per execution, the log and event workers' included: measured
    with py-spy, a quarter of the CPU of the fork worker's processes. Over ``http://`` no
    certificate is ever checked, so there a file holding one (certifi's first) is enough.
    None where certifi is missing."""
    try:
        import certifi

        bundle = Path(certifi.where()).read_text()
    except (ImportError, OSError):
        return None
    end = "-----END CERTIFICATE-----"
    if end not in bundle:
        return None
    fd, path = tempfile.mkstemp(prefix="infoshare-plain-http-ca-", suffix=".pem")
    with os.fdopen(fd, "w") as out:
        out.write(bundle[: bundle.index(end) + len(end)] + "\n")
    return path


def run_job(job: Job) -> None:
    """In the forked child: become the flow-run process and run Prefect's engine entry point.
    Its SystemExit (or exception) ends this process as it would end ``python -m
    prefect.engine``, at-exit handlers included."""
    os.setsid()  # its own session, as the process worker starts flow-run processes
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL if sig != signal.SIGINT else signal.default_int_handler)
    os.environ.clear()
    os.environ.update(job.env)
    if (
        _PLAIN_HTTP_CA is not None
        and os.environ.get("PREFECT_API_URL", "").startswith("http://")
        and not os.environ.get("PREFECT_API_SSL_CERT_FILE")
    ):
        os.environ["PREFECT_API_SSL_CERT_FILE"] = _PLAIN_HTTP_CA
    os.chdir(job.cwd)
    sys.argv = ["prefect.engine"]  # the run id comes from PREFECT__FLOW_RUN_ID
    # runpy warns that the module it runs as __main__ was imported already: here on purpose
    warnings.filterwarnings("ignore", "'prefect.engine' found in sys.modules", RuntimeWarning)
    from prefect.context import SettingsContext
    from prefect.settings import Settings

    # settings as the run's environment says, not as they were when the server imported
    current = SettingsContext.get()
    profile = current.profile if current is not None else None
    if profile is None:
        runpy.run_module("prefect.engine", run_name="__main__", alter_sys=True)
        return
    with SettingsContext(profile=profile, settings=Settings()):
        if job.hooks == "crashed":
            run_crashed_hooks()
        else:
            runpy.run_module("prefect.engine", run_name="__main__", alter_sys=True)


def run_crashed_hooks() -> None:
    """The on_crashed hooks of the flow run named by PREFECT__FLOW_RUN_ID, now Crashed, called as
    Prefect's engine calls them (flow, flow run, state); a hook that raises is logged."""
    import asyncio
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.flow_engine import load_flow
    from prefect.logging.loggers import flow_run_logger

    async def load() -> Any:
        async with get_client() as client:
            return await client.read_flow_run(UUID(os.environ["PREFECT__FLOW_RUN_ID"]))

    flow_run = asyncio.run(load())
    flow = load_flow(flow_run)  # infoshare's, by PREFECT__FLOW_ENTRYPOINT (flows/catalogue.py)
    logger = flow_run_logger(flow_run, flow)
    for hook in flow.on_crashed_hooks:
        name = getattr(hook, "__name__", repr(hook))
        logger.info("Running hook %r in response to entering state 'Crashed'", name)
        try:
            hook(flow, flow_run, flow_run.state)
        except Exception:
            logger.exception("Hook %r failed", name)


def main() -> None:
    fd = int(sys.argv[1])
    sock = socket.socket(fileno=fd)
    channel = _Channel(sock)
    server_pid = os.getpid()
    imported, errors = _preload()
    unsafe = unsafe_reason()
    channel.send({"ready": os.getpid(), "unsafe": unsafe, "imported": imported, "errors": errors})
    if unsafe is not None:
        while channel.receive() is not None:  # nothing to do but wait for the worker to go
            pass
        return
    # what the imports made is never collected again here: a child's collections then leave
    # those pages shared instead of copying them (measured: 55 MiB unique per child without)
    global _PLAIN_HTTP_CA
    _PLAIN_HTTP_CA = plain_http_ca()
    gc.collect()
    gc.freeze()
    try:
        job = serve(channel)
    finally:
        if os.getpid() == server_pid and _PLAIN_HTTP_CA is not None:  # not in a child
            with contextlib.suppress(OSError):
                os.unlink(_PLAIN_HTTP_CA)
    if job is None:
        return
    sock.close()
    run_job(job)


if __name__ == "__main__":
    main()
