"""Settings of the social layer (docs/social.md): comment limits, the go-live fan-out,
push providers and share pages. LIVECLIPS_ variables, like every other piece."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from liveclips.settings import Piece


class SocialPiece(Piece):
    # Comments per user: a GCRA of this rate with this burst (liveclips/adapters/rate_limits.py).
    comment_rate_per_s: float = Field(default=0.2, gt=0)
    comment_burst: int = Field(default=5, ge=1)
    # creator.live: followers read and published per batch on go-live.
    fanout_batch: int = Field(default=500, ge=1, le=5000)
    # FCM HTTP v1 (Android, web): the project and the API's origin (a stand-in locally).
    fcm_project: str | None = None
    fcm_url: str = "https://fcm.googleapis.com"
    # APNs (iOS): token-based auth (a .p8 key, ES256), the app's bundle id as the topic.
    apns_url: str = "https://api.push.apple.com"
    apns_team_id: str | None = None
    apns_key_id: str | None = None
    apns_private_key: str | None = None
    apns_topic: str | None = None
    # Share pages: how long the page's signed video and poster URLs live, and where the
    # viewer app is (None: /viewer/ on the API's own origin, as the local cloud serves it).
    share_url_ttl_s: int = Field(default=600, ge=60, le=3600)
    viewer_app_url: str | None = None


@lru_cache(maxsize=1)
def social_settings() -> SocialPiece:
    return SocialPiece()
