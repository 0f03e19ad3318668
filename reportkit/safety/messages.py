"""The wording of the safety refusals: templates/safety.toml (built-in only: a project
cannot reword the messages that tell it what was refused).  Each message is a small
template rendered in the sandbox with the values it names."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

PATH = Path(__file__).resolve().parent.parent.parent / "templates" / "safety.toml"


@lru_cache(maxsize=1)
def _data() -> dict:
    return tomllib.loads(PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=256)
def _template(text: str):
    from .sandbox import WORDING, Sandbox

    global _ENV
    if _ENV is None:     # its own environment: a refusal met while rendering wording is still worded
        _ENV = Sandbox(limits=WORDING)
    return _ENV.from_string(text)


_ENV = None


def text(key: str) -> str:
    """The raw wording of `key` ("files.fifo"), without placeholders filled in."""
    node = _data()
    for part in key.split("."):
        node = node[part]
    return node


def say(key: str, **values) -> str:
    """The message `key` with its {{ placeholders }} filled in."""
    raw = text(key)
    if "{" not in raw:
        return raw
    return _template(raw).render(**{k: "" if v is None else v for k, v in values.items()})
