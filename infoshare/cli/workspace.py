"""The workspace in the browser: ``infoshare workspace serve``."""

from __future__ import annotations

import click

from infoshare.cli.common import fail, main, open_store
from infoshare.config import ConfigError


@main.group("workspace")
def workspace_group() -> None:
    """infoshare's signed-in workspace: where people do their part of a request."""


@workspace_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=4300, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--proxy",
    "proxy_ips",
    default="",
    help="Addresses of the TLS-terminating proxy in front (comma-separated): its "
    "X-Forwarded-For/-Proto headers are trusted, so rate limits count people, not the proxy.",
)
def serve(host: str, port: int, proxy_ips: str) -> None:
    """Serve the workspace until stopped (Ctrl-C).

    People open it at INFOSHARE_WORKSPACE_URL (default http://localhost:4300), which must be
    https:// anywhere but on this machine: run it behind a TLS-terminating proxy (README:
    Production). Sign-in codes are mailed like every notification (INFOSHARE_SMTP_URL, or the
    outbox)."""
    import uvicorn

    from infoshare.workspace.app import build_app
    from infoshare.workspace.config import load_workspace_settings

    try:
        settings = load_workspace_settings()
    except ConfigError as exc:
        fail(str(exc), 2)
        raise
    app = build_app(open_store(), settings)
    click.echo(f"infoshare workspace at {settings.url} (listening on {host}:{port})", err=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=bool(proxy_ips),
        forwarded_allow_ips=proxy_ips or None,
        log_level="info",
        server_header=False,
    )
