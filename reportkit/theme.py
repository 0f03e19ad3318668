"""The house style, read once from templates/theme.toml (or a project's override)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def templates_dir(project_root: Path | None = None) -> list[Path]:
    """Template search path: the project's own templates/ first, then the built-in ones."""
    dirs = []
    if project_root is not None and (project_root / "templates").is_dir():
        dirs.append(project_root / "templates")
    dirs.append(TEMPLATES)
    return dirs


def find_template(name: str, project_root: Path | None = None) -> Path:
    """The project's templates/<name> if it has one, else the built-in one.  A project's
    file must be a regular file of a sane size inside the project (FileRefused, exit 2)."""
    for d in templates_dir(project_root):
        p = d / name
        if p.exists() or p.is_symlink():
            if d != TEMPLATES:
                from .safety.files import check_file, template_kind

                check_file(p, project_root, template_kind(name), f"templates/{name}")
            return p
    raise FileNotFoundError(name)


@dataclass(frozen=True)
class Theme:
    data: dict
    path: Path
    root: Path | None = None   # the project whose templates/ override the built-in wording

    @property
    def colors(self) -> dict:
        return self.data["colors"]

    def rating_color(self, rating: str) -> str:
        return self.colors["rating"].get(rating, self.colors["muted"])

    def trend_color(self, trend: str) -> str:
        return self.colors["trend"].get(trend, self.colors["muted"])

    @property
    def palette(self) -> list[str]:
        return self.colors["series"]["palette"]

    @property
    def chart(self) -> dict:
        return self.data["chart"]

    @property
    def word(self) -> dict:
        return self.data["word"]

    @property
    def font_candidates(self) -> dict:
        return self.data["fonts"]

    def role_color(self, role: str | None) -> str | None:
        if not role:
            return None
        if role.startswith("rating-"):
            return self.rating_color(role[7:])
        if role.startswith("trend-"):
            return self.trend_color(role[6:])
        return self.colors.get(role) if isinstance(self.colors.get(role), str) else None


def load_theme(project_root: Path | None = None) -> Theme:
    """The house style: templates/theme.toml with the project's own theme.toml laid over
    it key by key (reportkit.wording); a mistyped key raises ReportkitError."""
    from .wording import load_toml

    return Theme(load_toml("theme.toml", project_root), find_template("theme.toml", project_root),
                 _root(project_root))


def load_theme_checked(project_root: Path | None, problems) -> Theme:
    """Like load_theme, but every template file the project overrides is checked and its
    problems are added to `problems` (the build raises once for all)."""
    from .wording import check_project_templates, load_toml

    check_project_templates(project_root, problems)
    return Theme(load_toml("theme.toml", project_root, problems), find_template("theme.toml", project_root),
                 _root(project_root))


def _root(project_root: Path | None) -> Path | None:
    return Path(project_root).resolve() if project_root is not None else None
