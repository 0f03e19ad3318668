"""Options every command shares (contract: --project and --out on every command)."""
from pathlib import Path

import click

from .messages import msg

project_option = click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
                              default=Path("content"), show_default=True, help=msg("help.project"))
out_option = click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
                          default=Path("build"), show_default=True, help=msg("help.out"))
quiet_option = click.option("--quiet", "-q", is_flag=True, help=msg("help.quiet"))
formats_option = click.option("--format", "formats", type=click.Choice(["docx", "pdf"]), multiple=True,
                              help=msg("help.format"))
workers_option = click.option("--workers", type=click.IntRange(1, 64), default=None, help=msg("help.workers"))


def formats_of(formats: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f for f in ("pdf", "docx") if f in formats) if formats else ("pdf", "docx")
strict_option = click.option("--strict", is_flag=True, help=msg("help.strict"))
