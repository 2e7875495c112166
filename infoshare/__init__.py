"""infoshare: lawful, recorded, secure information sharing between crime-reduction partners.

This package is the Prefect-free domain: request models, policy, the encrypted store,
the partnership registry, the transfer envelope and the CLI. Prefect lives only in the
top-level ``flows/`` and ``tasks/`` packages.
"""

__version__ = "0.1.0"
