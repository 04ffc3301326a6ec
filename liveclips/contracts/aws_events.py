"""AWS EventBridge events consumed by liveclips, modelled as AWS documents them.

Sources (examples copied into tests/fixtures/aws/, see its README.md):
- IVS: https://docs.aws.amazon.com/ivs/latest/LowLatencyUserGuide/eventbridge.html
- S3: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
- MediaConvert: https://docs.aws.amazon.com/mediaconvert/latest/ug/mediaconvert_event_list.html

Unknown fields are kept (``extra="allow"``) because AWS adds fields without notice; documented
fields that AWS always sends are required so a truncated or foreign payload fails loudly.
Attributes are snake_case; the JSON keys (``detail-type``, ``version-id``, MediaConvert's
camelCase) are aliases, and ``model_dump()`` writes the AWS spelling back.
"""

import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic.alias_generators import to_camel

from liveclips.errors import PermanentError


class InvalidAwsEvent(PermanentError, ValueError):
    """Input that is not a supported, well-formed AWS event; the message says exactly why."""


class AwsModel(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="allow",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )


DetailT = TypeVar("DetailT")


class EventBridgeEvent(AwsModel, Generic[DetailT]):
    """The envelope every EventBridge event shares; ``EventBridgeEvent[dict[str, Any]]`` is
    the untyped form for routing before the specific model is known."""

    version: str
    id: str
    detail_type: str = Field(alias="detail-type")
    source: str
    account: str
    time: AwareDatetime
    region: str
    resources: tuple[str, ...]
    detail: DetailT


# The account is `[^:]*` because AWS's own examples use the placeholder "aws_account_id".
_IVS_CHANNEL_ARN = re.compile(r"^arn:[^:]+:ivs:[^:]*:[^:]*:channel/(?P<channel_id>[^/]+)$")


class IvsEvent(EventBridgeEvent[DetailT], Generic[DetailT]):
    source: Literal["aws.ivs"]

    @property
    def channel_arn(self) -> str | None:
        """None for account-wide limit breaches, which AWS sends with ``resources: []``."""
        return self.resources[0] if self.resources else None

    @property
    def channel_id(self) -> str | None:
        """The ARN's resource id, which is also the <channel_id> in recording prefixes.

        None when the ARN is not a channel ARN: AWS's own Recording End Failure example
        carries one without ``channel/``, so that is not treated as a parse error.
        """
        arn = self.channel_arn
        match = _IVS_CHANNEL_ARN.match(arn) if arn is not None else None
        return match.group("channel_id") if match else None


IvsStreamEventName = Literal[
    "Session Created",
    "Session Ended",
    "Stream Start",
    "Stream End",
    "Stream Failure",
    "Stream Takeover",
    "Stream Takeover Failure",
]


class IvsStreamStateDetail(AwsModel):
    event_name: IvsStreamEventName
    channel_name: str  # may be "" (AWS's Session Created example)
    stream_id: str
    code: str | None = None  # Session Ended (multitrack) and Stream Takeover Failure
    reason: str | None = None  # Stream Failure


class IvsStreamStateChange(IvsEvent[IvsStreamStateDetail]):
    detail_type: Literal["IVS Stream State Change"] = Field(alias="detail-type")


class IvsStreamHealthDetail(AwsModel):
    event_name: Literal["Starvation Start", "Starvation End"]
    channel_name: str
    stream_id: str


class IvsStreamHealthChange(IvsEvent[IvsStreamHealthDetail]):
    detail_type: Literal["IVS Stream Health Change"] = Field(alias="detail-type")


class IvsLimitBreachDetail(AwsModel):
    limit_name: Literal[
        "Ingest Bitrate", "Ingest Resolution", "Concurrent Broadcasts", "Concurrent Viewers"
    ]
    limit_value: int
    exceeded_by: int
    limit_unit: str | None = None  # in every example, but not in the documented guarantee
    # Absent for account-wide limits (Concurrent Broadcasts / Viewers).
    channel_name: str | None = None
    stream_id: str | None = None


class IvsLimitBreach(IvsEvent[IvsLimitBreachDetail]):
    detail_type: Literal["IVS Limit Breach"] = Field(alias="detail-type")


IvsRecordingStatus = Literal[
    "Recording Start", "Recording End", "Recording Start Failure", "Recording End Failure"
]


class IvsRecordingStateDetail(AwsModel):
    channel_name: str
    stream_id: str
    recording_status: IvsRecordingStatus
    recording_status_reason: str  # "" unless a failure, e.g. "ValidationException"
    recording_s3_bucket_name: str
    # No trailing slash; "" on Recording Start Failure. Parse with
    # liveclips.contracts.ivs_recording.parse_recording_prefix.
    recording_s3_key_prefix: str
    recording_duration_ms: int
    recording_session_id: str
    # Documented on Recording End only: every stream merged into this recording.
    recording_session_stream_ids: tuple[str, ...] = ()


class IvsRecordingStateChange(IvsEvent[IvsRecordingStateDetail]):
    detail_type: Literal["IVS Recording State Change"] = Field(alias="detail-type")


class S3Bucket(AwsModel):
    name: str


class S3Object(AwsModel):
    key: str
    size: int
    etag: str
    version_id: str | None = Field(default=None, alias="version-id")  # versioned buckets only
    sequencer: str


class S3ObjectCreatedDetail(AwsModel):
    version: str
    event_version: str | None = Field(default=None, alias="event-version")  # newer events
    bucket: S3Bucket
    object: S3Object
    request_id: str = Field(alias="request-id")
    requester: str
    # AWS: "Only present for events triggered by an S3 request".
    source_ip_address: str | None = Field(default=None, alias="source-ip-address")
    reason: str  # PutObject | POST Object | CopyObject | CompleteMultipartUpload


