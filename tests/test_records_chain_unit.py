"""The fast digest ``records verify`` computes from stored text equals the canonical one."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from infoshare.records.canonical import ChainFields, canonical_json, stored_digest, timestamp

texts = st.text(max_size=40)  # any Unicode: quotes, backslashes, control characters, emoji
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)
times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@given(
    agency=texts, seq=st.integers(1, 10**9), ref=texts, recorded=times, decided=times,
    due=st.none() | times, decision=texts, requesting=texts, urgency=texts,
    envelope_id=st.none() | texts, envelope_sha256=st.none() | texts,
    public=st.dictionaries(texts, json_values, max_size=6),
    commitments=st.dictionaries(texts, texts, max_size=4),
)  # fmt: skip
def test_stored_digest_equals_the_canonical_digest(
    agency: str, seq: int, ref: str, recorded: datetime, decided: datetime,
    due: datetime | None, decision: str, requesting: str, urgency: str,
    envelope_id: str | None, envelope_sha256: str | None, public: dict[str, object],
    commitments: dict[str, str],
) -> None:  # fmt: skip
    fields = ChainFields(
        agency, seq, "ab" * 32, ref, recorded, decided, due, decision, requesting, urgency,
        envelope_id, envelope_sha256, public, commitments,
    )  # fmt: skip
    fast = stored_digest(
        agency=agency, seq=seq, prev="ab" * 32, ref=ref, recorded_at=timestamp(recorded) or "",
        decided_at=timestamp(decided) or "", due_at=timestamp(due), decision=decision,
        requesting_agency=requesting, urgency=urgency, envelope_id=envelope_id,
        envelope_sha256=envelope_sha256, public_json=canonical_json(public).decode(),
        commitments_json=canonical_json(commitments).decode(),
    )  # fmt: skip
    assert fast == fields.digest()
