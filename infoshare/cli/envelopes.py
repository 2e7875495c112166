"""Received envelopes: ``infoshare open``."""

from __future__ import annotations

from pathlib import Path

import click

from infoshare.cli.common import (
    emit,
    fail,
    json_option,
    main,
    open_store,
)
from infoshare.envelope import EnvelopeError, open_envelope


@main.command("open")
@click.argument("envelope", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--agency", required=True, help="The recipient agency (its private key is used).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True)
@json_option
def open_cmd(envelope: Path, agency: str, out: Path, as_json: bool) -> None:
    """Verify and decrypt a received envelope into OUT (one file per item)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from sqlalchemy import select

    from infoshare.db import AgencyKeyRow
    from infoshare.envelope import read_header

    store = open_store()
    data = envelope.read_bytes()
    try:
        header, *_ = read_header(data)
        with store.session() as s:
            sender_raw = s.scalar(
                select(AgencyKeyRow.public_raw).where(
                    AgencyKeyRow.key_id == header.get("sender_key_id")
                )
            )
        if sender_raw is None:
            fail("the envelope's sender key is not in the registry", 1)
        assert sender_raw is not None
        opened = open_envelope(
            data,
            recipient=store.keys.decryption_key(agency),
            sender=Ed25519PublicKey.from_public_bytes(sender_raw),
        )
    except EnvelopeError as exc:
        fail(f"envelope rejected: {exc}", 1)
        raise
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    for item in opened.items:
        (out / f"{item.item_id}.txt").write_bytes(item.content)
    emit(as_json, {"header": opened.header, "items": [i.item_id for i in opened.items]},
          f"verified and opened {len(opened.items)} item(s) into {out}")  # fmt: skip