class S3ObjectCreated(EventBridgeEvent[S3ObjectCreatedDetail]):
    source: Literal["aws.s3"]
    detail_type: Literal["Object Created"] = Field(alias="detail-type")


class _MediaConvertModel(AwsModel):
    model_config = ConfigDict(alias_generator=to_camel)


class MediaConvertVideoDetails(_MediaConvertModel):
    width_in_px: int
    height_in_px: int
    average_bitrate: int | None = None


class MediaConvertOutputDetail(_MediaConvertModel):
    output_file_paths: tuple[str, ...]
    duration_in_ms: int | None = None
    video_details: MediaConvertVideoDetails | None = None  # absent for audio-only outputs


class MediaConvertOutputGroupDetail(_MediaConvertModel):
    type: str  # FILE_GROUP | HLS_GROUP | DASH_ISO_GROUP | MS_SMOOTH_GROUP | CMAF_GROUP
    output_details: tuple[MediaConvertOutputDetail, ...] = ()
    playlist_file_paths: tuple[str, ...] = ()  # not returned for FILE_GROUP


class MediaConvertWarning(_MediaConvertModel):
    code: int
    count: int


# MediaConvert never emits SUBMITTED (only CloudTrail sees job submission).
MediaConvertStatus = Literal[
    "INPUT_INFORMATION",
    "PROGRESSING",
    "STATUS_UPDATE",
    "COMPLETE",
    "CANCELED",
    "ERROR",
    "NEW_WARNING",
    "QUEUE_HOP",
]


class MediaConvertJobDetail(_MediaConvertModel):
    timestamp: int  # epoch milliseconds
    account_id: str
    queue: str
    job_id: str
    status: MediaConvertStatus
    user_metadata: dict[str, str] = Field(default_factory=dict)
    output_group_details: tuple[MediaConvertOutputGroupDetail, ...] = ()
    warnings: tuple[MediaConvertWarning, ...] = ()
    error_code: int | None = None
    error_message: str | None = None

    @model_validator(mode="after")
    def _status_payload_present(self) -> "MediaConvertJobDetail":
        # The status decides what a consumer reads next; a COMPLETE without outputs or an
        # ERROR without a code would otherwise surface as a confusing failure downstream.
        if self.status == "COMPLETE" and not self.output_group_details:
            raise ValueError("COMPLETE events carry outputGroupDetails")
        if self.status == "ERROR" and self.error_code is None:
            raise ValueError("ERROR events carry errorCode")
        return self


class MediaConvertJobStateChange(EventBridgeEvent[MediaConvertJobDetail]):
    source: Literal["aws.mediaconvert"]
    detail_type: Literal["MediaConvert Job State Change"] = Field(alias="detail-type")


AwsEvent = Annotated[
    IvsStreamStateChange
    | IvsStreamHealthChange
    | IvsLimitBreach
    | IvsRecordingStateChange
    | S3ObjectCreated
    | MediaConvertJobStateChange,
    Field(discriminator="detail_type"),
]

SUPPORTED_EVENTS: frozenset[tuple[str, str]] = frozenset(
    {
        ("aws.ivs", "IVS Stream State Change"),
        ("aws.ivs", "IVS Stream Health Change"),
        ("aws.ivs", "IVS Limit Breach"),
        ("aws.ivs", "IVS Recording State Change"),
        ("aws.s3", "Object Created"),
        ("aws.mediaconvert", "MediaConvert Job State Change"),
    }
)

_AWS_EVENT: TypeAdapter[AwsEvent] = TypeAdapter(AwsEvent)
_MAX_REPORTED_ERRORS = 5


def load_json_object(raw: bytes | str | Mapping[str, Any]) -> dict[str, Any]:
    """Decode ``raw`` into a JSON object, raising InvalidAwsEvent for anything else."""
    if isinstance(raw, Mapping):
        return dict(raw)
    # A Lambda can be invoked with any JSON value (null, a list, a number) as its event.
    if not isinstance(raw, str | bytes | bytearray):
        raise InvalidAwsEvent(f"expected a JSON object, got {type(raw).__name__}")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, nesting
        raise InvalidAwsEvent(f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidAwsEvent(f"expected a JSON object, got {type(data).__name__}")
    return data


def describe_validation_error(exc: ValidationError, *, skip_loc: int = 0) -> str:
    """One line naming each failing field by its JSON path, e.g. ``detail.size: ...``."""
    errors = exc.errors(include_url=False)
    parts = [
        f"{'.'.join(str(p) for p in err['loc'][skip_loc:]) or '<root>'}: {err['msg']}"
        for err in errors[:_MAX_REPORTED_ERRORS]
    ]
    if len(errors) > _MAX_REPORTED_ERRORS:
        parts.append(f"(+{len(errors) - _MAX_REPORTED_ERRORS} more)")
    return "; ".join(parts)


def parse_aws_event(raw: bytes | str | Mapping[str, Any]) -> AwsEvent:
    """Parse one EventBridge event, or raise InvalidAwsEvent saying what is wrong."""
    data = load_json_object(raw)
    source, detail_type = data.get("source"), data.get("detail-type")
    # Checked before validation so a foreign event gets one plain sentence, not a
    # union-tag error listing every supported detail-type.
    if (
        not isinstance(source, str)
        or not isinstance(detail_type, str)
        or (source, detail_type) not in SUPPORTED_EVENTS
    ):
        raise InvalidAwsEvent(f"unsupported event: source={source} detail-type={detail_type}")
    try:
        return _AWS_EVENT.validate_python(data)
    except ValidationError as exc:
        # loc[0] is the union tag, which the message already starts with.
        raise InvalidAwsEvent(
            f"{detail_type}: {describe_validation_error(exc, skip_loc=1)}"
        ) from exc
