"""Problems found in user input, and the one exception the CLI knows.

Every stage reports what is wrong with the user's project as `Problem`s that
carry a `Source` (file, Excel-style row, column, line).  Stages collect
problems instead of stopping at the first, so the user sees them all at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import click

from .messages import join, msg

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Source:
    """Where a problem is: a file, optionally a row (as Excel shows it, header = 1),
    a column name, or a line number (for text files)."""

    path: str
    row: int | None = None
    column: str | None = None
    line: int | None = None
    cell: str | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.cell:
            parts.append(msg("source.cell", cell=self.cell))
        if self.row is not None:
            parts.append(msg("source.row", row=self.row))
        if self.line is not None:
            parts.append(msg("source.line", line=self.line))
        if self.column:
            # in project.toml the "column" is a setting's key
            parts.append(msg("source.setting" if self.path.endswith(".toml") else "source.column",
                             column=self.column))
        return join(parts, "comma")


@dataclass(frozen=True)
class Problem:
    level: str
    source: Source
    message: str
    value: str | None = None
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def format(self) -> str:
        text = msg("problem.error" if self.is_error else "problem.warning", source=self.source,
                   message=self.message)
        if self.value is not None:
            text += msg("problem.value", value=repr(self.value)) if self.value != "" else msg("problem.empty")
        if self.hint:
            text += msg("problem.hint", hint=self.hint)
        return text


def error(source: Source, message: str, value=None, hint=None) -> Problem:
    return Problem(ERROR, source, message, None if value is None else str(value), hint)


def warning(source: Source, message: str, value=None, hint=None) -> Problem:
    return Problem(WARNING, source, message, None if value is None else str(value), hint)


class ReportkitError(click.ClickException):
    """A user-facing failure: printed without a traceback, exit code 2."""

    exit_code = 2

    def __init__(self, message: str, problems: Iterable[Problem] = ()):
        super().__init__(message)
        self.problems = list(problems)

    def format_message(self) -> str:
        lines = [p.format() for p in self.problems]
        lines.append(self.message)
        return "\n".join(lines)

    def show(self, file=None) -> None:
        click.echo(self.format_message(), err=True, file=file)


@dataclass
class Problems:
    """An accumulator used by loaders and validators."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if not p.is_error]

    def raise_if_errors(self, what: str) -> None:
        errs = self.errors
        if errs:
            raise ReportkitError(msg("problem.summary", what=what, n=len(errs)), errs)
