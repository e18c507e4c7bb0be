"""Recorded page visits for the benchmark's reference pages: the messages a first visit of each link received,
kept in order, and written as (or read from) text in protobuf's text format."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from google.protobuf import text_format
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from scripts import loadclient as lc


@dataclass(frozen=True)
class Recording:
    """The messages one first visit of a link received, in order."""

    link: lc.Link
    messages: tuple[ForwardMsg, ...]


class RecordingSession(lc.Session):
    """A load-client session that keeps every message it receives."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.received: list[ForwardMsg] = []

    async def _receive(self) -> tuple[ForwardMsg, int]:
        msg, size = await super()._receive()
        self.received.append(msg)
        return msg, size


async def record(base_url: str, links: Mapping[str, lc.Link]) -> dict[str, Recording]:
    """Each link's first visit in a fresh session, its messages kept; raises ``RuntimeError`` when one fails."""
    out = {}
    for name, link in links.items():
        session = RecordingSession(base_url)
        async with session:
            rerun = await session.rerun(link)
        if rerun.error is not None:
            raise RuntimeError(f"recording {name} ({link}): {rerun.error}")
        out[name] = Recording(link, tuple(session.received))
    return out


RECORDING_HEADER, MESSAGE_SEPARATOR = "## ", "--"


def dump_recordings(recordings: Mapping[str, Recording]) -> str:
    """Recordings as text: per page a ``## name<TAB>link`` line, then its messages in protobuf text format,
    each followed by a ``--`` line."""
    lines = []
    for name, recording in recordings.items():
        lines.append(f"{RECORDING_HEADER}{name}\t{recording.link}")
        for msg in recording.messages:
            lines += [text_format.MessageToString(msg, as_utf8=True).rstrip("\n"), MESSAGE_SEPARATOR]
    return "\n".join(lines) + "\n"


def load_recordings(text: str) -> dict[str, Recording]:
    """Recordings from ``dump_recordings``'s text."""
    out: dict[str, Recording] = {}
    name, link, messages, chunk = "", lc.Link(), [], []  # type: ignore[var-annotated]
    for line in text.splitlines():
        if line.startswith(RECORDING_HEADER):
            if name:
                out[name] = Recording(link, tuple(messages))
            name, _, link_text = line.removeprefix(RECORDING_HEADER).partition("\t")
            link, messages = lc.Link.parse(link_text), []
        elif line == MESSAGE_SEPARATOR:
            messages.append(text_format.Parse("\n".join(chunk), ForwardMsg()))
            chunk = []
        else:
            chunk.append(line)
    if name:
        out[name] = Recording(link, tuple(messages))
    return out


def element_sizes(messages: Sequence[ForwardMsg]) -> list[tuple[tuple[int, ...], str, int]]:
    """Each delta's path, kind (an element's, or ``block:<kind>``) and serialised size: what a reference must match."""
    out: list[tuple[tuple[int, ...], str, int]] = []
    for msg in messages:
        if msg.WhichOneof("type") != "delta":
            continue
        delta = msg.delta
        kind: str
        if delta.WhichOneof("type") == "new_element":
            kind = delta.new_element.WhichOneof("type") or ""
        elif delta.WhichOneof("type") == "add_block":
            kind = "block:" + (delta.add_block.WhichOneof("type") or "")
        else:
            continue
        out.append((tuple(msg.metadata.delta_path), kind, msg.ByteSize()))
    return out
