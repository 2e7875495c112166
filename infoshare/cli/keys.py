"""Agency keys: ``infoshare keys generate|rotate|export|list|rewrap|rotate-master``. Never prints
private material."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click

from infoshare.cli.common import emit, fail, json_option, main, open_store
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


@keys_group.command("rewrap")
@json_option
def keys_rewrap(as_json: bool) -> None:
    """Write again, with HKDF, this machine's agency key files that the master key protects
    through scrypt (written before 7 December 2026): the same keys, opened without 0.1 s of
    scrypt in each process that uses them. Each file is replaced atomically; run it again at
    any time (files done already are left alone). Not for files under a passphrase."""
    store = open_store()  # a file that does not open is refused by the group (exit 2)
    files = store.keys.stretched_master_key_files()
    for i, key in enumerate(files, 1):
        store.keys.rewrap(key)
        click.echo(f"agency key files: {i}/{len(files)} written again", err=True)
    emit(
        as_json,
        {"rewrapped": [str(k.path) for k in files]},
        f"{len(files)} agency key file(s) written again with HKDF"
        if files
        else "no agency key file here derives its key with scrypt under the master key",
    )


@keys_group.command("rotate-master")
@click.option(
    "--new-key-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The new master key (base64 of 32 bytes, a 0600 file), e.g. from your secret store; "
    "without it a new key is made in keys/master.key.next.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10_000),
    default=500,
    show_default=True,
    help="Data keys moved per transaction.",
)
@click.option(
    "--pause",
    type=click.FloatRange(0, 60),
    default=0.0,
    show_default=True,
    help="Seconds to wait between batches, to leave a busy database room.",
)
@json_option
def keys_rotate_master(
    new_key_file: Path | None, batch_size: int, pause: float, as_json: bool
) -> None:
    """Replace the store's master key: every data key and agency key file moves under the new
    key, in batches, then the new key alone is proven to open everything and the old one is
    retired. Stop every infoshare process first. Stopped at any point, run it again: it picks
    up where it was. On other machines with agency key files of their own, run it there too
    (README: Rotating the master key)."""
    from dataclasses import asdict

    from infoshare.config import ConfigError, load_settings
    from infoshare.keys import KeyStoreError
    from infoshare.rotation import RotationError, rotate

    def progress(line: str) -> None:
        click.echo(line, err=True)

    try:
        done = rotate(load_settings(), new_key_file, batch_size, pause, progress)
    except (RotationError, ConfigError, KeyStoreError) as exc:
        fail(str(exc))
        raise  # unreachable: fail exits
    p = done.proof
    chains = ", ".join(f"{a} {n}" for a, n in sorted(p.chains_verified.items())) or "none yet"
    if done.key_file_installed:
        keep = (
            f"The new master key is now {done.key_file}: copy it to your secret store and keep "
            "it safe (a backup made from now on needs it)."
        )
    else:
        keep = (
            f"The new master key is in {done.key_file}: set INFOSHARE_MASTER_KEY to it in your "
            "secret store for every infoshare process on every machine"
            + (", then delete that file." if done.key_file and done.key_file.name ==
               "master.key.next" else ".")
        )  # fmt: skip
    text = "\n".join(
        [
            f"master key {done.old_key_id} retired; master key {done.new_key_id} is current"
            + (
                " (the store was done already: this machine's key files only)"
                if done.store_finished_before
                else ""
            ),  # fmt: skip
            f"moved {done.data_keys_moved} data key(s) and {done.key_files_moved} agency key "
            "file(s) to the new key",
            f"proven with the new key alone: {p.requests_opened} sealed request(s) opened; "
            f"record chains verified ({chains}); subject access search "
            + (f"found {p.subject_found}" if p.subject_found else "not tried (no record yet)")
            + f"; {p.agency_keys_read} agency decryption key(s) read; "
            + (
                f"envelope {p.envelope_opened} opened"
                if p.envelope_opened
                else "no delivered envelope here to open"
            ),  # fmt: skip
            keep,
            f"The old master key ({done.old_key_id}) opens nothing in this store any more: "
            "destroy it once every machine with agency key files has run this command, unless "
            "you keep backups made before now (they need it to be restored).",
        ]
    )
    payload = {**asdict(done), "key_file": str(done.key_file) if done.key_file else None}
    emit(as_json, payload, text)
