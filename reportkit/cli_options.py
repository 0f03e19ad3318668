"""Options every command shares (contract: --project and --out on every command), and
the help screens' own words (usage line, section titles, the -h option) in Chinese from
templates/messages.toml [cli]: every command is a Command, every group a Group below."""
import functools
from pathlib import Path

import click

from .messages import msg

project_option = click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
                              default=Path("content"), help=msg("help.project"))
out_option = click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
                          default=Path("build"), help=msg("help.out"))
quiet_option = click.option("--quiet", "-q", is_flag=True, help=msg("help.quiet"))
formats_option = click.option("--format", "formats", type=click.Choice(["docx", "pdf"]), multiple=True,
                              help=msg("help.format"))
workers_option = click.option("--workers", type=click.IntRange(1, 64), default=None, help=msg("help.workers"))


def formats_of(formats: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f for f in ("pdf", "docx") if f in formats) if formats else ("pdf", "docx")
strict_option = click.option("--strict", is_flag=True, help=msg("help.strict"))


class _Wording:
    """click's built-in help words (gettext's English "Usage:", "Options", "Show this
    message and exit.") replaced by the messages file's."""

    def get_help_option(self, ctx):
        opt = super().get_help_option(ctx)
        if opt is not None:
            opt.help = msg("cli.help_option")
        return opt

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)),
                              prefix=msg("cli.usage_prefix"))

    def format_options(self, ctx, formatter) -> None:
        opts = [rv for p in self.get_params(ctx) if not isinstance(p, click.Argument)
                for rv in [p.get_help_record(ctx)] if rv is not None]
        if opts:
            with formatter.section(msg("cli.options")):
                formatter.write_dl(opts)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx, formatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(formatter.width - 6 - len(name))))
        if rows:
            with formatter.section(msg("cli.commands")):
                formatter.write_dl(rows)


class Command(_Wording, click.Command):
    pass


class Group(_Wording, click.Group):
    command_class = Command
    group_class = type


command = functools.partial(click.command, cls=Command)
group = functools.partial(click.group, cls=Group)
