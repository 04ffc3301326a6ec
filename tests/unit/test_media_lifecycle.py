"""The media bucket's working files expire: a crashed render's pieces and the live
follower's segment copies are under prefixes terraform/aws gives a lifecycle rule."""

from __future__ import annotations

from pathlib import Path

import hcl2
from hcl2.utils import SerializationOptions

from clip_workers.render import SCRATCH_PREFIX
from liveclips.domain.live_playlist import live_copy_prefix

AWS = Path(__file__).resolve().parents[2] / "terraform" / "aws"
_HCL = SerializationOptions(strip_string_quotes=True, with_comments=False, explicit_blocks=False)


def media_expiry() -> dict[str, int]:
    document = hcl2.loads((AWS / "locals.tf").read_text(), serialization_options=_HCL)
    buckets = next(block["buckets"] for block in document["locals"] if "buckets" in block)
    return {
        prefix: int(days) for prefix, days in buckets["liveclips-media"]["expire_prefixes"].items()
    }


def test_render_pieces_and_live_copies_expire() -> None:
    expiry = media_expiry()
    expired = [p for p in expiry if SCRATCH_PREFIX.startswith(p)]
    assert expired and expiry[expired[0]] <= 7, expiry
    copies = live_copy_prefix("channel", "recording")
    assert any(copies.startswith(p) for p in expiry), expiry
    assert 'dynamic "rule"' in (AWS / "s3.tf").read_text()  # the rule reads expire_prefixes
