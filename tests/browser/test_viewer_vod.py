"""The viewer app's shows: GET /v1/vod lists READY titles only, the most recently ready
first, paged by cursor; the page lists them with their ladder."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from google.cloud import spanner as gspanner

from liveclips.adapters import spanner
from liveclips_dev.cli.browser_show import launch
from tests.browser.conftest import shot
from tests.support import bearer

pytestmark = pytest.mark.browser


def _title(name: str, state: str, ready_at: datetime | None) -> str:
    title_id = f"t{uuid.uuid4().hex[:16]}"
    row = {
        "TitleId": title_id, "Kind": "upload", "ChannelId": "ch-vod-browse", "Title": name,
        "SourceBucket": "uploads", "SourceKey": f"uploads/{title_id}.mp4", "State": state,
        "Attempts": 1, "Bucket": "liveclips-media", "MasterKey": f"vod/{title_id}/master.m3u8",
        "DurationMs": 600_000, "ReadyAt": ready_at,
        "CreatedAt": gspanner.COMMIT_TIMESTAMP, "UpdatedAt": gspanner.COMMIT_TIMESTAMP,
    }  # fmt: skip
    with spanner.database().batch() as batch:
        batch.insert("VodAssets", columns=tuple(row), values=[tuple(row.values())])
    return title_id


def test_ready_titles_are_listed_newest_first_and_paged(
    cloud: dict[str, str], playwright_api, tmp_path: Path
) -> None:
    # ReadyAt takes commit timestamps: none may be in the future. Other shows of the
    # session may turn READY meanwhile, so page until ours are found rather than
    # assuming they are the two newest.
    now = datetime.now(UTC)
    older = _title("Older show", "READY", now - timedelta(minutes=1))
    newer = _title("Newer show", "READY", now - timedelta(seconds=1))
    pending = _title("Not ready", "TRANSCODING", None)
    api = cloud["LIVECLIPS_API_URL"]
    seen: list[dict[str, str]] = []
    cursor: str | None = None
    while older not in [t["id"] for t in seen]:
        assert len(seen) < 100 and (cursor or not seen), seen
        params: dict[str, str | int] = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = httpx.get(
            f"{api}/v1/vod", params=params, headers=bearer("vod-viewer"), timeout=30
        ).json()
        assert len(page["titles"]) <= 1
        seen += page["titles"]
        cursor = page["next_cursor"]
    ids = [t["id"] for t in seen]
    assert ids.index(newer) < ids.index(older)
    assert pending not in ids
    assert {t["state"] for t in seen} == {"READY"}
    assert seen[-1]["hls_url"].endswith(f"/v1/vod/{older}/master.m3u8")

    context = launch(playwright_api, tmp_path / "profile", None)
    try:
        page = context.new_page()
        page.goto(f"{cloud['LIVECLIPS_STUDIO_URL'].rstrip('/')}/viewer/#/vod")
        page.wait_for_selector("body[data-ready=true]")
        page.fill("#signin input[name=user]", "vod-viewer")
        page.click("#sign-in")
        page.wait_for_selector(f"#titles li[data-title='{older}']")
        listed = page.eval_on_selector_all("#titles li", "els => els.map(e => e.dataset.title)")
        assert listed.index(newer) < listed.index(older)
        assert pending not in listed
        assert page.is_visible("#continue li.empty")
        shot(page, "viewer-vod-01-shows")
    finally:
        context.close()
