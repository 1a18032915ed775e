"""Streamed answers kept on disk, replayed for an identical request (AutoGen's cache_seed).

Only for requests that ask for it, and only complete, successful streams: a replay must be
exactly what the model said once. What is stored was scrubbed of the key as it streamed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from typing import Any

from .endpoints import Endpoint

SUFFIX = ".sse"
# A stream bigger than this is answered but not kept.
MAX_ENTRY_BYTES = 16 * 1024 * 1024
DONE_LINE = b"data: [DONE]"


def cache_key(endpoint: Endpoint, body: dict[str, Any]) -> str:
    """What makes two requests the same: the server, the model and what was asked, how."""
    identity = {
        "endpoint": endpoint.name,
        "base_url": endpoint.shown_url,
        "model": body.get("model"),
        "messages": body.get("messages"),
        "temperature": body.get("temperature"),
        "seed": body.get("seed"),
    }
    canonical = json.dumps(identity, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def stream_completed(data: bytes) -> bool:
    """Whether an SSE body contains the ``[DONE]`` event that ends an OpenAI stream.

    A JSON event line starts ``data: {``, so only the end marker can be this exact line.
    """
    return any(line.rstrip(b"\r") == DONE_LINE for line in data.split(b"\n"))


class ResponseCache:
    """One file per request key in ``directory``, created on first use, private to the user."""

    def __init__(self, directory: str, log: logging.Logger) -> None:
        self.directory = directory
        self.log = log

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, key + SUFFIX)

    def get(self, key: str) -> bytes | None:
        """The stored stream for ``key``, or None."""
        try:
            with open(self._path(key), "rb") as stored:
                return stored.read()
        except FileNotFoundError:
            return None
        except OSError as error:
            self.log.warning("agent-team: cannot read the response cache: %s", error)
            return None

    def put(self, key: str, data: bytes) -> None:
        """Store a stream; atomically, so a reader never sees half of one."""
        if len(data) > MAX_ENTRY_BYTES:
            return
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as stored:
                    stored.write(data)
                os.replace(temporary, self._path(key))
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as error:
            self.log.warning("agent-team: cannot write the response cache: %s", error)

    def clear(self) -> int:
        """Remove every stored stream; return how many there were."""
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return 0
        removed = 0
        for name in names:
            if name.endswith(SUFFIX):
                try:
                    os.unlink(os.path.join(self.directory, name))
                    removed += 1
                except FileNotFoundError:
                    pass
        return removed
