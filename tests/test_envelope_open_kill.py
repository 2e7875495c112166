"""``infoshare open`` of an envelope whose signature fails writes no plaintext, even when the
opener is killed mid-way (issue 18).

The attack: anyone can encrypt to an agency's public key. An envelope claiming a registered
sender, with every chunk decrypting but the signature not verifying (here: a genuine one with
its signature altered), was decrypted into staging files beside ``--out`` before the check
failed; a crash or a kill left them there. Now the signature is verified in a first pass that
only hashes, and nothing is decrypted before it passes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from infoshare.cli import main
from infoshare.envelope import SealedItem, seal_items
from infoshare.keys import ENCRYPTION
from infoshare.registry import public_keys
from infoshare.store import default_store
from infoshare.worktime import now_utc

SENDER, RECIPIENT = "northshire-police", "northshire-yjs"
MARKER = b"Custody record of Quilla Killtest, detained 2026-11-01. "
SIZE = 96 << 20  # large enough that the opener is caught reading it


def _forged_envelope(path: Path) -> None:
    """A genuine envelope from SENDER to RECIPIENT, its signature's last byte altered."""
    store = default_store()
    now = now_utc()
    with store.session() as s:
        raws = public_keys.valid_public_keys(s, RECIPIENT, ENCRYPTION, now)
    content = (MARKER * (SIZE // len(MARKER) + 1))[:SIZE]
    data = bytearray(
        seal_items(
            [SealedItem("item-1", "Custody record", content, "custody.txt")],
            transfer_id="ISR-20261206-KILL0001",
            decision_sha256="ab" * 32,
            recipients=[X25519PublicKey.from_public_bytes(r) for r in raws],
            sender=store.keys.signing_key(SENDER),
            now=now,
        ).data
    )
    data[-1] ^= 0x01
    path.write_bytes(data)


def _position(pid: int, path: Path) -> int | None:
    """How far process ``pid`` has read ``path`` (None: it has not opened it, or has exited)."""
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                info = Path(f"/proc/{pid}/fdinfo/{fd}").read_text()
                return int(info.split("pos:", 1)[1].split()[0])
    except (OSError, IndexError, ValueError):
        return None
    return None


def _plaintext_beside(folder: Path, envelope: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and path != envelope and MARKER[:24] in path.read_bytes():
            found.append(path)
    return found


def test_a_forged_envelope_leaves_no_plaintext_when_the_opener_is_killed(
    cli_home: Path, tmp_path: Path
) -> None:
    assert CliRunner().invoke(main, ["init"]).exit_code == 0
    where = tmp_path / "received"
    where.mkdir()
    envelope = where / "forged.isenv"
    _forged_envelope(envelope)
    size = envelope.stat().st_size
    env = {**os.environ, "INFOSHARE_HOME": str(cli_home)}
    out = where / "opened"
    caught: list[int] = []
    for attempt in range(3):  # each try: kill it while it is reading the envelope
        opener = subprocess.Popen(
            [sys.executable, "-m", "infoshare", "open", str(envelope), "--agency", RECIPIENT,
             "--out", str(out)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while opener.poll() is None and time.monotonic() < deadline:
            pos = _position(opener.pid, envelope)
            if pos is not None and size // 4 < pos < size:
                os.kill(opener.pid, signal.SIGKILL)  # the opener this test started
                caught.append(pos)
                break
        opener.wait(60)
        assert opener.stderr is not None
        err = opener.stderr.read().decode()
        opener.stderr.close()
        assert _plaintext_beside(where, envelope) == [], attempt
        assert not out.exists()
        if caught:
            break
        assert "signature does not verify" in err, err  # it finished first: refused, cleanly
    if not caught:
        pytest.fail("the opener was never caught mid-way (the machine too fast for 96 MiB?)")
    # and opened to the end, it is refused with nothing written
    result = CliRunner().invoke(
        main, ["open", str(envelope), "--agency", RECIPIENT, "--out", str(out)]
    )
    assert result.exit_code == 1 and "signature does not verify" in result.stderr
    assert _plaintext_beside(where, envelope) == [] and not out.exists()
    assert sorted(p.name for p in where.iterdir()) == ["forged.isenv"]
