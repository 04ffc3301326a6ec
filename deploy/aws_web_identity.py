"""AWS credentials for code running on GCP, from its service account's Google ID token.

boto3 runs this as a `credential_process` (deploy/aws-config, found through
AWS_CONFIG_FILE): it asks the metadata server for an ID token of the service account the
Cloud Run service or function runs as, trades it at AWS STS for the role named in
LIVECLIPS_AWS_ROLE_ARN (whose trust policy names exactly that account's unique id:
terraform/aws/gcp_roles.tf) and prints the temporary keys in the shape boto3 reads. boto3
runs it again shortly before they expire. No AWS key is stored anywhere (ADR 0010).

Standard library only, so it works with whichever python3 the platform puts on PATH.
"""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.parse
import urllib.request
from typing import Final
from xml.etree import ElementTree

METADATA_IDENTITY_URL: Final = (
    "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/identity"
)
# What the ID token is for; the AWS trust policy checks it (accounts.google.com:oaud).
AUDIENCE: Final = "sts.amazonaws.com"
_STS_NS: Final = "{https://sts.amazonaws.com/doc/2011-06-15/}"
_TIMEOUT_S: Final = 5.0


def google_id_token(metadata_url: str = METADATA_IDENTITY_URL, audience: str = AUDIENCE) -> str:
    query = urllib.parse.urlencode({"audience": audience, "format": "full"})
    request = urllib.request.Request(  # noqa: S310  # a fixed http(s) URL, not user input
        f"{metadata_url}?{query}", headers={"Metadata-Flavor": "Google"}
    )
    with urllib.request.urlopen(request, timeout=_TIMEOUT_S) as answer:  # noqa: S310
        return str(answer.read().decode()).strip()


def session_name(service: str) -> str:
    """STS allows [\\w+=,.@-]{2,64}; the Cloud Run service name says who asked."""
    cleaned = re.sub(r"[^\w+=,.@-]", "-", service)[:64]
    return cleaned if len(cleaned) >= 2 else "liveclips-gcp"


def assume_role(sts_url: str, role_arn: str, token: str, session: str) -> dict[str, str | int]:
    """AssumeRoleWithWebIdentity (an unsigned call: the token is the proof) -> boto3's
    credential_process output."""
    body = urllib.parse.urlencode(
        {
            "Action": "AssumeRoleWithWebIdentity",
            "Version": "2011-06-15",
            "RoleArn": role_arn,
            "RoleSessionName": session,
            "WebIdentityToken": token,
            "DurationSeconds": "3600",
        }
    ).encode()
    request = urllib.request.Request(sts_url, data=body, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=_TIMEOUT_S) as answer:  # noqa: S310
        return credentials_from_sts(answer.read())


def credentials_from_sts(xml: bytes) -> dict[str, str | int]:
    # The body comes from AWS STS over TLS (or a test's local stand-in), not from a user.
    root = ElementTree.fromstring(xml)  # noqa: S314
    found = root.find(f".//{_STS_NS}Credentials")
    if found is None:
        raise ValueError("STS answer has no Credentials")
    fields = {child.tag.removeprefix(_STS_NS): (child.text or "") for child in found}
    return {
        "Version": 1,
        "AccessKeyId": fields["AccessKeyId"],
        "SecretAccessKey": fields["SecretAccessKey"],
        "SessionToken": fields["SessionToken"],
        "Expiration": fields["Expiration"],
    }


def main() -> None:
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    sts_url = os.environ.get("LIVECLIPS_AWS_STS_URL", f"https://sts.{region}.amazonaws.com/")
    metadata_url = os.environ.get("LIVECLIPS_GCP_METADATA_IDENTITY_URL", METADATA_IDENTITY_URL)
    token = google_id_token(metadata_url)
    session = session_name(os.environ.get("K_SERVICE", "liveclips-gcp"))
    credentials = assume_role(sts_url, os.environ["LIVECLIPS_AWS_ROLE_ARN"], token, session)
    sys.stdout.write(json.dumps(credentials))


if __name__ == "__main__":
    main()
