"""Backups: ``infoshare backup create|restore|check`` (``infoshare.backup``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

import click

from infoshare import backup
from infoshare.backup import BackupError, Restored
from infoshare.cli.common import emit, fail, json_option, main
from infoshare.config import ConfigError, load_settings

folder = click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
T = TypeVar("T")


def _or_fail(call: Callable[[], T]) -> T:
    """``call``, with a backup that cannot be made or restored as one line, never a traceback."""
    try:
        return call()
    except (BackupError, ConfigError) as exc:
        fail(str(exc))
        raise  # unreachable: fail exits


@main.group("backup")
def backup_group() -> None:
    """Back up the store and the agency keys, restore a backup and prove it whole. The
    master key is never in a backup: keep it in your secret store (README: Backup and restore)."""


def _restored(done: Restored, what: str) -> str:
    chains = ", ".join(f"{a} {n}" for a, n in sorted(done.chains_verified.items())) or "none"
    return (
        f"{what}; record chains verified to the backup's heads ({chains}); the master key "
        f"opened {done.sealed_requests_opened} sealed request(s); "
        f"{done.agency_keys_read} agency decryption key(s) read"
    )


@backup_group.command("create")
@folder
@json_option
def backup_create(folder: Path, as_json: bool) -> None:
    """Back up into FOLDER (new or empty), while the store is in use."""
    made = _or_fail(lambda: backup.create(load_settings(), folder))
    heads = ", ".join(f"{a} at {h.seq}" for a, h in sorted(made.chains.items())) or "no records yet"
    emit(
        as_json,
        {"folder": str(folder), **asdict(made)},
        f"backed up {made.requests} request(s), {len(made.files)} file(s) to {folder} "
        f"(schema {made.revision}; record chains: {heads}). The master key is not in it: "
        "keep it in your secret store, apart from the backup.",
    )


@backup_group.command("restore")
@folder
@json_option
def backup_restore(folder: Path, as_json: bool) -> None:
    """Restore FOLDER into the store INFOSHARE_HOME / INFOSHARE_DATABASE_URL name (which must
    not exist yet), with the master key from INFOSHARE_MASTER_KEY; then prove it whole."""
    done = _or_fail(lambda: backup.restore(load_settings(), folder))
    emit(as_json, asdict(done), _restored(done, f"restored {folder}"))


@backup_group.command("check")
@folder
@json_option
def backup_check(folder: Path, as_json: bool) -> None:
    """Prove the store restored from FOLDER whole again (e.g. after `infoshare db upgrade`)."""
    done = _or_fail(lambda: backup.check(load_settings(), folder))
    emit(as_json, asdict(done), _restored(done, f"the store matches {folder}"))
