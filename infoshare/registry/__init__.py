"""The partnership registry: agencies, their people, sign-off policy, ISAs and public keys.

- ``spec``: the registry file, parsed and checked;
- ``partnership``: the partnership as loaded into the store and read back (``Partnership``);
- ``public_keys``: agencies' and people's registered public keys and their validity.
"""
