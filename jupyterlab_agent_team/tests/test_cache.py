"""The opt-in response cache: an identical streamed request is answered from disk."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

from jupyterlab_agent_team.cache import cache_key, stream_completed
from jupyterlab_agent_team.endpoints import Endpoint

from .conftest import SECRET, JupyterServer, Reply
from .upstream import ScriptedUpstream

CHAT = "agent-team/v1/chat/completions"
CACHE = "agent-team/cache"


def ask(
    jupyter: JupyterServer,
    agent: str,
    model: str,
    content: str,
    cache: bool = True,
    **extra: object,
) -> Reply:
    body = {"model": model, "stream": True, "messages": [{"role": "user", "content": content}]}
    headers = {"X-Agent-Team-Agent": agent, "Accept": "text/event-stream"}
    if cache:
        headers["X-Agent-Team-Cache"] = "on"
    return jupyter.request("POST", CHAT, body={**body, **extra}, headers=headers)


def unique(name: str) -> tuple[str, str]:
    """A tag and a question no other request asks, so no other test's entry answers it."""
    return f"{name}-{uuid.uuid4().hex[:8]}", f"{name} {uuid.uuid4().hex}"


def cache_dir(jupyter: JupyterServer) -> Path:
    return jupyter.work / "cache"


def test_an_identical_request_is_answered_from_the_cache(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    agent, question = unique("hit")
    first = ask(jupyter, agent, "stream-quick", question, temperature=0, seed=1)
    second = ask(jupyter, agent, "stream-quick", question, temperature=0, seed=1)

    assert first.status == second.status == 200
    assert first.headers["x-agent-team-cached"] == "false"
    assert second.headers["x-agent-team-cached"] == "true"
    assert second.headers["content-type"].startswith("text/event-stream")
    assert second.body == first.body
    assert first.body.endswith(b"data: [DONE]\n\n")
    assert len(upstream.received(agent)) == 1
    # Private to the user: the answers may be.
    assert stat.S_IMODE(cache_dir(jupyter).stat().st_mode) == 0o700


def test_a_changed_temperature_seed_or_model_is_a_miss(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    agent, question = unique("miss")
    ask(jupyter, agent, "stream-quick", question, temperature=0)
    warmer = ask(jupyter, agent, "stream-quick", question, temperature=0.7)
    seeded = ask(jupyter, agent, "stream-quick", question, temperature=0, seed=7)
    other_question = ask(jupyter, agent, "stream-quick", question + "?", temperature=0)
    again = ask(jupyter, agent, "stream-quick", question, temperature=0.7)

    assert [r.headers["x-agent-team-cached"] for r in (warmer, seeded, other_question)] == [
        "false"
    ] * 3
    assert again.headers["x-agent-team-cached"] == "true"
    assert len(upstream.received(agent)) == 4


def test_without_the_header_the_cache_is_neither_read_nor_written(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    agent, question = unique("off")
    ask(jupyter, agent, "stream-quick", question)
    uncached = ask(jupyter, agent, "stream-quick", question, cache=False)
    agent2, question2 = unique("off2")
    ask(jupyter, agent2, "stream-quick", question2, cache=False)
    never_stored = ask(jupyter, agent2, "stream-quick", question2)

    assert "x-agent-team-cached" not in uncached.headers
    assert never_stored.headers["x-agent-team-cached"] == "false"
    assert len(upstream.received(agent)) == 2
    assert len(upstream.received(agent2)) == 2


def test_only_complete_successful_streams_are_stored(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    for model, status in (("stream-no-done", 200), ("fail-500", 500), ("rate-limited", 429)):
        agent, question = unique(model)
        replies = [ask(jupyter, agent, model, question) for _ in range(2)]

        assert [r.status for r in replies] == [status, status]
        assert all(r.headers.get("x-agent-team-cached") != "true" for r in replies)
        assert len(upstream.received(agent)) == 2, model
    # A request that does not stream is not cached either.
    agent, question = unique("whole")
    body = {"model": "m", "messages": [{"role": "user", "content": question}]}
    headers = {"X-Agent-Team-Agent": agent, "X-Agent-Team-Cache": "on"}
    for _ in range(2):
        reply = jupyter.request("POST", CHAT, body=body, headers=headers)
        assert reply.status == 200 and "x-agent-team-cached" not in reply.headers
    assert len(upstream.received(agent)) == 2


def test_stored_streams_never_hold_the_key(jupyter: JupyterServer) -> None:
    agent, question = unique("echo")
    first = ask(jupyter, agent, "echo-key-stream", question)
    second = ask(jupyter, agent, "echo-key-stream", question)

    assert second.headers["x-agent-team-cached"] == "true"
    assert second.body == first.body
    assert SECRET not in second.raw()
    stored = [path.read_bytes() for path in cache_dir(jupyter).iterdir()]
    assert stored and not [data for data in stored if SECRET.encode() in data]


def test_delete_empties_the_cache(jupyter: JupyterServer, upstream: ScriptedUpstream) -> None:
    agent, question = unique("clear")
    ask(jupyter, agent, "stream-quick", question)
    entries = len(list(cache_dir(jupyter).glob("*.sse")))

    cleared = jupyter.request("DELETE", CACHE)
    again = jupyter.request("DELETE", CACHE)
    after = ask(jupyter, agent, "stream-quick", question)

    assert cleared.status == 200
    assert cleared.json() == {"removed": entries} and entries >= 1
    assert again.json() == {"removed": 0}
    assert after.headers["x-agent-team-cached"] == "false"
    assert len(upstream.received(agent)) == 2


def test_the_key_covers_the_endpoint_and_what_was_asked() -> None:
    one = Endpoint(name="a", base_url="http://h:1/v1", origin="server", api_key="k1")
    renamed = Endpoint(name="b", base_url="http://h:1/v1", origin="server")
    moved = Endpoint(name="a", base_url="http://h:2/v1", origin="server")
    body = {"model": "m", "messages": [{"role": "user", "content": "x"}], "temperature": 0}

    assert cache_key(one, body) == cache_key(one, {**body, "stream": True, "max_tokens": 9})
    # Same endpoint and request, a different key: the same answer.
    assert cache_key(one, body) == cache_key(
        Endpoint(name="a", base_url="http://h:1/v1/", origin="server", api_key="k2"), body
    )
    others = [
        cache_key(renamed, body),
        cache_key(moved, body),
        cache_key(one, {**body, "model": "n"}),
        cache_key(one, {**body, "seed": 1}),
        cache_key(one, {**body, "temperature": 0.5}),
    ]
    assert len({cache_key(one, body), *others}) == 6


def test_a_stream_is_complete_only_with_its_done_line() -> None:
    assert stream_completed(b'data: {"a": 1}\n\ndata: [DONE]\n\n')
    assert stream_completed(b"data: [DONE]\r\n\r\n")
    assert not stream_completed(b'data: {"a": 1}\n\n')
    assert not stream_completed(b'data: {"content": "data: [DONE]"}\n\n')
