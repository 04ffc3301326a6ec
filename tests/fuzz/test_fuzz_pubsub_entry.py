"""What a Cloud Function does with a message before its handler runs: a push body or a
Cloud Tasks body either reaches the handler as a valid model or is dead-lettered and
acknowledged. An exception here would make Pub/Sub (or Cloud Tasks) redeliver a message
that can never succeed, until its retries run out."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from unittest import mock

import flask
from hypothesis import example, given
from hypothesis import strategies as st

from functions.gcp.pubsub_entry import pubsub_function, task_function
from liveclips.adapters import pubsub
from liveclips.contracts.aws_events import parse_aws_event
from liveclips.contracts.events import (
    EVENT_TYPES,
    RecordingStateChanged,
    RenderClipTask,
    StreamStateChanged,
    SubmitVodJobTask,
    VodJobChanged,
)
from liveclips.contracts.ivs_translation import Forward, translate
from liveclips.contracts.mediaconvert_translation import translate_job_event
from tests.fuzz.inputs import AWS_FIXTURES, FUZZ, aws_fixture, json_values, mutations, nasty_text

# Pub/Sub's limits on a published message's attributes: a dead letter breaking them
# would be refused by Pub/Sub, and the function would fail after all.
MAX_ATTRIBUTES = 100
MAX_KEY_BYTES = 256
MAX_VALUE_BYTES = 1024


def _real_messages() -> list[tuple[dict[str, Any], dict[str, str]]]:
    found = []
    for path in sorted(AWS_FIXTURES.glob("*.json")):
        raw = aws_fixture(path.name)
        if "source" not in raw:
            continue
        event = parse_aws_event(raw)
        route = translate_job_event if raw["source"] == "aws.mediaconvert" else translate
        try:
            routed = route(event)
        except ValueError:
            continue
        if isinstance(routed, Forward):
            body = json.loads(routed.event.model_dump_json())
            found.append((body, routed.event.envelope_attributes()))
    return found


ACCEPTS = (StreamStateChanged, RecordingStateChanged, VodJobChanged)
MESSAGES = [
    (body, attributes)
    for body, attributes in _real_messages()
    if attributes["type"] in {cls.TYPE for cls in ACCEPTS}
]


def _fits(text: str, max_bytes: int) -> str:
    return text.encode()[:max_bytes].decode(errors="ignore")


# Attributes as Pub/Sub delivers them: it only ever accepted ones within its limits.
pubsub_attributes = st.dictionaries(
    st.text(min_size=1, max_size=60),
    st.one_of(
        nasty_text.map(lambda t: _fits(t, MAX_VALUE_BYTES)),
        st.sampled_from(sorted(EVENT_TYPES)),
        st.just("1"),
    ),
    max_size=6,
)


@st.composite
def near_valid_messages(draw: st.DrawFn) -> dict[str, Any]:
    body, attributes = draw(st.sampled_from(MESSAGES))
    if draw(st.booleans()):
        body = draw(mutations(body))
    if draw(st.booleans()):
        attributes = {**attributes, **draw(pubsub_attributes)}
    data = json.dumps(body).encode()
    return {"data": base64.b64encode(data).decode(), "attributes": attributes}


arbitrary_messages = st.fixed_dictionaries(
    {},
    optional={
        "data": st.one_of(
            json_values,
            st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode()),
            nasty_text,
        ),
        "attributes": st.one_of(st.none(), pubsub_attributes),
        "messageId": st.text(max_size=20),
    },
)


class Dead:
    def __init__(self) -> None:
        self.letters: list[tuple[bytes, str, Mapping[str, str]]] = []

    def letter(
        self,
        original: bytes,
        *,
        reason: str,
        source: str,
        attributes: Mapping[str, str] | None = None,
    ) -> str:
        tagged = pubsub._tagged(reason, source, attributes)
        assert isinstance(original, bytes)
        assert len(tagged) <= MAX_ATTRIBUTES
        for key, value in tagged.items():
            assert 0 < len(key.encode()) <= MAX_KEY_BYTES, key
            assert len(value.encode()) <= MAX_VALUE_BYTES, (key, len(value.encode()))
        self.letters.append((original, reason, tagged))
        return "dead-letter-id"


@contextmanager
def dead_letters() -> Iterator[Dead]:
    dead = Dead()
    with mock.patch.object(pubsub, "dead_letter", dead.letter):
        yield dead


handled: list[Any] = []


@pubsub_function(*ACCEPTS)
def fuzzed_subscriber(event: StreamStateChanged | RecordingStateChanged | VodJobChanged) -> None:
    handled.append(event)


def test_the_real_messages_are_handled():
    assert {type(body) for body, _ in MESSAGES} == {dict}
    for body, attributes in MESSAGES:
        message = {"data": base64.b64encode(json.dumps(body).encode()).decode()}
        handled.clear()
        with dead_letters() as dead:
            fuzzed_subscriber({**message, "attributes": attributes}, None)
        assert (len(handled), dead.letters) == (1, [])


def assert_handled_or_dead_lettered(message: dict[str, Any]) -> None:
    handled.clear()
    with dead_letters() as dead:
        fuzzed_subscriber(message, None)
    assert len(handled) + len(dead.letters) == 1
    assert all(isinstance(event, ACCEPTS) for event in handled)
    assert all(reason for _, reason, _ in dead.letters)


@FUZZ
@given(near_valid_messages())
@example(
    {
        "data": base64.b64encode(b"{}").decode(),
        # A type Pub/Sub accepted (1000 bytes) made a reason over its limit (was cut at
        # 1000 characters, not bytes): the dead letter itself was refused.
        "attributes": {"type": "\u00e9" * 500, "schema_version": "1"},
    }
)
def test_near_valid_push_messages_are_handled_or_dead_lettered(message):
    assert_handled_or_dead_lettered(message)


@FUZZ
@given(arbitrary_messages)
def test_arbitrary_push_messages_are_handled_or_dead_lettered(message):
    assert_handled_or_dead_lettered(message)


rendered: list[Any] = []


@task_function(SubmitVodJobTask)
def fuzzed_vod_task(task: SubmitVodJobTask) -> str:
    rendered.append(task)
    return "submitted"


@task_function(RenderClipTask)
def fuzzed_render_task(task: RenderClipTask) -> str:
    rendered.append(task)
    return "rendered"


task_bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({"title_id": nasty_text, "attempt": json_values}).map(
        lambda v: json.dumps(v).encode()
    ),
    st.just(b"[" * 100_000),
)


@FUZZ
@given(task_bodies)
@example(b'{"title_id": "t-1", "attempt": 1}')
def test_cloud_task_bodies_are_handled_or_dead_lettered_with_200(body):
    for entry in (fuzzed_vod_task, fuzzed_render_task):
        rendered.clear()
        request = flask.Request.from_values(method="POST", data=body)
        with dead_letters() as dead:
            answer, status = entry(request)
        # Cloud Tasks retries anything but 2xx: a body that cannot parse is answered 200.
        assert status == 200
        assert len(rendered) + len(dead.letters) == 1
        assert answer["status"] in {"submitted", "rendered", "dead_lettered"}
