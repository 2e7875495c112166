"""Receiving envelopes over HTTPS: ``infoshare intake serve``."""

from __future__ import annotations

import ssl
from pathlib import Path

import click

from infoshare.cli.common import fail, main, open_store

_file = click.Path(exists=True, dir_okay=False, path_type=Path)


@main.group("intake")
def intake_group() -> None:
    """An agency's HTTPS intake endpoint: verifies, stores and acknowledges envelopes."""


@intake_group.command("serve")
@click.option("--agency", required=True, help="The receiving agency (its keys sign receipts).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8443, show_default=True, type=click.IntRange(1, 65535))
@click.option("--cert", type=_file, help="TLS certificate chain (PEM).")
@click.option("--key", type=_file, help="TLS private key (PEM) for --cert.")
def serve(agency: str, host: str, port: int, cert: Path | None, key: Path | None) -> None:
    """Serve POST /envelopes for AGENCY until stopped (Ctrl-C).

    Each envelope is verified with the envelope opener (registered sender, signature, expiry,
    addressed to AGENCY's keys), written atomically into AGENCY's inbox directory and
    acknowledged with a receipt signed by AGENCY. A repeat of the same message id gets the same
    receipt and stores nothing twice. Without --cert/--key it serves plain HTTP, for use behind a
    TLS-terminating proxy only: senders accept https:// endpoints only."""
    import uvicorn

    from infoshare.intake import build_app, service_for
    from infoshare.keys import KeyNotFound

    if (cert is None) != (key is None):
        raise click.UsageError("give --cert and --key together (or neither, behind a TLS proxy)")
    if cert is not None and key is not None:
        try:
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
        except (ssl.SSLError, ValueError) as exc:
            fail(f"--cert/--key cannot be used: {exc}", 2)
    store = open_store()
    try:
        service = service_for(store, agency)
    except KeyNotFound as exc:
        fail(str(exc), 2)
        raise
    scheme = "https" if cert else "http"
    click.echo(f"intake for {agency} at {scheme}://{host}:{port}/envelopes", err=True)
    uvicorn.run(
        build_app(service),
        host=host,
        port=port,
        ssl_certfile=str(cert) if cert else None,
        ssl_keyfile=str(key) if key else None,
        log_level="info",
    )
