"""MediaConvert's local stand-in: the documented REST API, jobs run by ffmpeg.

    python -m liveclips_dev.localcloud.mediaconvert --host 127.0.0.1 --port 8084

Serves CreateJob (`POST /2017-08-29/jobs`) and GetJob (`GET /2017-08-29/jobs/{id}`) to a
real boto3 client pointed here (AWS_ENDPOINT_URL_MEDIACONVERT). A request is checked
against the botocore model as AWS would check it (400 BadRequestException otherwise);
a ClientRequestToken seen before returns the job it made. Each job reads its input from
S3 (moto), runs liveclips.media.vod.transcode, writes the outputs to S3 under MediaConvert's names
and emits MediaConvert Job State Change events of the documented shape (PROGRESSING,
then COMPLETE with outputGroupDetails, or ERROR with an errorCode) into the MediaConvert
bridge Lambda, in-process, as EventBridge would invoke it.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import secrets
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import botocore.session

from liveclips.media.ffmpeg import MediaError
from liveclips.media.vod import JobPlan, plan_job, transcode
from liveclips_dev.localcloud.aws_wire import from_wire, problems
from liveclips_dev.localcloud.http_json import reply_json
from liveclips_dev.localcloud.s3_transfer import download_input, upload_tree

log = logging.getLogger("liveclips_dev.localcloud.mediaconvert")
_MODEL = botocore.session.get_session().get_service_model("mediaconvert")
_CREATE_JOB = _MODEL.shape_for("CreateJobRequest")
_JOBS = "/2017-08-29/jobs"
_DEFAULT_QUEUE = "arn:aws:mediaconvert:us-east-1:000000000000:queues/Default"
_JOB = re.compile(r"^/2017-08-29/jobs/(?P<id>[^/?]+)$")
_QUEUE_ARN = re.compile(r"^arn:[^:]+:mediaconvert:(?P<region>[^:]+):(?P<account>[^:]+):")
# MediaConvert's documented codes: 1010 input file access, 1999 unclassified.
INPUT_ERROR, OTHER_ERROR = 1010, 1999


class Jobs:
    """Submitted jobs by id; one transcode at a time (a laptop, not a fleet)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, dict[str, Any]] = {}
        self._by_token: dict[str, str] = {}
        self._runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="transcode")

    def create(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            token = request.get("ClientRequestToken")
            if token and token in self._by_token:
                return self._jobs[self._by_token[token]]
            job_id = f"{int(time.time() * 1000)}-{secrets.token_hex(3)}"
            queue = request.get(
                "Queue", "arn:aws:mediaconvert:us-east-1:000000000000:queues/Default"
            )
            match = _QUEUE_ARN.match(queue)
            region, account = (match["region"], match["account"]) if match else ("us-east-1", "0")
            job = {
                "Id": job_id,
                "Arn": f"arn:aws:mediaconvert:{region}:{account}:jobs/{job_id}",
                "Status": "SUBMITTED",
                "Queue": queue,
                "Role": request["Role"],
                "Settings": request["Settings"],
                "UserMetadata": request.get("UserMetadata", {}),
                "CreatedAt": time.time(),
                "_region": region,
                "_account": account,
            }
            self._jobs[job_id] = job
            if token:
                self._by_token[token] = job_id
        self._runner.submit(self._run, job)
        return job

    def get(self, job_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _run(self, job: dict[str, Any]) -> None:
        try:
            plan = plan_job(job["Settings"])
        except (KeyError, ValueError) as exc:
            self._finish(job, "ERROR", error=(OTHER_ERROR, f"unsupported job settings: {exc}"))
            return
        self._finish(job, "PROGRESSING")
        source = job["Settings"]["Inputs"][0]["FileInput"]
        with tempfile.TemporaryDirectory(prefix="mediaconvert-") as scratch:
            work = Path(scratch)
            try:
                local = download_input(source, work / "input")
            except (OSError, ValueError) as exc:
                message = f"Unable to open input file [{source}]: [Failed probe/open: [{exc}]]"
                self._finish(job, "ERROR", error=(INPUT_ERROR, message))
                return
            try:
                probe = transcode(local, plan, work / "hls", work / "frames")
                groups = _output_groups(plan, work, probe.duration_s)
            except MediaError as exc:
                self._finish(job, "ERROR", error=(OTHER_ERROR, str(exc)[-900:]))
                return
            upload_tree(work / "hls", _directory(plan.hls_destination))
            if plan.frames_destination:
                upload_tree(work / "frames", _directory(plan.frames_destination))
        self._finish(job, "COMPLETE", groups=groups)

    def _finish(
        self,
        job: dict[str, Any],
        status: str,
        *,
        groups: list[dict[str, Any]] | None = None,
        error: tuple[int, str] | None = None,
    ) -> None:
        with self._lock:
            job["Status"] = status
            if error is not None:
                job["ErrorCode"], job["ErrorMessage"] = error
        detail: dict[str, Any] = {
            "timestamp": int(time.time() * 1000),
            "accountId": job["_account"],
            "queue": job["Queue"],
            "jobId": job["Id"],
            "status": status,
            "userMetadata": job["UserMetadata"],
        }
        if groups is not None:
            detail["outputGroupDetails"] = groups
        if error is not None:
            detail["errorCode"], detail["errorMessage"] = error
        log.info("job %s %s%s", job["Id"], status, f": {error[1]}" if error else "")
        emit(
            {
                "version": "0",
                "id": str(uuid.uuid4()),
                "detail-type": "MediaConvert Job State Change",
                "source": "aws.mediaconvert",
                "account": job["_account"],
                "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "region": job["_region"],
                "resources": [job["Arn"]],
                "detail": detail,
            }
        )


def emit(event: dict[str, Any]) -> None:
    """EventBridge's rule for aws.mediaconvert -> the MediaConvert bridge Lambda."""
    from functions.aws.mediaconvert_bridge import lambda_handler  # noqa: PLC0415
    from liveclips_dev.localcloud.lambda_context import LocalLambdaContext  # noqa: PLC0415

    lambda_handler(event, LocalLambdaContext("mediaconvert-bridge"))


def _directory(destination: str) -> str:
    return destination.rsplit("/", 1)[0] + "/"


def _output_groups(plan: JobPlan, work: Path, duration_s: float) -> list[dict[str, Any]]:
    hls_dir = _directory(plan.hls_destination)
    name = plan.hls_destination.rsplit("/", 1)[-1]
    outputs = []
    for output in plan.outputs:
        stem = f"{name}{output.name_modifier}"
        playlist = (work / "hls" / f"{stem}.m3u8").read_text()
        seconds = sum(float(d) for d in re.findall(r"#EXTINF:([\d.]+)", playlist))
        size = sum(p.stat().st_size for p in (work / "hls").glob(f"{stem}_*.ts"))
        outputs.append(
            {
                "outputFilePaths": [f"{hls_dir}{stem}.m3u8"],
                "durationInMs": round(seconds * 1000),
                "videoDetails": {
                    "widthInPx": output.width,
                    "heightInPx": output.height,
                    "averageBitrate": round(size * 8 / seconds) if seconds else 0,
                },
            }
        )
    groups = [
        {
            "type": "HLS_GROUP",
            "playlistFilePaths": [f"{plan.hls_destination}.m3u8"],
            "outputDetails": outputs,
        }
    ]
    captures = sorted((work / "frames").glob("*.jpg"))
    if plan.frames_destination and captures:
        width, height = plan.frame_size
        frames_dir = _directory(plan.frames_destination)
        groups.append(
            {
                "type": "FILE_GROUP",
                # As MediaConvert reports frame captures: the path of the last one.
                "outputDetails": [
                    {
                        "outputFilePaths": [frames_dir + captures[-1].name],
                        "durationInMs": round(duration_s * 1000),
                        "videoDetails": {"widthInPx": width, "heightInPx": height},
                    }
                ],
            }
        )
    return groups


def _wire_job(job: dict[str, Any]) -> dict[str, Any]:
    wire = {
        "id": job["Id"],
        "arn": job["Arn"],
        "status": job["Status"],
        "queue": job["Queue"],
        "role": job["Role"],
        "userMetadata": job["UserMetadata"],
        "createdAt": int(job["CreatedAt"]),
        "settings": {},
    }
    if "ErrorCode" in job:
        wire["errorCode"], wire["errorMessage"] = job["ErrorCode"], job["ErrorMessage"]
    return wire


class Handler(BaseHTTPRequestHandler):
    jobs: Jobs

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._reply(200, {"status": "ok"})
            return
        match = _JOB.match(self.path)
        job = self.jobs.get(match["id"]) if match else None
        if job is None:
            self._error(404, "NotFoundException", f"no job at {self.path}")
            return
        self._reply(200, {"job": _wire_job(job)})

    def do_POST(self) -> None:
        if self.path.split("?")[0] != _JOBS:
            self._error(404, "NotFoundException", f"no operation at {self.path}")
            return
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        except ValueError as exc:
            self._error(400, "BadRequestException", f"body is not JSON: {exc}")
            return
        request = from_wire(_CREATE_JOB, body)
        found = problems(_CREATE_JOB, request)
        if found:
            self._error(400, "BadRequestException", "; ".join(found))
            return
        self._reply(201, {"job": _wire_job(self.jobs.create(request))})

    def _error(self, status: int, kind: str, message: str) -> None:
        reply_json(self, status, {"message": message}, error_type=kind)

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        reply_json(self, status, body)

    def log_message(self, format: str, *args: object) -> None:
        log.debug(format, *args)


def main() -> None:
    parser = argparse.ArgumentParser(description="MediaConvert stand-in")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    Handler.jobs = Jobs()
    ThreadingHTTPServer((args.host, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
