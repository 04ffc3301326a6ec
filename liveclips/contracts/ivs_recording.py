"""IVS auto-record-to-S3 layout: the recording prefix and its events/*.json metadata files.

Source: https://docs.aws.amazon.com/ivs/latest/LowLatencyUserGuide/record-to-s3.html

AWS says not to assume rendition folders or names ("Do not make any assumptions about the
static path"): every media path is read from the metadata files, each ``path`` relative to
its parent in the JSON (prefix / media.hls.path / rendition.path / rendition.playlist).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import AwareDatetime, Field, ValidationError

from liveclips.contracts.aws_events import (
    AwsModel,
    InvalidAwsEvent,
    describe_validation_error,
    load_json_object,
)

# Object keys of the metadata files, relative to the recording prefix. A recording has
# recording-started.json and then either recording-ended.json or recording-failed.json.
RECORDING_STARTED_KEY = "events/recording-started.json"
RECORDING_ENDED_KEY = "events/recording-ended.json"
RECORDING_FAILED_KEY = "events/recording-failed.json"

_ID = r"[A-Za-z0-9_-]+"
# AWS documents the format with a leading "/" but every event and object key lacks it.
# Date parts are unpadded in real keys (".../2023/10/5/13/51/..."), padded ones are accepted.
_PREFIX = (
    rf"/?ivs/v1/(?P<account>\d{{12}})/(?P<channel_id>{_ID})/"
    r"(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<hour>\d{1,2})/(?P<minute>\d{1,2})/"
    rf"(?P<recording_id>{_ID})"
)
_PREFIX_RE = re.compile(rf"{_PREFIX}/?")
_KEY_RE = re.compile(rf"{_PREFIX}/(?P<relative>.+)")
_ACCOUNT_RE = re.compile(r"\d{12}")
_ID_RE = re.compile(_ID)
_EXPECTED = "ivs/v1/<account>/<channel_id>/<year>/<month>/<day>/<hour>/<minute>/<recording_id>"


@dataclass(frozen=True, slots=True)
class RecordingPrefix:
    """One recording's S3 prefix; ``started_at`` is the UTC minute the recording began."""

    account: str
    channel_id: str
    started_at: datetime
    recording_id: str

    def __post_init__(self) -> None:
        # Checked here too so a hand-built prefix can never format into an unparsable key.
        if not _ACCOUNT_RE.fullmatch(self.account):
            raise ValueError(f"account must be 12 digits, got {self.account!r}")
        for name, value in (("channel_id", self.channel_id), ("recording_id", self.recording_id)):
            if not _ID_RE.fullmatch(value):
                raise ValueError(f"{name} must match {_ID}, got {value!r}")
        started = self.started_at
        if started.utcoffset() != timedelta(0) or started.second or started.microsecond:
            raise ValueError(f"started_at must be a whole UTC minute, got {started.isoformat()}")

    @property
    def prefix(self) -> str:
        """As IVS writes it: no leading or trailing slash, date parts unpadded."""
        t = self.started_at
        return (
            f"ivs/v1/{self.account}/{self.channel_id}/"
            f"{t.year}/{t.month}/{t.day}/{t.hour}/{t.minute}/{self.recording_id}"
        )

    def key(self, relative: str) -> str:
        """The object key of ``relative`` (e.g. "media/hls/master.m3u8") in this recording."""
        return f"{self.prefix}/{relative.lstrip('/')}"


def _from_match(match: re.Match[str], original: str) -> RecordingPrefix:
    try:
        started_at = datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            tzinfo=UTC,
        )
    except ValueError as exc:
        raise ValueError(f"IVS recording prefix has an invalid date ({exc}): {original!r}") from exc
    return RecordingPrefix(match["account"], match["channel_id"], started_at, match["recording_id"])


def parse_recording_prefix(prefix: str) -> RecordingPrefix:
    """Parse e.g. ``detail.recording_s3_key_prefix``; raises ValueError if it does not fit."""
    match = _PREFIX_RE.fullmatch(prefix)
    if match is None:
        raise ValueError(f"not an IVS recording prefix (expected {_EXPECTED}): {prefix!r}")
    return _from_match(match, prefix)


def split_recording_key(key: str) -> tuple[RecordingPrefix, str]:
    """Split an object key into its recording prefix and the path below it."""
    match = _KEY_RE.fullmatch(key)
    if match is None:
        raise ValueError(f"not an object key inside an IVS recording ({_EXPECTED}/...): {key!r}")
    return _from_match(match, key), match["relative"]


class IvsRendition(AwsModel):
    path: str
    playlist: str
    # Documented as required, yet AWS's recording-failed.json example omits it.
    byte_range_playlist: str | None = None
    # Absent when the rendition has no video track.
    resolution_width: int | None = None
    resolution_height: int | None = None


class IvsHlsMedia(AwsModel):
    path: str
    playlist: str
    byte_range_playlist: str | None = None
    duration_ms: int | None = None  # only in recording-ended/-failed
    renditions: tuple[IvsRendition, ...] = Field(min_length=1)

    def playlist_path(self, *, byte_range: bool = False) -> str:
        """Multivariant playlist, relative to the recording prefix."""
        return f"{self.path}/{_pick(self.playlist, self.byte_range_playlist, byte_range)}"

    def rendition_playlist_path(self, rendition: IvsRendition, *, byte_range: bool = False) -> str:
        """Media playlist of ``rendition``, relative to the recording prefix."""
        name = _pick(rendition.playlist, rendition.byte_range_playlist, byte_range)
        return f"{self.path}/{rendition.path}/{name}"


def _pick(standard: str, byte_range_name: str | None, byte_range: bool) -> str:
    if not byte_range:
        return standard
    if byte_range_name is None:
        raise ValueError("this recording metadata names no byte-range playlist")
    return byte_range_name


class IvsThumbnails(AwsModel):
    # All optional: real 2023 recordings carry only {"path": ...}, the docs add resolutions.
    path: str | None = None
    resolution_width: int | None = None
    resolution_height: int | None = None


class IvsRecordingMedia(AwsModel):
    hls: IvsHlsMedia
    thumbnails: IvsThumbnails | None = None
    latest_thumbnail: IvsThumbnails | None = None


IvsRecordingFileStatus = Literal[
    "RECORDING_STARTED", "RECORDING_ENDED", "RECORDING_ENDED_WITH_FAILURE"
]


class IvsRecordingMetadata(AwsModel):
    """Contents of events/recording-started.json, recording-ended.json or recording-failed.json."""

    version: Literal["v1"]
    channel_arn: str
    recording_started_at: AwareDatetime
    recording_ended_at: AwareDatetime | None = None  # ended / ended-with-failure only
    recording_status: IvsRecordingFileStatus
    recording_status_message: str | None = None
    media: IvsRecordingMedia


def parse_recording_metadata(raw: bytes | str | Mapping[str, Any]) -> IvsRecordingMetadata:
    """Parse an events/*.json recording file, or raise InvalidAwsEvent saying what is wrong."""
    data = load_json_object(raw)
    try:
        return IvsRecordingMetadata.model_validate(data)
    except ValidationError as exc:
        raise InvalidAwsEvent(f"IVS recording metadata: {describe_validation_error(exc)}") from exc
