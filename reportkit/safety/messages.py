"""The wording of the safety refusals: the [safety] tables of templates/messages.toml,
through the package's one messages helper (reportkit.messages.msg) -- built-in only:
a project cannot reword the messages that tell it what was refused."""
from __future__ import annotations


def text(key: str) -> str:
    """The raw wording of `key` ("files.fifo"), placeholders not filled in."""
    from ..messages import msg

    return msg(f"safety.{key}")


def say(key: str, **values) -> str:
    """The message `key` of [safety] with its {placeholders} filled in."""
    from ..messages import msg

    return msg(f"safety.{key}", **{k: "" if v is None else v for k, v in values.items()})
