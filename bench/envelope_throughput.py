"""Envelope throughput and peak memory: infoshare seal/open against raw AES-256-GCM and `age`.

For each size (default 1 MiB, 64 MiB, 1 GiB of random bytes) and each repeat, every operation
runs in a fresh process and its peak RSS is that process's ``ru_maxrss`` (``os.wait4``):

* infoshare seal: ``infoshare.envelope.seal`` of the file as one item, one X25519 recipient,
  Ed25519 signature, to an envelope file;
* infoshare open: ``open_envelope`` into a staging directory renamed into place, like
  ``DirectorySink`` but without its fsync (age does not fsync either); a separate row gives the
  real ``DirectorySink`` (with fsync: what ``infoshare open`` does), writing to ``--fsync-dir``
  on disk, since an fsync on tmpfs does nothing;
* raw AES-256-GCM: the same 64 KiB chunks with the same counter nonces, read and written
  ``SLAB`` chunks at a time for large files and one at a time for small ones, as infoshare does,
  ``readinto`` + ``AESGCM.encrypt_into`` / ``decrypt_into`` into reused buffers + ``write``, on
  one thread: the fastest plain loop ``cryptography`` allows, without the transcript hash,
  signature or staging;
* floor: the raw loop plus only the cryptography the envelope format requires, on the same
  thread: one HPKE key wrap (unwrap), a BLAKE3 hash of every ciphertext byte, one Ed25519
  signature (verification); no header, manifest, staging directory or helper thread. It is what
  any implementation of the format must pay at the least, done the simple way;
* age: ``age -r <X25519 recipient> -o OUT IN`` and ``age -d -i IDENTITY -o OUT IN``.

All four read and write in the same directory, by default on tmpfs (``/dev/shm``, if it has
room): on this project's VM the virtual disk's speed moved the raw loop's own opening rate by 2x
between runs, and disk speed is not a property of the code under test. The inputs of the opens
(an envelope, the raw ciphertext, a floor file, an age file) are made once per size, untimed,
so every timed operation writes exactly one new file, deleted right after it. Before every
operation the page cache is synced (``os.sync``) and, from 64 MiB on, a throwaway process
touches ``--prefault`` times the size in fresh memory and exits (untimed), so the operation
writes into memory the VM's host has just backed. The guest hands free memory back to its host
(virtio balloon, free page reporting) about two seconds after it is freed, and writing 1 GiB
into memory that has to be faulted back in from the host took up to 3x as long: the raw loop's
own 1 GiB seal ran in 0.47-1.86 s; with the pre-fault, 0.47-0.48 s (6 runs each). Within
each repeat the four tools run one after another in an order that rotates from repeat to
repeat, and the first ``--warmup`` repeat is not counted. Besides the medians, the report gives
for each size the median (and range) of the per-repeat paired ratios, infoshare against raw (and
age) in the same repeat, which cancels drifts of the machine that span a repeat, and the ratio of
the fastest runs ("best of each"): on a VM, interference only ever slows a run down, and at 1 GiB
single runs of the same tool spread by up to 3x.

Times of the Python operations are measured inside the worker from opening the input to closing
the output (interpreter start and imports, ~0.2 s, excluded), with the CPU time of all the
worker's threads over the same span; age's are wall time of the whole process, so they include
its start-up, which is measured separately on an empty file and reported. MB/s is 10^6 bytes of
plaintext per second. Every output is checked against the input once.
``--floor-without-hash`` leaves the hash out of the floor (the least a signed public-key
envelope costs). ``--seal-version N`` seals format version N instead of the default.

    .venv/bin/python bench/envelope_throughput.py [--sizes 1M,64M,1G] [--repeat 9] [--dir DIR] [--prefault 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from io import BufferedReader, BufferedWriter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 64 * 1024
TAG = 16
WRAP, SIG = 80, 64  # an HPKE-wrapped 32-byte key; an Ed25519 signature
# The raw loops read and write like infoshare.envelope.stream: SLAB_CHUNKS chunks per call for a
# payload of THREADED_HASH_MIN_CHUNKS[2] chunks or more, one chunk per call below that.
SLAB, SLAB_FROM = 8, 64
# From this size on, the driver pre-faults fresh memory before each operation (see the docstring).
PREFAULT_FROM = 64 << 20
# tmpfs; the bench makes its own private directory in it (mkdtemp), so a shared one is safe
SHM = Path("/dev/shm")  # noqa: S108


# --- workers: one operation each, in a fresh process ------------------------------------------


def _worker(
    op: str, src: Path, dst: Path, keys: Path, seal_version: int | None, floor_hash: bool = True
) -> tuple[float, float]:
    """The operation's wall seconds and the CPU seconds of all the process's threads."""
    from datetime import UTC, datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    recipient = X25519PrivateKey.from_private_bytes((keys / "x25519").read_bytes())
    sender = Ed25519PrivateKey.from_private_bytes((keys / "ed25519").read_bytes())
    aes_key = (keys / "aes").read_bytes()
    now = datetime.now(UTC)

    if op.startswith("floor"):  # the required crypto only: no header, manifest, staging, thread
        import blake3
        from cryptography.hazmat.primitives import hpke

        suite = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
    if op in ("seal", "open", "open-fsync", "idle"):  # the raw loops import nothing of ours
        from infoshare.envelope import DirectorySink, Item, fixed_sender, open_envelope, seal

        version: dict[str, Any] = {}
        if seal_version is not None:
            from infoshare.envelope import VERSIONS

            version["version"] = VERSIONS[seal_version]

        class NoSyncSink(DirectorySink):
            def _close(self) -> None:
                if self._fh is not None:
                    self._fh.close()
                    self._fh = None

    start, cpu = time.perf_counter(), time.process_time()
    if op == "idle":  # imports and keys only: the floor under the peak RSS of seal and open
        pass
    elif op == "seal":
        size = src.stat().st_size
        with src.open("rb") as inp, dst.open("wb") as out:
            seal(
                out,
                [Item("item-1", "Benchmark payload", "payload.bin", size, inp)],
                transfer_id="BENCH-1",
                decision_sha256="00" * 32,
                recipients=[recipient.public_key()],
                sender=sender,
                created=now,
                **version,
            )
    elif op in ("open", "open-fsync"):
        sink = DirectorySink(dst) if op == "open-fsync" else NoSyncSink(dst)
        with src.open("rb") as inp:
            open_envelope(
                inp,
                sink,
                keys=[recipient],
                sender_key=fixed_sender(sender.public_key()),
                seen=None,
                now=now,
            )
    elif op in ("raw-seal", "raw-open"):
        size = src.stat().st_size
        with src.open("rb") as inp, dst.open("wb") as out:
            _raw_loop(AESGCM(aes_key), op == "raw-seal", inp, out, size, None)
    elif op == "floor-seal":  # a file key wrapped for the recipient, the chunks, a signature
        size = src.stat().st_size
        with src.open("rb") as inp, dst.open("wb") as out:
            file_key = os.urandom(32)
            wrap = suite.encrypt(file_key, recipient.public_key(), info=b"floor")
            out.write(wrap)
            transcript = blake3.blake3(wrap) if floor_hash else None
            _raw_loop(AESGCM(file_key), True, inp, out, size, transcript)
            out.write(sender.sign(transcript.digest() if transcript else bytes(32)))
    elif op == "floor-open":
        size = src.stat().st_size - WRAP - SIG
        with src.open("rb") as inp, dst.open("wb") as out:
            inp.seek(-SIG, os.SEEK_END)
            signature = inp.read(SIG)
            inp.seek(0)
            wrap = inp.read(WRAP)
            transcript = blake3.blake3(wrap) if floor_hash else None
            file_key = suite.decrypt(wrap, recipient, info=b"floor")
            _raw_loop(AESGCM(file_key), False, inp, out, size, transcript)
        sender.public_key().verify(signature, transcript.digest() if transcript else bytes(32))
    else:
        raise SystemExit(f"unknown operation {op}")
    return time.perf_counter() - start, time.process_time() - cpu


def _raw_loop(
    aead: Any, sealing: bool, inp: BufferedReader, out: BufferedWriter, size: int, transcript: Any
) -> None:
    """The bare cipher loop: ``size`` bytes of ``inp``, in 64 KiB chunks (plus tags when
    opening), through AES-256-GCM with the envelope's counter nonces into ``out``, read and
    written ``SLAB`` chunks at a time for large files and one at a time for small ones, into
    reused buffers. ``transcript``, if given, hashes the ciphertext as it goes, on the same
    thread."""
    crypt = aead.encrypt_into if sealing else aead.decrypt_into
    step = CHUNK if sealing else CHUNK + TAG  # input bytes per chunk
    grow = TAG if sealing else -TAG  # output bytes minus input bytes, per chunk
    n = max(1, -(-size // step))
    slab = SLAB if n >= SLAB_FROM else 1
    inbuf = memoryview(bytearray(min(size, slab * step)))
    outbuf = memoryview(bytearray(min(size, slab * step) + slab * TAG))
    for base in range(0, n, slab):
        got = inp.readinto(inbuf[: min(len(inbuf), size - base * step)])
        if transcript is not None and not sealing:
            transcript.update(inbuf[:got])
        end = 0
        for i in range(base, min(base + slab, n)):
            piece = inbuf[(i - base) * step : got][:step]
            crypt(_nonce(i, i == n - 1), piece, None, outbuf[end : end + len(piece) + grow])
            end += len(piece) + grow
        if transcript is not None and sealing:
            transcript.update(outbuf[:end])
        out.write(outbuf[:end])


def _nonce(index: int, last: bool) -> bytes:  # the envelope's STREAM nonce
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


# --- the driver --------------------------------------------------------------------------------


def _run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, str]:
    """Run ``cmd``; return (wall seconds, CPU seconds, its peak RSS in KiB, its stdout)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {err.read().decode()[-2000:]}")
        cpu = usage.ru_utime + usage.ru_stime
        return wall, cpu, usage.ru_maxrss, out.read().decode()


