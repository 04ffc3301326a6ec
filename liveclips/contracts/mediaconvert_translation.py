"""What a MediaConvert Job State Change means to liveclips: a finished job of ours becomes
a vod.job_changed event; progress events, and jobs someone else submitted, are passed
over with the reason."""

from __future__ import annotations

from typing import Final

from liveclips import resources
from liveclips.contracts.aws_events import (
    AwsEvent,
    InvalidAwsEvent,
    MediaConvertJobDetail,
    MediaConvertJobStateChange,
    MediaConvertOutputGroupDetail,
)
from liveclips.contracts.events import VodJobChanged, VodRenditionOutput
from liveclips.contracts.ivs_translation import Forward, NotForThisBridge, PassOver

VOD_JOBS_TOPIC: Final = resources.VOD_JOBS_TOPIC
_FINAL: Final = ("COMPLETE", "ERROR", "CANCELED")


def translate_job_event(event: AwsEvent) -> Forward | PassOver:
    if not isinstance(event, MediaConvertJobStateChange):
        raise NotForThisBridge(f"{event.source} {event.detail_type} is not a MediaConvert event")
    detail = event.detail
    title_id = detail.user_metadata.get("title_id")
    if title_id is None:
        return PassOver(f"job {detail.job_id} carries no title_id: not submitted by liveclips")
    if detail.status not in _FINAL:
        return PassOver(f"job {detail.job_id} is {detail.status}, not finished")
    attempt = detail.user_metadata.get("attempt", "1")
    if not attempt.isdigit() or int(attempt) < 1:
        # The input is wrong, not our code: permanent (the bridge dead-letters it).
        raise InvalidAwsEvent(f"job {detail.job_id}: userMetadata.attempt={attempt!r} is not >= 1")
    hls = _group(detail, "HLS_GROUP")
    frames = _group(detail, "FILE_GROUP")
    return Forward(
        VOD_JOBS_TOPIC,
        VodJobChanged(
            event_id=event.id,
            occurred_at=event.time,
            title_id=title_id,
            attempt=int(attempt),
            job_id=detail.job_id,
            status=detail.status,
            master_uri=hls.playlist_file_paths[0] if hls and hls.playlist_file_paths else None,
            renditions=[
                VodRenditionOutput(
                    playlist_uri=output.output_file_paths[0],
                    width=output.video_details.width_in_px,
                    height=output.video_details.height_in_px,
                    duration_ms=output.duration_in_ms,
                    average_bitrate=output.video_details.average_bitrate,
                )
                for output in (hls.output_details if hls else ())
                if output.video_details is not None and output.output_file_paths
            ],
            frame_capture_uris=[
                path
                for output in (frames.output_details if frames else ())
                for path in output.output_file_paths
            ],
            error_code=detail.error_code,
            error_message=detail.error_message,
        ),
        title_id,
    )


def _group(detail: MediaConvertJobDetail, kind: str) -> MediaConvertOutputGroupDetail | None:
    return next((g for g in detail.output_group_details if g.type == kind), None)
