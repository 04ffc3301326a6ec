from __future__ import annotations

import pytest

from adapters import s3
from adapters.config import settings
from cli.broadcast import bridge_sink
from studio.run import StudioRun, run_studio


@pytest.fixture(scope="session")
def quiet_show(cloud, tmp_path_factory) -> StudioRun:
    """A short show with nothing worth clipping, recorded through the whole pipeline."""
    return run_studio(
        "synthetic",
        s3=s3.client(),
        bucket=settings().recordings_bucket,
        channel_arn="arn:aws:ivs:us-east-1:123456789012:channel/QuietChannel1",
        event_sink=bridge_sink(),
        workdir=tmp_path_factory.mktemp("quiet-show"),
        duration_s=14.0,
        speed=20.0,
        moments=(),
        serve_live=False,
    )
