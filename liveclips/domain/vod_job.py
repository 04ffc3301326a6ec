"""The MediaConvert CreateJob request that turns a show (or an upload) into a VOD title.

Built as boto3's `create_job(**request)` keyword arguments (the AWS model's PascalCase),
so the same dict is what tests validate against the model and what the local
transcoder runs. Layout of a title's outputs under `vod/<title_id>/`:

- `hls/index.m3u8` (master), `hls/index_<rung>.m3u8` and `hls/index_<rung>_<n>.ts`
- `frames/frame.<n>.jpg`, one picture every FRAME_CAPTURE_EVERY_S (poster, scrubbing)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from liveclips.domain.vod_ladder import AUDIO_BITRATE, Rendition

SEGMENT_S = 2
FRAME_CAPTURE_EVERY_S = 10
FRAME_CAPTURE_WIDTH = 480
HLS_GROUP = "HLS"
FRAMES_GROUP = "Frames"
# MediaConvert's limit on ClientRequestToken and on each UserMetadata value.
_TOKEN_MAX = 64


@dataclass(frozen=True)
class VodJobSpec:
    title_id: str
    attempt: int
    input_uri: str  # s3://bucket/key of a media playlist or a video file
    output_bucket: str
    source_width: int
    source_height: int
    channel_id: str
    recording_id: str | None
    kind: str  # recording | upload


def output_prefix(title_id: str) -> str:
    return f"vod/{title_id}/"


def master_key(title_id: str) -> str:
    return f"{output_prefix(title_id)}hls/index.m3u8"


def client_request_token(title_id: str, attempt: int) -> str:
    """Same title and attempt, same token: MediaConvert answers a resubmission (a
    redelivered task) with the job it already made instead of transcoding twice."""
    return f"{title_id}-{attempt}"[:_TOKEN_MAX]


def user_metadata(spec: VodJobSpec) -> dict[str, str]:
    """Carried into every job state change event: how the bridge finds the title."""
    metadata = {
        "title_id": spec.title_id,
        "attempt": str(spec.attempt),
        "kind": spec.kind,
        "channel_id": spec.channel_id,
    }
    if spec.recording_id:
        metadata["recording_id"] = spec.recording_id
    return metadata


def _frame_size(spec: VodJobSpec) -> tuple[int, int]:
    height = round(FRAME_CAPTURE_WIDTH * spec.source_height / spec.source_width / 2) * 2
    return FRAME_CAPTURE_WIDTH, max(2, height)


def _hls_output(rendition: Rendition) -> dict[str, Any]:
    return {
        "NameModifier": rendition.name_modifier,
        "ContainerSettings": {"Container": "M3U8", "M3u8Settings": {}},
        "VideoDescription": {
            "Width": rendition.width,
            "Height": rendition.height,
            "ScalingBehavior": "DEFAULT",
            "CodecSettings": {
                "Codec": "H_264",
                "H264Settings": {
                    "RateControlMode": "QVBR",
                    "QvbrSettings": {"QvbrQualityLevel": rendition.qvbr_quality},
                    "MaxBitrate": rendition.max_bitrate,
                    # One closed GOP per segment: every segment starts on a keyframe, so
                    # players switch rungs at any segment boundary.
                    "GopSize": SEGMENT_S,
                    "GopSizeUnits": "SECONDS",
                    "GopClosedCadence": 1,
                    "SceneChangeDetect": "TRANSITION_DETECTION",
                    "CodecProfile": "HIGH",
                    "CodecLevel": "AUTO",
                    "FramerateControl": "INITIALIZE_FROM_SOURCE",
                    "QualityTuningLevel": "SINGLE_PASS_HQ",
                },
            },
        },
        "AudioDescriptions": [
            {
                "AudioSourceName": "Audio Selector 1",
                "CodecSettings": {
                    "Codec": "AAC",
                    "AacSettings": {
                        "Bitrate": AUDIO_BITRATE,
                        "CodingMode": "CODING_MODE_2_0",
                        "SampleRate": 48000,
                    },
                },
            }
        ],
    }


def build_create_job(
    spec: VodJobSpec, ladder: tuple[Rendition, ...], *, role_arn: str, queue_arn: str
) -> dict[str, Any]:
    """boto3 `create_job` keyword arguments for `spec` encoded into `ladder`."""
    if not ladder:
        raise ValueError("a VOD job needs at least one rendition")
    destination = f"s3://{spec.output_bucket}/{output_prefix(spec.title_id)}"
    frame_width, frame_height = _frame_size(spec)
    return {
        "Role": role_arn,
        "Queue": queue_arn,
        "ClientRequestToken": client_request_token(spec.title_id, spec.attempt),
        "UserMetadata": user_metadata(spec),
        "StatusUpdateInterval": "SECONDS_30",
        "Settings": {
            "TimecodeConfig": {"Source": "ZEROBASED"},
            "Inputs": [
                {
                    "FileInput": spec.input_uri,
                    "TimecodeSource": "ZEROBASED",
                    "VideoSelector": {},
                    "AudioSelectors": {"Audio Selector 1": {"DefaultSelection": "DEFAULT"}},
                }
            ],
            "OutputGroups": [
                {
                    "Name": HLS_GROUP,
                    "OutputGroupSettings": {
                        "Type": "HLS_GROUP_SETTINGS",
                        "HlsGroupSettings": {
                            "Destination": f"{destination}hls/index",
                            "SegmentLength": SEGMENT_S,
                            "MinSegmentLength": 0,
                            "SegmentControl": "SEGMENTED_FILES",
                            "DirectoryStructure": "SINGLE_DIRECTORY",
                            "ManifestDurationFormat": "FLOATING_POINT",
                            "OutputSelection": "MANIFESTS_AND_SEGMENTS",
                            "StreamInfResolution": "INCLUDE",
                            "ProgramDateTime": "EXCLUDE",
                            "CodecSpecification": "RFC_4281",
                        },
                    },
                    "Outputs": [_hls_output(rendition) for rendition in ladder],
                },
                {
                    "Name": FRAMES_GROUP,
                    "OutputGroupSettings": {
                        "Type": "FILE_GROUP_SETTINGS",
                        "FileGroupSettings": {"Destination": f"{destination}frames/frame"},
                    },
                    "Outputs": [
                        {
                            "ContainerSettings": {"Container": "RAW"},
                            "VideoDescription": {
                                "Width": frame_width,
                                "Height": frame_height,
                                "CodecSettings": {
                                    "Codec": "FRAME_CAPTURE",
                                    "FrameCaptureSettings": {
                                        "FramerateNumerator": 1,
                                        "FramerateDenominator": FRAME_CAPTURE_EVERY_S,
                                        "MaxCaptures": 10_000_000,
                                        "Quality": 80,
                                    },
                                },
                            },
                        }
                    ],
                },
            ],
        },
    }
