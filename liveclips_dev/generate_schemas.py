"""Write the JSON Schema of every message model into schemas/json/ (checked in).

python -m liveclips_dev.generate_schemas          # rewrite
python -m liveclips_dev.generate_schemas --check  # exit 1 if the checked-in files have drifted
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from liveclips.contracts.aws_events import AwsEvent
from liveclips.contracts.events import json_schemas
from liveclips.contracts.ivs_recording import IvsRecordingMetadata
from liveclips.contracts.player import PublishedPlayerEvent
from liveclips.contracts.social import SOCIAL_EVENT_TYPES

# Generated JSON stays beside the DDL in the top-level schemas/ (the contracts folder).
OUT = Path(__file__).resolve().parents[1] / "schemas" / "json"


def all_schemas() -> dict[str, dict[str, Any]]:
    schemas = json_schemas()
    schemas["aws.eventbridge_event.json"] = TypeAdapter(AwsEvent).json_schema(by_alias=True)
    schemas["aws.ivs_recording_metadata.json"] = IvsRecordingMetadata.model_json_schema()
    schemas["player.event.json"] = PublishedPlayerEvent.model_json_schema()
    for name, model in SOCIAL_EVENT_TYPES.items():
        schemas[f"{name}.json"] = model.model_json_schema()
    return schemas


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def drifted() -> list[str]:
    expected = {name: render(schema) for name, schema in all_schemas().items()}
    present = {p.name for p in OUT.glob("*.json")}
    stale = sorted(present - expected.keys())
    changed = [
        name
        for name, text in expected.items()
        if not (OUT / name).exists() or (OUT / name).read_text() != text
    ]
    return sorted(changed + stale)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        names = drifted()
        for name in names:
            print(
                f"schemas/json/{name} is out of date: run python -m liveclips_dev.generate_schemas"
            )
        return 1 if names else 0
    OUT.mkdir(exist_ok=True)
    for stale in OUT.glob("*.json"):
        stale.unlink()
    for name, schema in all_schemas().items():
        (OUT / name).write_text(render(schema))
    return 0


if __name__ == "__main__":
    sys.exit(main())
