"""GET /v1/vod: the on-demand titles a viewer can browse (READY only), newest first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from liveclips.adapters import spanner_vod_titles
from liveclips.api import pagination
from liveclips.api.auth import AnyCaller
from liveclips.api.errors import documented
from liveclips.api.models import VodTitleView
from liveclips.api.vod import title_detail

router = APIRouter(prefix="/v1", tags=["video on demand"])


class VodTitlePage(BaseModel):
    titles: list[VodTitleView]
    next_cursor: str | None


@router.get("/vod", response_model=VodTitlePage, responses=documented(400))
def browse_titles(
    request: Request,
    caller: AnyCaller,
    cursor: pagination.Cursor = None,
    limit: pagination.Limit = 20,
) -> VodTitlePage:
    """READY titles, the most recently ready first, with their poster and HLS."""
    found = spanner_vod_titles.ready(limit, pagination.decode(cursor))
    titles = [title_detail(t.title_id, request, caller) for t in found]
    keys = [(t.ready_at, t.title_id) for t in found if t.ready_at is not None]
    return VodTitlePage(titles=titles, next_cursor=pagination.next_cursor(keys, limit))
