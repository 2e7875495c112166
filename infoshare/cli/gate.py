"""The gate in front of the Prefect UI and API: ``infoshare gate serve``."""

from __future__ import annotations

import click

from infoshare.cli.common import fail, main, open_store
from infoshare.config import ConfigError


@main.group("gate")
def gate_group() -> None:
    """infoshare's gate: the only way people reach the Prefect UI and API."""


@gate_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=4200, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    """Serve the gate until stopped (Ctrl-C): a proxy to the Prefect server at
    INFOSHARE_GATE_UPSTREAM for people signed in to the workspace, and the decision endpoint
    /gate/decide for a reverse proxy's forward-auth (README: Production)."""
    import uvicorn

    from infoshare.gate.app import Gate
    from infoshare.gate.config import load_gate_settings
    from infoshare.workspace.config import load_workspace_settings

    try:
        settings = load_gate_settings()
        workspace = load_workspace_settings()
    except ConfigError as exc:
        fail(str(exc), 2)
        raise
    gate = Gate(open_store(), settings, workspace)
    click.echo(f"infoshare gate at {settings.url} for the Prefect server at {settings.upstream} "
               f"(listening on {host}:{port})", err=True)  # fmt: skip
    uvicorn.run(gate, host=host, port=port, log_level="info", server_header=False, ws="websockets")
