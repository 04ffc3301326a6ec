# One image for the Cloud Run services (clip worker, API, moderation worker); Terraform
# picks the module per service (terraform/gcp/run.tf), e.g.
#   docker run IMAGE python -m clip_workers.app --host 0.0.0.0 --port 8080
# ffmpeg comes from Debian (the renderer and analysis shell out to it), the Python
# packages from the runtime lock: the pins development and CI test with (their dev lock
# only adds tools on top), so what was tested is what runs, without the tools.
FROM python:3.11-slim-bookworm

# AWS_CONFIG_FILE: AWS calls authenticate as the service account, never with a stored
# key (deploy/aws_web_identity.py, ADR 0010).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8080 \
    LIVECLIPS_MODULE=liveclips.api.app \
    AWS_CONFIG_FILE=/workspace/deploy/aws-config

RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /workspace
COPY requirements.lock ./
RUN pip install -r requirements.lock

# .dockerignore lets in only what deploy/artefacts.toml ships in the image: the runtime
# package, the clip worker and the credential helper; never liveclips_dev or tests.
COPY . .

# The code stays root-owned and read-only to the app; it writes only to /tmp.
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin liveclips
USER liveclips

EXPOSE 8080
# Cloud Run probes /healthz itself (startup/liveness probes in run.tf); this one is for
# `docker run` and other hosts.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ['PORT']}/healthz\", timeout=2)"]

CMD ["sh", "-c", "exec python -m \"$LIVECLIPS_MODULE\" --host 0.0.0.0 --port \"$PORT\""]
