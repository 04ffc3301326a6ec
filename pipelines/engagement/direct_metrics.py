"""A fix for user metrics on Beam's Python DirectRunner (BundleBasedDirectRunner), 2.77.

Each worker thread's StateSampler caches one ScopedState per (step, start|process|finish),
and the cached state keeps the MetricsContainer of the first bundle it was made for. Every
later bundle of that step on that thread then counts into that first container, which was
already committed: its increments are lost (a streaming run with three bundles through a
step reports the first bundle's count only). Dataflow and the FnApiRunner do not go
through this path. tests/unit/test_engagement_streaming.py checks the counts with it.

`apply()` makes scoped_state() build a fresh ScopedState when it is handed a different
container; the DirectRunner asks for its states at the start of each bundle, outside any
`with`, so nothing on the state stack is replaced. Applied only for local runs.
"""

from __future__ import annotations

from typing import Any

from apache_beam.runners.worker import statesampler

_APPLIED = "_liveclips_fresh_metrics_container"


def apply() -> None:
    sampler: Any = statesampler.StateSampler
    if getattr(sampler, _APPLIED, False):
        return
    original = sampler.scoped_state

    def scoped_state(
        self: Any,
        name_context: Any,
        state_name: str,
        io_target: Any = None,
        metrics_container: Any = None,
    ) -> Any:
        state = original(self, name_context, state_name, io_target, metrics_container)
        if metrics_container is None or state.metrics_container is metrics_container:
            return state
        for name, cached in list(self._states_by_name.items()):
            if cached is state:
                del self._states_by_name[name]
        return original(self, name_context, state_name, io_target, metrics_container)

    sampler.scoped_state = scoped_state
    setattr(sampler, _APPLIED, True)
