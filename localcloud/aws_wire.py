"""Reading a boto3 request the way the AWS service does: wire JSON -> the model's member
names, checked against the botocore service model (types, required members, enums).

moto has no MediaConvert, so our stand-in receives what a real client sends on the wire
(rest-json, camelCase location names) and must refuse what AWS would refuse.
"""

from __future__ import annotations

from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.validate import ParamValidator


def from_wire(shape: Shape, value: Any) -> Any:
    """The value with every structure's wire names (locationName) turned into member names."""
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        by_wire = {
            str(m.serialization.get("name", name)): name for name, m in shape.members.items()
        }
        converted = {}
        for key, item in value.items():
            member = by_wire.get(str(key), str(key))
            member_shape = shape.members.get(member)
            converted[member] = item if member_shape is None else from_wire(member_shape, item)
        return converted
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [from_wire(shape.member, item) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: from_wire(shape.value, item) for key, item in value.items()}
    return value


def problems(shape: Shape, params: dict[str, Any]) -> list[str]:
    """Everything AWS would reject in `params`: botocore's own validation (types,
    required members, ranges, unknown members) plus enum values, which it leaves to AWS."""
    report = ParamValidator().validate(params, shape)
    found = [report.generate_report()] if report.has_errors() else []
    return found + _enum_problems(shape, params, shape.name)


def _enum_problems(shape: Shape, value: Any, path: str) -> list[str]:
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        return [
            problem
            for name, item in value.items()
            if name in shape.members
            for problem in _enum_problems(shape.members[name], item, f"{path}.{name}")
        ]
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [
            problem
            for i, item in enumerate(value)
            for problem in _enum_problems(shape.member, item, f"{path}[{i}]")
        ]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return [
            problem
            for key, item in value.items()
            for problem in _enum_problems(shape.value, item, f"{path}[{key!r}]")
        ]
    enum = getattr(shape, "enum", None)
    if enum and isinstance(value, str) and value not in enum:
        return [f"{path}: {value!r} is not one of {sorted(enum)}"]
    return []
