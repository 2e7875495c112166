"""What verifying an envelope's signature before decrypting it costs ``infoshare open``.

Since issue 18 ``open_envelope`` reads the chunk region twice: a first pass only hashes it and
checks the sender's signature, so an envelope whose signature fails never puts plaintext into
the sink; the second pass decrypts (and hashes again, so a source changed between the passes is
refused). This times ``open_envelope`` into a ``DirectorySink`` (with its fsync, as
``infoshare open`` does) for this checkout and, with ``--before DIR``, for another checkout
(e.g. ``git archive <commit> | tar -x -C DIR``), each in a fresh process per run, on the same
envelope, alternating, and reports the medians and the median paired ratio.

    .venv/bin/python bench/envelope_verify_first.py [--sizes 64M,512M] [--repeat 7] [--before DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHM = Path("/dev/shm")  # noqa: S108 - a private mkdtemp inside it


def _size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


def _worker(code: str, op: str, src: str, dst: str, keys: str) -> None:
    sys.path.insert(0, code)
    from datetime import UTC, datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from infoshare.envelope import DirectorySink, Item, fixed_sender, open_envelope, seal

    k = json.loads(Path(keys).read_text())
    recipient = X25519PrivateKey.from_private_bytes(bytes.fromhex(k["recipient"]))
    sender = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(k["sender"]))
    now = datetime(2026, 12, 1, tzinfo=UTC)
    start = time.perf_counter()
    if op == "seal":
        size = Path(src).stat().st_size
        with open(src, "rb") as inp, open(dst, "wb") as out:
            seal(out, [Item("item-1", "Benchmark payload", "payload.bin", size, inp)],
                 transfer_id="BENCH-1", decision_sha256="00" * 32,
                 recipients=[recipient.public_key()], sender=sender, created=now)  # fmt: skip
    else:
        with open(src, "rb") as inp:
            open_envelope(inp, DirectorySink(Path(dst)), keys=[recipient],
                          sender_key=fixed_sender(sender.public_key()), seen=None, now=now)  # fmt: skip
    print(json.dumps({"seconds": time.perf_counter() - start}))


def _run(code: Path, op: str, src: Path, dst: Path, keys: Path) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", str(code), op, str(src), str(dst), str(keys)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return float(json.loads(out.stdout)["seconds"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="64M,512M")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--before", type=Path, help="another checkout to compare with")
    ap.add_argument("--dir", type=Path, help="where to work (default /dev/shm if it has room)")
    ap.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        _worker(*args.worker)
        return
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    sizes = [_size(s) for s in args.sizes.split(",")]
    base = args.dir or (SHM if shutil.disk_usage(SHM).free > 3 * max(sizes) else None)
    work = Path(tempfile.mkdtemp(prefix="verify-first-", dir=base))
    raw = (Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    keys = work / "keys.json"
    keys.write_text(json.dumps({
        "recipient": X25519PrivateKey.generate().private_bytes(*raw).hex(),
        "sender": Ed25519PrivateKey.generate().private_bytes(*raw).hex(),
    }))  # fmt: skip
    codes = {"now": ROOT, **({"before": args.before} if args.before else {})}
    try:
        for size in sizes:
            plain, env = work / "plain.bin", work / "sealed.isenv"
            with plain.open("wb") as fh:
                for _ in range(size // (1 << 20)):
                    fh.write(os.urandom(1 << 20))
            _run(ROOT, "seal", plain, env, keys)
            plain.unlink()
            times: dict[str, list[float]] = {name: [] for name in codes}
            for r in range(args.repeat + 1):  # the first round is a warm-up
                order = list(codes.items())[:: 1 if r % 2 else -1]
                for name, code in order:
                    dst = work / "out"
                    os.sync()
                    seconds = _run(code, "open", env, dst, keys)
                    shutil.rmtree(dst)
                    if r:
                        times[name].append(seconds)
            line = f"{size >> 20} MiB:"
            for name, ts in times.items():
                med = statistics.median(ts)
                line += f"  {name} {med:.3f} s ({size / med / 1e6:.0f} MB/s)"
            if "before" in times:
                ratios = [a / b for a, b in zip(times["now"], times["before"], strict=True)]
                line += f"  now/before median {statistics.median(ratios):.2f}"
                line += f" (range {min(ratios):.2f}-{max(ratios):.2f})"
            print(line, flush=True)
            env.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
