"""Command line: one thin function per command; the work is in the stage modules."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import Problems
from .messages import join, msg

from .cli_options import Group
from .cli_options import out_option as OUT_OPT
from .cli_options import project_option as PROJECT_OPT

# Commands that live in reportkit/commands/<module>.py, imported only when used
# so that `reportkit validate` starts fast.
LAZY_COMMANDS = {
    "build": "build",
    "report": "report",
    "survey": "survey",
    "sheets": "sheets",
    "tracking": "tracking",
    "intake": "intake",
    "promo": "promo",
    "batch": "batch",
    "province": "province",
    "assess": "assess",
}


class LazyGroup(Group):
    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx, name):
        if name in LAZY_COMMANDS:
            import importlib

            try:
                module = importlib.import_module(f"reportkit.commands.{LAZY_COMMANDS[name]}")
            except ModuleNotFoundError as exc:
                if exc.name == f"reportkit.commands.{LAZY_COMMANDS[name]}":
                    return None
                raise
            return module.command
        return super().get_command(ctx, name)


def echo_problems(problems: Problems, quiet_warnings: bool = False) -> None:
    """Errors first (they must be fixed), then warnings."""
    for p in problems.errors:
        click.echo(p.format(), err=True)
    if not quiet_warnings:
        for p in problems.warnings:
            click.echo(p.format(), err=True)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, help=msg("cli.help"))
@click.version_option(package_name="reportkit", help=msg("cli.version_option"))
def main() -> None:
    pass


@main.command()
@PROJECT_OPT
@click.option("--quiet", is_flag=True, help=msg("help.validate_quiet"))
def validate(project_dir: Path, quiet: bool) -> None:
    """校验项目：列出全部问题（文件、行、列），有错误时退出码为 2。"""
    from .load.project import load_project
    from .validate import validate as run_validate
    from .narrative import check_narratives

    project, problems = load_project(project_dir)
    if project is not None:
        run_validate(project, problems)
        from .previous import load_previous

        load_previous(project, problems, tables=None)   # v2 `previous`: validated in full too
        if not problems.errors:
            check_narratives(project, problems)
    echo_problems(problems, quiet)
    n_err, n_warn = len(problems.errors), len(problems.warnings)
    if n_err:
        click.echo(msg("done.validate_failed", errors=n_err, warnings=n_warn), err=True)
        sys.exit(2)
    click.echo(msg("done.validate_passed", warnings=n_warn))


@main.command()
@PROJECT_OPT
@OUT_OPT
def score(project_dir: Path, out_dir: Path) -> None:
    """计算指标评级与得分，写出 scores.csv / scores.xlsx / dimensions.csv。"""
    from .build import build

    scores = build(project_dir, out_dir, ("results",)).scores
    counts = scores.table["rating"].value_counts()
    summary = join((f"{k} {int(v)}" for k, v in counts.items()), "comma")
    click.echo(msg("done.score", n=len(scores.table), counts=summary, out=out_dir))


import errno as _errno

_USER_ERRNOS = {_errno.ENOSPC, _errno.EACCES, _errno.EPERM, _errno.EROFS, _errno.ENOTDIR, _errno.EISDIR,
                _errno.ENOENT, _errno.EEXIST}


def run() -> None:
    """Console entry point: user errors exit 2 with a message; an unexpected internal
    failure exits 1 with a one-line message (full traceback with REPORTKIT_DEBUG=1)."""
    import os

    try:
        main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(msg("cli.aborted"), err=True)
        sys.exit(130)
    except click.UsageError as exc:
        cmd = exc.ctx.command_path if exc.ctx else "reportkit"
        click.echo(msg("cli.usage", message=exc.format_message(), command=cmd), err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except OSError as exc:
        # the file system refused (full disk, no permission, a file where a folder should be)
        if os.environ.get("REPORTKIT_DEBUG") or exc.errno not in _USER_ERRNOS:
            raise
        from .write import _os_reason

        click.echo(msg("cli.os_error", file=exc.filename or "", reason=_os_reason(exc)), err=True)
        sys.exit(2)
    except Exception as exc:  # a bug, not a user error
        if os.environ.get("REPORTKIT_DEBUG"):
            raise
        click.echo(msg("cli.internal", kind=type(exc).__name__, message=exc), err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    run()
