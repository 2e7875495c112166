"""Setting up a partnership on this machine: store schema, registry, agency keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from infoshare.config import Settings
from infoshare.db import revision
from infoshare.files import tighten
from infoshare.keys import (
    ENCRYPTION,
    MAX_OVERLAP,
    AgencyKeyStore,
    KeyStoreError,
    LocalKey,
    PublicKeyInfo,
)
from infoshare.registry import partnership, public_keys, spec
from infoshare.store import Store
from infoshare.worktime import now_utc

KEY_VALIDITY = timedelta(days=2 * 365)
CLOCK_SKEW = timedelta(minutes=5)  # a new key is valid from a little before it was made
DEFAULT_OVERLAP = timedelta(days=14)


def upgrade_store(settings: Settings) -> tuple[revision.Upgrade, list[Path]]:
    """Bring this machine's store up to this version: the schema to its revision
    (``infoshare.db.revision.upgrade``), and agency key files written before stop 8 rewritten
    in today's format. Returns the upgrade and the key files written."""
    from infoshare.crypto import MasterKey
    from infoshare.db.engine import make_engine

    settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)  # a new SQLite store's place
    tighten(settings.home)  # one made earlier with a looser mode, its databases and keys
    engine = make_engine(settings.database_url)
    try:
        done = revision.upgrade(engine)
    finally:
        engine.dispose()
    tighten(settings.home)  # a database just made
    if not any((settings.keys_dir / "agencies").glob("*/*.pem")):
        return done, []  # no master key needed: a machine without keys may run the upgrade
    master = MasterKey.load(settings.keys_dir, settings.master_key_b64)
    return done, AgencyKeyStore(settings.keys_dir, master, settings.key_passphrase).convert_legacy()


@dataclass(frozen=True)
class SetupReport:
    agencies: int
    people: int
    isas: int
    keys_created: list[str]
    # registered before, absent from this registry: deactivated (audited, codes withdrawn)
    deactivated: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)


def initialise(store: Store, registry_file: Path = spec.DEMO_REGISTRY) -> SetupReport:
    """Load (or refresh) the registry and create key pairs for agencies that have none here.

    Safe to run again: existing keys are kept, registry entries are updated in place; an agency
    whose keys are registered but held on another machine is left alone."""
    loaded = spec.read_registry_file(registry_file)
    store.chain.reindex_subjects()  # records written before the subject index existed
    with store.session() as s:
        changes = partnership.load_registry(s, loaded)
    created = []
    for agency in loaded.agencies:
        if store.keys.has_keys(agency.id) or _registered_keys(store, agency.id, now_utc()):
            continue
        create_agency_keys(store, agency.id, now_utc())
        created.append(agency.id)
    return SetupReport(
        len(loaded.agencies),
        len(loaded.people),
        len(loaded.isas),
        created,
        changes.deactivated_agencies + changes.deactivated_people,
        changes.reactivated,
    )


def require_agency(store: Store, agency_id: str) -> None:
    if store.partnership().agency(agency_id) is None:
        raise KeyStoreError(
            f"unknown agency {agency_id!r}: not in the registry (see `infoshare registry show`)"
        )


def _registered_keys(store: Store, agency_id: str, now: datetime) -> list[str]:
    with store.session() as s:
        return [r.key_id for r in public_keys.agency_public_keys(s, agency_id) if r.not_after > now]


def create_agency_keys(store: Store, agency_id: str, now: datetime) -> list[PublicKeyInfo]:
    """An agency's first key pairs: private keys here, public keys in the registry."""
    require_agency(store, agency_id)
    registered = _registered_keys(store, agency_id, now)
    if registered and not store.keys.has_keys(agency_id):
        raise KeyStoreError(
            f"agency {agency_id!r} already has keys in the registry ({', '.join(registered)}) "
            "but not on this machine; rotate them where they are held"
        )
    infos = store.keys.generate(agency_id, now)
    try:
        with store.session() as s:
            public_keys.add_public_keys(s, infos, now - CLOCK_SKEW, now + KEY_VALIDITY)
    except BaseException:
        store.keys.undo_new(agency_id, infos)
        raise
    return infos


@dataclass(frozen=True)
class RotationReport:
    new: list[PublicKeyInfo]
    overlap_until: datetime
    removed: list[LocalKey]


def rotate_agency_keys(
    store: Store, agency_id: str, now: datetime, overlap: timedelta = DEFAULT_OVERLAP
) -> RotationReport:
    """New current key pairs. The old encryption key stays valid for ``overlap`` (senders seal
    to both meanwhile) and its private key is kept for the retention period; the old signing
    key stops being valid now and its private key is destroyed."""
    require_agency(store, agency_id)
    if not timedelta(0) <= overlap <= MAX_OVERLAP:
        raise KeyStoreError(f"the overlap must be between 0 and {MAX_OVERLAP.days} days")
    rotation = store.keys.rotate(agency_id, now)
    try:
        with store.session() as s:
            for old in rotation.retired:
                end = now + overlap if old.kind == ENCRYPTION else now
                public_keys.end_key_validity(s, old.key_id, end)
            public_keys.add_public_keys(s, rotation.new, now - CLOCK_SKEW, now + KEY_VALIDITY)
    except BaseException:
        store.keys.undo_new(agency_id, rotation.new)
        raise
    removed = store.keys.finish(rotation, now)
    return RotationReport(rotation.new, now + overlap, removed)
