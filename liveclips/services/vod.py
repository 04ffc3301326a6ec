"""Every show (and every upload) becomes an on-demand title.

Recording End -> a PENDING title -> a Cloud Tasks "submit" task -> MediaConvert CreateJob
-> (job state change, via the MediaConvert bridge) -> outputs validated -> READY, or on
ERROR a resubmission with backoff until the attempts run out -> FAILED + dead letter.
Each step is keyed by (title, attempt), so redelivered events and tasks repeat nothing.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, timedelta

from botocore.exceptions import ClientError

from liveclips import resources
from liveclips.adapters import ivs_recordings, mediaconvert, pubsub, spanner_vod, tasks
from liveclips.adapters.config import settings
from liveclips.adapters.spanner_vod import FINAL_STATES, VodTitle
from liveclips.contracts.events import (
    InvalidMessage,
    RecordingStateChanged,
    SubmitVodJobTask,
    VodJobChanged,
    VodReady,
)
from liveclips.domain.ids import stable_id
from liveclips.domain.vod_job import VodJobSpec, build_create_job
from liveclips.domain.vod_ladder import ladder_for
from liveclips.domain.vod_outputs import GiveUp, InvalidVodOutput, after_failure
from liveclips.services import vod_check

log = logging.getLogger("liveclips.vod")
VOD_ASSETS_TOPIC = resources.VOD_ASSETS_TOPIC


def title_id_for_recording(recording_id: str) -> str:
    return stable_id("vod", recording_id)


def start_for_recording(event: RecordingStateChanged) -> VodTitle:
    """After Recording End (AWS advises against reading a recording before it): the
    recording's best rendition becomes the job's input."""
    layout = ivs_recordings.hls_layout(event.bucket, event.key_prefix)
    top = max(layout.renditions, key=lambda r: r.resolution_height or 0)
    started = event.occurred_at.astimezone(UTC) - timedelta(milliseconds=event.duration_ms or 0)
    title = spanner_vod.create(
        VodTitle(
            title_id=title_id_for_recording(event.recording_id),
            kind="recording",
            channel_id=event.channel_id,
            recording_id=event.recording_id,
            title=f"Live on {started:%Y-%m-%d %H:%M} UTC",
            source_bucket=event.bucket,
            source_key=f"{event.key_prefix}/{layout.rendition_playlist_path(top)}",
            source_width=top.resolution_width,
            source_height=top.resolution_height,
            source_duration_ms=event.duration_ms,
            state="PENDING",
            attempts=0,
        )
    )
    start(title)
    return title


def start(title: VodTitle) -> None:
    """Ask for the title's current attempt (a no-op once it is submitted or final)."""
    if title.state not in FINAL_STATES:
        tasks.enqueue_vod_submit(
            SubmitVodJobTask(title_id=title.title_id, attempt=max(1, title.attempts))
        )


def submit(task: SubmitVodJobTask) -> str:
    """The Cloud Tasks target: create the job for (title, attempt) unless that happened.

    Transient MediaConvert errors raise, so Cloud Tasks retries with its own backoff; a
    request MediaConvert refuses as bad fails the title at once (retrying cannot help).
    """
    title = spanner_vod.get(task.title_id)
    if title is None:
        raise InvalidMessage(f"submit VOD job: no title {task.title_id}")
    if title.state in FINAL_STATES or spanner_vod.submitted(title.title_id, task.attempt):
        return "already_submitted"
    if not title.source_width or not title.source_height:
        reason = f"title {title.title_id}: source size unknown, cannot build a ladder"
        spanner_vod.fail(title.title_id, reason)
        raise InvalidMessage(reason)
    config = settings()
    spec = VodJobSpec(
        title_id=title.title_id,
        attempt=task.attempt,
        input_uri=f"s3://{title.source_bucket}/{title.source_key}",
        output_bucket=config.media_bucket,
        source_width=title.source_width,
        source_height=title.source_height,
        channel_id=title.channel_id,
        recording_id=title.recording_id,
        kind=title.kind,
    )
    request = build_create_job(
        spec,
        ladder_for(title.source_width, title.source_height),
        role_arn=config.mediaconvert_role_arn,
        queue_arn=config.mediaconvert_queue_arn,
    )
    try:
        job_id = mediaconvert.create_job(request)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "BadRequestException":
            raise
        reason = f"MediaConvert refused the job: {error}"
        spanner_vod.record_failure(
            title.title_id, task.attempt, "-", status="ERROR", error=reason, error_code=None,
            final=True,
        )  # fmt: skip
        pubsub.dead_letter(task.model_dump_json().encode(), reason=reason, source="submit_vod_job")
        return "refused"
    spanner_vod.record_submission(title.title_id, task.attempt, job_id)
    log.info("title %s attempt %d: job %s", title.title_id, task.attempt, job_id)
    return "submitted"


def on_job_changed(event: VodJobChanged) -> None:
    title = spanner_vod.get(event.title_id)
    if title is None:
        raise InvalidMessage(f"vod.job_changed: no title {event.title_id}")
    if event.attempt < title.attempts:
        log.info("title %s: attempt %d superseded", title.title_id, event.attempt)
        return
    if event.status == "COMPLETE":
        if title.state != "READY":  # a redelivery finds it validated and promoted already
            try:
                promoted = vod_check.validated(event, title)
            except InvalidVodOutput as invalid:
                _failed(event, f"outputs failed validation: {invalid}")
                return
            spanner_vod.promote(title.title_id, event.attempt, event.job_id, **promoted.columns())
            title = replace(title, bucket=promoted.bucket, master_key=promoted.master_key,
                            duration_ms=promoted.duration_ms)  # fmt: skip
        # Published on every delivery (same event id): a crash between the commit and this
        # publish must not leave a READY title nobody hears about.
        pubsub.publish(VOD_ASSETS_TOPIC, _ready(event, title), ordering_key=title.title_id)
        return
    _failed(event, f"job {event.status}: {event.error_code} {event.error_message or ''}".strip())


def _failed(event: VodJobChanged, error: str) -> None:
    config = settings()
    decision = (
        GiveUp(f"job canceled: {error}")
        if event.status == "CANCELED"
        else after_failure(event.attempt, config.vod_max_attempts, config.vod_retry_base_s, error)
    )
    final = isinstance(decision, GiveUp)
    first = spanner_vod.record_failure(
        event.title_id, event.attempt, event.job_id, status=event.status,
        error=error, error_code=event.error_code, final=final,
    )  # fmt: skip
    if not first:
        return
    if isinstance(decision, GiveUp):
        log.warning("title %s failed: %s", event.title_id, decision.reason)
        pubsub.dead_letter(
            event.model_dump_json().encode(),
            reason=decision.reason,
            source="promote_vod",
            attributes=event.envelope_attributes(),
        )
        return
    log.info("title %s: retry %d in %.0f s", event.title_id, decision.attempt, decision.delay_s)
    tasks.enqueue_vod_submit(
        SubmitVodJobTask(title_id=event.title_id, attempt=decision.attempt),
        delay_s=decision.delay_s,
    )


def _ready(event: VodJobChanged, title: VodTitle) -> VodReady:
    assert title.bucket and title.master_key and title.duration_ms is not None  # noqa: S101
    return VodReady(
        event_id=stable_id("vod.ready", title.title_id),
        occurred_at=event.occurred_at,
        title_id=title.title_id,
        kind="upload" if title.kind == "upload" else "recording",
        channel_id=title.channel_id,
        recording_id=title.recording_id,
        bucket=title.bucket,
        master_key=title.master_key,
        duration_ms=title.duration_ms,
    )
