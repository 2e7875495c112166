"""Agency keys: ``infoshare keys generate|rotate|export|list``. Never prints private material."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click

from infoshare.cli.common import emit, json_option, main, open_store
from infoshare.store import Store

F = TypeVar("F", bound=Callable[..., Any])

agency_option = click.option("--agency", required=True, help="The agency id (see `registry show`).")


def _ask_option(confirm: bool) -> Callable[[F], F]:
    return click.option(
        "--ask-passphrase",
        is_flag=True,
        help="Type the passphrase that protects the private keys (instead of "
        "INFOSHARE_KEY_PASSPHRASE; without either, the store's master key protects them).",
        callback=lambda ctx, _p, ask: (
            click.prompt("Key passphrase", hide_input=True, confirmation_prompt=confirm, err=True)
            if ask
            else None
        ),
        expose_value=True,
    )


def _store(passphrase: str | None) -> Store:
    store = open_store()
    if passphrase:
        store.keys.passphrase = passphrase
    return store


def _t(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def key_table(store: Store, agency: str, now: datetime) -> list[dict[str, Any]]:
    """The agency's registered public keys with validity and status, newest first per kind."""
    from infoshare.keys import ENCRYPTION, KINDS
    from infoshare.registry import public_keys
    from infoshare.setup import require_agency

    require_agency(store, agency)
    held = {k.key_id for k in store.keys.local_keys(agency)}
    with store.session() as s:
        rows = public_keys.agency_public_keys(s, agency)
        newest = {
            kind: next(
                (r.key_id for r in rows if r.kind == kind and r.not_before <= now < r.not_after),
                None,
            )
            for kind in KINDS
        }
        return [
            {
                "key_id": r.key_id,
                "kind": r.kind,
                "use": "encryption" if r.kind == ENCRYPTION else "signing",
                "public_key": base64.b64encode(r.public_raw).decode(),
                "not_before": _t(r.not_before),
                "not_after": _t(r.not_after),
                "status": public_keys.key_status(r, newest[r.kind], now),
                "private_key_here": r.key_id in held,
            }
            for r in rows
        ]


@main.group("keys")
def keys_group() -> None:
    """Agency key pairs: X25519 to receive envelopes, Ed25519 to sign disclosures."""


@keys_group.command("generate")
@agency_option
@_ask_option(confirm=True)
@json_option
def keys_generate(agency: str, ask_passphrase: str | None, as_json: bool) -> None:
    """Create an agency's first key pairs (private keys here, public keys in the registry)."""
    from infoshare.setup import create_agency_keys
    from infoshare.worktime import now_utc

    store = _store(ask_passphrase)
    infos = create_agency_keys(store, agency, now_utc())
    emit(
        as_json,
        {"agency": agency, "keys": [{"key_id": i.key_id, "kind": i.kind} for i in infos]},
        "\n".join(f"{agency}: new {i.kind} key {i.key_id}" for i in infos),
    )


@keys_group.command("rotate")
@agency_option
@click.option(
    "--overlap-days",
    type=click.IntRange(0, 90),
    default=14,
    show_default=True,
    help="Days the old encryption key stays valid, so senders seal to both meanwhile.",
)
@_ask_option(confirm=True)
@json_option
def keys_rotate(agency: str, overlap_days: int, ask_passphrase: str | None, as_json: bool) -> None:
    """Make new key pairs current. The old encryption key stays valid for the overlap and its
    private key is kept for a year, so envelopes sealed to it still open; the old signing key
    stops now (its public key stays in the registry to verify what it signed)."""
    from infoshare.keys import DECRYPTION_KEY_RETENTION
    from infoshare.setup import rotate_agency_keys
    from infoshare.worktime import now_utc

    store = _store(ask_passphrase)
    now = now_utc()
    report = rotate_agency_keys(store, agency, now, timedelta(days=overlap_days))
    valid_until, kept_until = _t(report.overlap_until), _t(now + DECRYPTION_KEY_RETENTION)
    removed = [k.key_id for k in report.removed]
    emit(
        as_json,
        {
            "agency": agency,
            "new": [{"key_id": i.key_id, "kind": i.kind} for i in report.new],
            "old_encryption_key_valid_until": valid_until,
            "old_decryption_key_kept_until": kept_until,
            "private_keys_removed": removed,
        },
        "\n".join(f"{agency}: new current {i.kind} key {i.key_id}" for i in report.new)
        + f"\nthe old encryption key stays valid until {valid_until} and its private key is"
        f" kept until {kept_until}\nprivate keys removed: {', '.join(removed) or 'none'}",
    )


@keys_group.command("list")
@agency_option
@json_option
def keys_list(agency: str, as_json: bool) -> None:
    """Key id, kind, validity and status (current / overlap / retired) of an agency's keys."""
    from infoshare.worktime import now_utc

    store = open_store()
    rows = key_table(store, agency, now_utc())
    for r in rows:
        del r["public_key"]
    lines = [f"{'key id':<32}  {'kind':<7}  {'not before':<20}  {'not after':<20}  "
             f"{'status':<8}  private key here"]  # fmt: skip
    lines += [
        f"{r['key_id']:<32}  {r['kind']:<7}  {r['not_before']:<20}  {r['not_after']:<20}  "
        f"{r['status']:<8}  {'yes' if r['private_key_here'] else 'no'}"
        for r in rows
    ]
    emit(as_json, rows, "\n".join(lines) if rows else f"{agency} has no keys in the registry")


@keys_group.command("export")
@agency_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file (default: standard output).",
)
def keys_export(agency: str, out: Path | None) -> None:
    """Write the agency's public keys, with key ids and validity, as JSON for partners."""
    from infoshare.worktime import now_utc

    store = open_store()
    now = now_utc()
    rows = key_table(store, agency, now)
    for r in rows:
        del r["private_key_here"]
    doc = {
        "format": "infoshare-public-keys/1",
        "agency": agency,
        "exported": _t(now),
        "keys": rows,
    }
    text = json.dumps(doc, indent=2) + "\n"
    if out is None:
        click.echo(text, nl=False)
        return
    if out.exists():
        raise click.UsageError(f"{out} already exists; choose another file")
    out.write_text(text, encoding="utf-8")
    click.echo(f"wrote {len(rows)} public key(s) of {agency} to {out}", err=True)
