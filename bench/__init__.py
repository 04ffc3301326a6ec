"""Benchmarks: run as modules (`python -m bench.<name>`); results go to out/bench/."""

import os

# The benches measure the local cloud, so in local mode (liveclips/settings.py).
os.environ.setdefault("LIVECLIPS_LOCAL", "1")
