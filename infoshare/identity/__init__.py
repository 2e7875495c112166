"""Who answers: proof of identity for the people a run waits for (Prefect has no users).

- ``codes``: one-time codes mailed to each person who may answer, bound to the run, step,
  person and request;
- ``signatures``: answers signed with a person's own key, and ``prove``, which checks either;
- ``person_keys``: a person's signing key (public key registered, private key on their machine);
- ``eligibility``: who may answer a step, and who may unlock it.
"""