def _prefault(nbytes: int) -> None:
    """Touch ``nbytes`` of fresh memory in a throwaway process (``bytearray`` zero-fills every
    page), so that the next process's writes land in memory the VM's host has backed (see the
    docstring). At most half the free memory: never enough to push the machine into reclaim."""
    nbytes = min(nbytes, os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2)
    subprocess.run([sys.executable, "-c", f"bytearray({nbytes})"], check=True)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while data := fh.read(1 << 20):
            h.update(data)
    return h.hexdigest()


def _size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(text[:-1]) * units[text[-1].upper()] if text[-1].upper() in units else int(text)


def _label(n: int) -> str:
    return f"{n >> 30} GiB" if n >= 1 << 30 else f"{n >> 20} MiB"


def _machine() -> dict[str, Any]:
    import cryptography
    from cryptography.hazmat.backends.openssl import backend

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    age = subprocess.run(["age", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "cryptography": cryptography.__version__,
        "openssl": backend.openssl_version_text(),
        "age": age,
        "commit": subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip(),
    }


def _fs_type(path: Path) -> str:
    """The file system type of the mount holding ``path`` (from /proc/mounts)."""
    best, kind = "", "?"
    real = str(path.resolve())
    for line in Path("/proc/mounts").read_text().splitlines():
        _dev, mount, fstype, *_ = line.split()
        if (real == mount or real.startswith(mount.rstrip("/") + "/")) and len(mount) > len(best):
            best, kind = mount, fstype
    return kind


def _default_dir(largest: int) -> Path | None:
    """``SHM`` when it has room for the files of the largest size (six at once), else
    None (the system temp dir)."""
    if SHM.is_dir() and shutil.disk_usage(SHM).free > 7 * largest + (256 << 20):
        return SHM
    print(f"{SHM} is missing or too small: the files go to the temp dir", file=sys.stderr)
    return None


Measure = tuple[float, float, int]  # wall seconds, CPU seconds, peak RSS KiB


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1M,64M,1G")
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--warmup", type=int, default=1, help="untimed repeats first (default 1)")
    ap.add_argument(
        "--dir", type=Path, help="where the files go (default: /dev/shm if it has room)"
    )
    ap.add_argument(
        "--fsync-dir",
        type=Path,
        help="where the open + fsync row writes (default: the system temp dir, on disk)",
    )
    ap.add_argument(
        "--prefault",
        type=float,
        default=3.0,
        help="before each operation of 64 MiB and up, touch this many times its size of fresh "
        "memory in a throwaway process (default 3; 0: off)",
    )
    ap.add_argument("--code", type=Path, default=ROOT, help="the checkout whose infoshare runs")
    ap.add_argument("--seal-version", type=int, help="format version to seal (default: current)")
    ap.add_argument(
        "--floor-without-hash",
        action="store_true",
        help="leave the transcript hash out of the floor: the raw loop plus one HPKE and one "
        "Ed25519 operation, the least any signed public-key envelope costs",
    )
    ap.add_argument("--worker", nargs=4, metavar=("OP", "SRC", "DST", "KEYS"))
    args = ap.parse_args()
    if args.worker:
        op, src, dst, keys = args.worker
        seconds, cpu = _worker(
            op, Path(src), Path(dst), Path(keys), args.seal_version, not args.floor_without_hash
        )
        print(json.dumps({"seconds": seconds, "cpu_seconds": cpu}))
        return
    if shutil.which("age") is None:
        raise SystemExit("age is not installed (Debian/Ubuntu: apt-get install -y age)")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    sizes = [_size(s) for s in args.sizes.split(",")]
    base = args.dir if args.dir is not None else _default_dir(max(sizes))
    work = Path(tempfile.mkdtemp(prefix="envelope-bench-", dir=base))
    disk = Path(tempfile.mkdtemp(prefix="envelope-bench-fsync-", dir=args.fsync_dir))
    env = {**os.environ, "PYTHONPATH": str(args.code.resolve())}
    try:
        keys = work / "keys"
        keys.mkdir(mode=0o700)
        raw = (Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        (keys / "x25519").write_bytes(X25519PrivateKey.generate().private_bytes(*raw))
        (keys / "ed25519").write_bytes(Ed25519PrivateKey.generate().private_bytes(*raw))
        (keys / "aes").write_bytes(os.urandom(32))
        subprocess.run(["age-keygen", "-o", str(keys / "age.txt")], check=True,
                       capture_output=True)  # fmt: skip
        age_recipient = subprocess.run(
            ["age-keygen", "-y", str(keys / "age.txt")], check=True, capture_output=True, text=True
        ).stdout.strip()

        def py(op: str, src: Path, dst: Path) -> Measure:
            cmd = [sys.executable, __file__, "--worker", op, str(src), str(dst), str(keys)]
            if args.seal_version is not None:
                cmd += ["--seal-version", str(args.seal_version)]
            if args.floor_without_hash:
                cmd.append("--floor-without-hash")
            _wall, _cpu, rss, out = _run(cmd, env)
            got = json.loads(out)
            return got["seconds"], got["cpu_seconds"], rss

        def age(decrypt: bool, src: Path, dst: Path) -> Measure:
            how = ["-d", "-i", str(keys / "age.txt")] if decrypt else ["-r", age_recipient]
            wall, cpu, rss, _out = _run(["age", *how, "-o", str(dst), str(src)])
            return wall, cpu, rss

        machine = _machine()
        machine["files_on"] = f"{work.parent} ({_fs_type(work)})"
        machine["fsync_row_on"] = f"{disk.parent} ({_fs_type(disk)})"
        load_start = os.getloadavg()
        # age is timed as a whole process: how much of that is start-up, key parsing and header
        empty = work / "empty.bin"
        empty.write_bytes(b"")
        age(False, empty, work / "empty.age")
        startup = {
            "seal": statistics.median(age(False, empty, work / "empty.age")[0] for _ in range(5)),
            "open": statistics.median(
                age(True, work / "empty.age", work / "empty.out")[0] for _ in range(5)
            ),
        }
        results: list[dict[str, Any]] = []
        for size in sizes:
            plain = work / "plain.bin"
            with plain.open("wb") as fh:
                for _ in range(0, size, 1 << 20):
                    fh.write(os.urandom(min(1 << 20, size)))
            digest = _sha256(plain)
            runs: dict[str, list[Measure]] = {"idle": [py("idle", plain, plain)]}
            # The inputs of the opens, made once (untimed) and kept, so that every timed
            # operation writes exactly one new file, deleted right after it: each starts with
            # the same files present and writes into memory the previous one just freed.
            sealed, rawct, agect = work / "sealed.isenv", work / "raw.ct", work / "plain.age"
            floorct = work / "floor.ct"
            py("seal", plain, sealed)
            py("raw-seal", plain, rawct)
            py("floor-seal", plain, floorct)
            age(False, plain, agect)
            out, opened, o2 = work / "out.bin", work / "opened", disk / "o2"
            load = os.getloadavg()[0]
            for rep in range(-args.warmup, args.repeat):  # repeats below 0 warm up, untimed
                # (name, operation, its plaintext output to check, the output to delete)
                tools = [
                    [("infoshare seal", partial(py, "seal", plain, out), None, out),
                     ("infoshare open", partial(py, "open", sealed, opened),
                      opened / "payload.bin", opened),
                     ("infoshare open + fsync", partial(py, "open-fsync", sealed, o2),
                      o2 / "payload.bin", o2)],
                    [("raw seal", partial(py, "raw-seal", plain, out), None, out),
                     ("raw open", partial(py, "raw-open", rawct, out), out, out)],
                    [("floor seal", partial(py, "floor-seal", plain, out), None, out),
                     ("floor open", partial(py, "floor-open", floorct, out), out, out)],
                    [("age seal", partial(age, False, plain, out), None, out),
                     ("age open", partial(age, True, agect, out), out, out)],
                ]  # fmt: skip
                # each repeat starts with a different tool, so none always runs first or last
                turn = rep % len(tools)  # (-1 % 4 == 3)
                for steps in tools[turn:] + tools[:turn]:
                    for name, step, output, done in steps:
                        os.sync()  # no dirty pages left over from the previous operation
                        if size >= PREFAULT_FROM and args.prefault:
                            _prefault(int(args.prefault * size))
                        measured = step()
                        if rep >= 0:
                            runs.setdefault(name, []).append(measured)
                        if rep == 0 and output is not None and _sha256(output) != digest:
                            raise SystemExit(f"{output} does not match the input")
                        # one output at a time: the next operation starts with the same files
                        shutil.rmtree(done) if done.is_dir() else done.unlink()
            for path in (sealed, rawct, floorct, agect):
                path.unlink()
            plain.unlink()
            row: dict[str, Any] = {"size": size, "load_1min": load}
            for name, all_runs in runs.items():
                secs = statistics.median(m[0] for m in all_runs)
                row[name] = {
                    "MB/s": size / 1e6 / secs if secs else 0.0,
                    "seconds": secs,
                    "cpu_seconds": statistics.median(m[1] for m in all_runs),
                    "peak_rss_MiB": max(m[2] for m in all_runs) / 1024,
                    "runs_seconds": [m[0] for m in all_runs],
                }
            for op in ("seal", "open"):  # throughput ratios, each repeat against itself
                for mine, other in (
                    ("infoshare", "raw"),
                    ("infoshare", "age"),
                    ("infoshare", "floor"),
                    ("floor", "raw"),
                ):
                    paired = [
                        b[0] / a[0]
                        for a, b in zip(runs[f"{mine} {op}"], runs[f"{other} {op}"], strict=True)
                    ]
                    row[f"paired {mine} {op} / {other}"] = {
                        "median": statistics.median(paired),
                        "min": min(paired),
                        "max": max(paired),
                        "at least 80%": sum(r >= 0.8 for r in paired),
                        "ratios": paired,
                        # fastest against fastest: noise here only ever slows a run down
                        "best": min(b[0] for b in runs[f"{other} {op}"])
                        / min(a[0] for a in runs[f"{mine} {op}"]),
                    }
            results.append(row)
            print(f"{_label(size)} done (1-min load {load:.2f})", file=sys.stderr)
        report = {
            "machine": machine,
            "seal_version": args.seal_version,
            "floor_hash": not args.floor_without_hash,
            "age_empty_file_seconds": startup,
            "repeat": args.repeat,
            "warmup": args.warmup,
            "prefault_times_size": args.prefault,
            "load_start": load_start,
            "load_end": os.getloadavg(),
            "results": results,
        }
        out_dir = ROOT / "bench" / "results"
        out_dir.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        (out_dir / f"envelope_throughput-{stamp}.json").write_text(json.dumps(report, indent=2))
        print(_table(report))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(disk, ignore_errors=True)


def _table(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"{m['cpu']}, {m['cores']} cores; Python {m['python']}, cryptography {m['cryptography']} "
        f"({m['openssl']}), {m['age']}; commit {m['commit']}; sealing format "
        f"{'v' + str(report['seal_version']) if report['seal_version'] else 'default'}; "
        f"files on {m['files_on']}, open + fsync on {m['fsync_row_on']}; "
        f"median of {report['repeat']} after {report['warmup']} untimed; "
        f"{report['prefault_times_size']:g}x the size pre-faulted before each operation from "
        "64 MiB; "
        f"load average {report['load_start'][0]:.2f} at start, {report['load_end'][0]:.2f} at end",
        "",
        "| size | operation | infoshare MB/s | raw AES-GCM MB/s | floor MB/s | age MB/s "
        "| infoshare / raw: paired median (range); best of each; repeats at 80% or more "
        "| floor / raw: paired median (range); best of each | infoshare / floor | infoshare / age "
        "| CPU s: infoshare, raw | peak RSS MiB: infoshare, raw, age |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- | --- | --- |",
    ]

    def paired(row: dict[str, Any], key: str, full: bool) -> str:
        p = row[key]
        if not full:
            return f"{p['median']:.0%}" if key.endswith("floor") else f"{p['median']:.2f}x"
        return f"**{p['median']:.0%}** ({p['min']:.0%}-{p['max']:.0%}); {p['best']:.0%}"

    for r in report["results"]:
        for op in ("seal", "open"):
            mb = [r[f"{tool} {op}"]["MB/s"] for tool in ("infoshare", "raw", "floor", "age")]
            ours, raw, age = r[f"infoshare {op}"], r[f"raw {op}"], r[f"age {op}"]
            lines.append(
                f"| {_label(r['size'])} | {op} | "
                + " | ".join(f"{x:.0f}" for x in mb)
                + f" | {paired(r, f'paired infoshare {op} / raw', True)}; "
                f"{r[f'paired infoshare {op} / raw']['at least 80%']}/{report['repeat']} "
                f"| {paired(r, f'paired floor {op} / raw', True)} "
                f"| {paired(r, f'paired infoshare {op} / floor', False)} "
                f"| {paired(r, f'paired infoshare {op} / age', False)} | "
                f"{ours['cpu_seconds']:.3f}, {raw['cpu_seconds']:.3f} | "
                f"{ours['peak_rss_MiB']:.1f}, {raw['peak_rss_MiB']:.1f}, {age['peak_rss_MiB']:.1f} |"
            )
        fs = r["infoshare open + fsync"]
        lines.append(
            f"| {_label(r['size'])} | open + fsync (`infoshare open`, on disk) | {fs['MB/s']:.0f} "
            f"| | | | | | | | {fs['cpu_seconds']:.3f} | {fs['peak_rss_MiB']:.1f} |"
        )
    idle = max(r["idle"]["peak_rss_MiB"] for r in report["results"])
    empty = report["age_empty_file_seconds"]
    lines += [
        "",
        f"A worker that only imports infoshare.envelope and loads the keys peaks at {idle:.1f} MiB "
        "(the raw loop imports only cryptography). age's times include its process start-up: it "
        f"seals an empty file in {empty['seal'] * 1e3:.1f} ms and opens it in "
        f"{empty['open'] * 1e3:.1f} ms (median of 5). CPU s: the CPU time of all the worker's "
        "threads over the timed span (median). floor: the raw loop plus only the cryptography "
        "the format requires (one HPKE key wrap, "
        + ("a BLAKE3 hash of every ciphertext byte, " if report["floor_hash"] else "NO hash, ")
        + "one Ed25519 signature), on one thread.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
