"""The key is masked in what the model server sends back, even split across stream chunks."""

from __future__ import annotations

import itertools
import json

from jupyterlab_agent_team.messages import StreamScrubber, scrub_bytes

from .conftest import SECRET, JupyterServer
from .upstream import ScriptedUpstream, echo_text

CHAT = "agent-team/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "what is my key?"}]
KEY = "sk-abc123"


def scrubbed(chunks: list[bytes], secret: str = KEY) -> bytes:
    scrubber = StreamScrubber(secret)
    return b"".join(scrubber.feed(chunk) for chunk in chunks) + scrubber.flush()


def test_a_key_split_anywhere_across_two_or_three_chunks_is_masked() -> None:
    text = f"data: key={KEY} and {KEY}{KEY}.\n\n".encode()
    for first, second in itertools.combinations(range(len(text) + 1), 2):
        chunks = [text[:first], text[first:second], text[second:]]

        assert scrubbed(chunks) == b"data: key=*** and ******.\n\n", chunks


def test_only_a_possible_beginning_of_the_key_is_held_back() -> None:
    scrubber = StreamScrubber(KEY)

    # A complete event goes out at once, so streamed tokens are not delayed.
    assert scrubber.feed(b'data: {"x": 1}\n\n') == b'data: {"x": 1}\n\n'
    assert scrubber.feed(b"data: sk-ab") == b"data: "
    assert scrubber.feed(b"x") == b"sk-abx"
    assert scrubber.feed(b" sk-abc12") == b" "
    # At the end of the stream the held bytes can no longer become the key.
    assert scrubber.flush() == b"sk-abc12"
    assert scrubber.flush() == b""


def test_without_a_key_chunks_pass_unchanged() -> None:
    assert scrubbed([b"sk-", b"abc"], secret="") == b"sk-abc"
    assert scrub_bytes(b"sk-abc", "") == b"sk-abc"


def test_a_body_that_echoes_the_key_is_masked(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    body = {"model": "echo-key", "messages": MESSAGES}
    reply = jupyter.request("POST", CHAT, body=body, headers={"X-Agent-Team-Agent": "echo"})

    assert reply.status == 200, reply.body
    assert reply.json()["choices"][0]["message"]["content"] == echo_text("Bearer ***")
    assert upstream.received("echo")[0].auth == f"Bearer {SECRET}"
    assert SECRET not in reply.raw()


def test_a_stream_that_echoes_the_key_split_at_every_position_is_masked(
    jupyter: JupyterServer,
) -> None:
    body = {"model": "echo-key-stream", "stream": True, "messages": MESSAGES}
    reply = jupyter.request("POST", CHAT, body=body, headers={"Accept": "text/event-stream"})

    assert reply.status == 200, reply.body
    assert SECRET not in reply.raw()
    events = reply.body.split(b"\n\n")
    contents = [
        json.loads(e[len(b"data: ") :])["choices"][0]["delta"]["content"] for e in events[:-2]
    ]
    assert contents == [echo_text("Bearer ***")] * (len(SECRET) + 1)
    assert events[-2] == b"data: [DONE]"
    # The unfinished beginning of the key that ended the stream was held, then flushed.
    assert events[-1] == b": " + SECRET[:-1].encode()
