"""liveclips: the code every deployable shares (Cloud Functions, Cloud Run, Lambda).

Nothing here imports liveclips_dev, tests or bench (tests/unit/test_package_layout.py).
"""
