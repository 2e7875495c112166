"""Sharing policy as plain functions (no database, no Prefect):

- ``triage``: anti-trawling, registry and legal checks, consent routing, the deadline;
- ``answers``: what people answer when a run waits for them, and the verdict on an answer;
- ``approval``: who may justify an override, sign off or confirm an emergency, and four eyes.
"""
