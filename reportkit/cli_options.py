"""Options every command shares (contract: --project and --out on every command)."""
from pathlib import Path

import click

project_option = click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
                              default=Path("content"), show_default=True, help="检查项目目录（含 project.toml）")
out_option = click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
                          default=Path("build"), show_default=True, help="输出目录")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="不显示进度")
