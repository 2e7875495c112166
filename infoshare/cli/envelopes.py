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


@main.command("open")
@click.argument("envelope", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--agency", required=True, help="The recipient agency (its private keys are used).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True)
@json_option
def open_cmd(envelope: Path, agency: str, out: Path, as_json: bool) -> None:
    """Verify and decrypt a received envelope into OUT: one file per item and manifest.json.

    Nothing is written to OUT unless the sender's signature and every chunk verify. Opening
    the same envelope again (into another folder, or after losing the first) is fine: a
    recipient re-reading what it was sent is no replay. Replays are the intake's to refuse, before
    an envelope reaches the inbox (``infoshare intake serve``: one message id, one envelope)."""
    from infoshare.envelope import DirectorySink, EnvelopeError, open_envelope
    from infoshare.keys import KeyNotFound
    from infoshare.registry.public_keys import signing_key_lookup
    from infoshare.worktime import now_utc

    store = open_store()
    # whoever signed it must have had a signing key registered and valid when it was sealed
    sender_key = signing_key_lookup(store.session)

    try:
        keys = store.keys.decryption_keys(agency)
    except KeyNotFound as exc:
        fail(str(exc), 2)
        raise
    try:
        sink = DirectorySink(out)
        with envelope.open("rb") as fh:
            opened = open_envelope(
                fh,
                sink,
                keys=keys,
                sender_key=sender_key,
                seen=None,
                now=now_utc(),
            )
    except EnvelopeError as exc:
        fail(f"envelope rejected: {exc}", 1)
        raise
    emit(as_json, {"header": opened.header.to_json(), "items": [i.item_id for i in opened.items]},
          f"verified and opened {len(opened.items)} item(s) into {out}")  # fmt: skip
