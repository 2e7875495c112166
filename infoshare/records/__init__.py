"""Decision records: one per request, whatever happened, append-only and tamper-evident.

- ``compose``: the outcome and the record (ICO Annex B, DPA 2018 s.62)
- ``summary``: the record as the run's artifact shows it in the Prefect UI
- ``canonical``: the canonical form, hashes, commitments, checkpoint and floor statements
  (docs/records-canonical-form.md)
- ``chain``: verifying a chain
- ``checkpoints``: signing a chain, and deleting its oldest records behind a signed floor
- ``search``: subject access search
- ``export``: period exports with signed manifests

The chain as stored (appending under the head lock, the subject index) is
``infoshare.store.chain``.
"""
