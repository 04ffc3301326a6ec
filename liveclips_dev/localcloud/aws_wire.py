"""Reading a boto3 request the way the AWS service does: wire JSON -> the model's member
names, checked against the botocore service model (types, required members, enums).

moto has no MediaConvert, so our stand-in receives what a real client sends on the wire
(rest-json, camelCase location names) and must refuse what AWS would refuse.
"""

from __future__ import annotations

from typing import Any

import regex
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
    required members, minimums, unknown members) plus what it leaves to AWS: enum values,
    maximum lengths and patterns."""
    report = ParamValidator().validate(params, shape)
    found = [report.generate_report()] if report.has_errors() else []
    return found + _model_problems(shape, params, shape.name)


def _model_problems(shape: Shape, value: Any, path: str) -> list[str]:
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        children = [
            (shape.members[n], v, f"{path}.{n}") for n, v in value.items() if n in shape.members
        ]
    elif isinstance(shape, ListShape) and isinstance(value, list):
        children = [(shape.member, v, f"{path}[{i}]") for i, v in enumerate(value)]
    elif isinstance(shape, MapShape) and isinstance(value, dict):
        children = [(shape.value, v, f"{path}[{k!r}]") for k, v in value.items()]
    else:
        return _scalar_problems(shape, value, path)
    return [problem for child in children for problem in _model_problems(*child)]


def _scalar_problems(shape: Shape, value: Any, path: str) -> list[str]:
    if not isinstance(value, str):
        return []
    enum = getattr(shape, "enum", None)
    if enum and value not in enum:
        return [f"{path}: {value!r} is not one of {sorted(enum)}"]
    longest, pattern = shape.metadata.get("max"), shape.metadata.get("pattern")
    if longest is not None and len(value) > longest:
        return [f"{path}: longer than {longest} characters"]
    # `regex`, not `re`: AWS's patterns use Unicode classes such as \p{L} (IVS tags).
    if pattern and not regex.fullmatch(pattern, value):
        return [f"{path}: {value!r} does not match {pattern}"]
    return []
