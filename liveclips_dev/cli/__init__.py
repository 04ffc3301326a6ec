import os

# The dev CLI runs against the local cloud, so in local mode (liveclips/settings.py); set
# on import, before any command imports a deployable module that checks its settings.
os.environ.setdefault("LIVECLIPS_LOCAL", "1")
