"""A province folder: province.toml and the city projects it lists (contract v2, "a province").

province.toml holds `name`, `year`, `title`, `organisation`, `cities` (city project
folders, relative to the province folder) and optional `[groups]` (group -> city
names; cities are ranked within their group), `[regions]` (region -> city names),
`subtitle`, `date`, `demo`.  Every problem is collected (file and key named) and the
command stops once with exit code 2 before anything is built.

A city's name is the `city` of its project.toml.  A project whose project.toml cannot
be read still takes part (its build fails and is reported in batch.csv): it is named
by its folder, and group members that name no known city are then only warnings,
since one of them may be that city's name.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problems, ReportkitError, Source, error, warning

PROVINCE_TOML = "province.toml"
PROVINCE_WORDING = "province.toml"        # templates/province.toml
REQUIRED = ("name", "year", "title", "organisation", "cities")
KNOWN = set(REQUIRED) | {"subtitle", "date", "demo", "groups", "regions"}


def wording(province_root: Path | None = None) -> dict:
    """templates/province.toml: the provincial report's wording (a province folder's own
    templates/province.toml is laid over the built-in one key by key, reportkit.wording)."""
    from ..wording import load_toml

    return load_toml(PROVINCE_WORDING, province_root)


def say(message: str, province_root: Path | None = None, **values) -> str:
    """A message of the batch and province commands: [messages] of the built-in
    templates/province.toml (the package's own, as templates/messages.toml is),
    rendered in the narrative sandbox.  `province_root` is accepted for symmetry."""
    from ..wording import Wording, _builtin

    return Wording(_builtin(PROVINCE_WORDING), PROVINCE_WORDING).say(f"messages.{message}", **values)


@dataclass(frozen=True)
class CityEntry:
    rel: str                 # the path as written in province.toml
    path: Path               # resolved project folder
    name: str                # project.toml `city`, else the folder name
    named: bool              # the name comes from project.toml
    year: int | None = None
    group: str = ""
    regions: tuple[str, ...] = ()
    demo: bool = False


@dataclass(frozen=True)
class Province:
    root: Path
    name: str
    year: int
    title: str
    organisation: str
    cities: tuple[CityEntry, ...]
    groups: dict = field(default_factory=dict)     # group -> [city names], in file order
    regions: dict = field(default_factory=dict)    # region -> [city names]
    subtitle: str = ""
    date: str = ""
    demo: bool = False
    ungrouped: str = ""                            # the group of cities no group names

    def city(self, name: str) -> CityEntry:
        for c in self.cities:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def group_names(self) -> list[str]:
        names = list(self.groups)
        if any(c.group == self.ungrouped for c in self.cities) and self.ungrouped not in names:
            names.append(self.ungrouped)
        return names


def _peek_city(project: Path) -> tuple[str | None, int | None, bool]:
    """The `city`, `year` and `demo` of a project.toml, or None where it cannot be read
    (the city's own build reports why)."""
    try:
        data = tomllib.loads((project / "project.toml").read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None, None, False
    city = data.get("city")
    year = data.get("year")
    return (city.strip() if isinstance(city, str) and city.strip() else None,
            year if isinstance(year, int) and not isinstance(year, bool) else None,
            data.get("demo") is True)


def _members(data, key: str, display: str, problems: Problems, root: Path) -> dict[str, list[str]]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.add(error(Source(display, column=key), say("not_table", root, key=key)))
        return {}
    out: dict[str, list[str]] = {}
    for name, members in data.items():
        col = f"{key}.{name}"
        if not isinstance(members, list) or not all(isinstance(m, str) and m.strip() for m in members):
            problems.add(error(Source(display, column=col), say("not_name_list", root, key=col), members))
            continue
        seen = []
        for m in members:
            m = m.strip()
            if m in seen:
                problems.add(error(Source(display, column=col), say("member_twice", root, key=col, city=m)))
                continue
            seen.append(m)
        out[str(name).strip()] = seen
    return out


def load_province(province_dir: Path | str) -> tuple[Province | None, Problems]:
    """Read and check province.toml; (None, problems) when it cannot be used."""
    problems = Problems()
    root = Path(province_dir)
    display = PROVINCE_TOML
    if not root.is_dir():
        problems.add(error(Source(str(province_dir)), say("no_province_dir", None),
                           hint=say("no_province_dir_hint", None)))
        return None, problems
    path = root / PROVINCE_TOML
    if not path.is_file():
        problems.add(error(Source(str(path)), say("no_province_toml", root), hint=say("no_province_dir_hint", root)))
        return None, problems
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        problems.add(error(Source(display), say("not_utf8", root)))
        return None, problems
    except tomllib.TOMLDecodeError as exc:
        import re

        m = re.search(r"at line (\d+)", str(exc))
        line = getattr(exc, "lineno", None) or (int(m.group(1)) if m else None)
        hint = None
        lines = path.read_bytes().decode("utf-8-sig").splitlines()
        if line and line <= len(lines) and re.match(r"\s*[^\x00-\x7f\"'\[#][^=]*=", lines[line - 1]):
            hint = say("toml_quote_keys", root)   # TOML 1.0: bare keys are ASCII only
        problems.add(error(Source(display, line=line), say("toml_syntax", root, detail=str(getattr(exc, "msg", exc))),
                           hint=hint))
        return None, problems

    for key in REQUIRED:
        if key not in data or data[key] in ("", None, []):
            problems.add(error(Source(display, column=key), say("missing_key", root, key=key)))
    for key in data:
        if key not in KNOWN:
            problems.add(warning(Source(display, column=key), say("unknown_key", root, key=key)))
    for key in ("name", "title", "organisation", "subtitle", "date"):
        if key in data and not isinstance(data[key], str):
            problems.add(error(Source(display, column=key), say("not_text", root, key=key), data[key]))
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100):
        problems.add(error(Source(display, column="year"), say("bad_year", root), year))
    if "demo" in data and not isinstance(data["demo"], bool):
        problems.add(error(Source(display, column="demo"), say("bad_demo", root), data["demo"]))

    raw_cities = data.get("cities", [])
    entries: list[CityEntry] = []
    if not isinstance(raw_cities, list):
        problems.add(error(Source(display, column="cities"), say("cities_not_list", root), raw_cities))
        raw_cities = []
    by_path: dict[Path, str] = {}
    by_name: dict[str, str] = {}
    for i, rel in enumerate(raw_cities):
        col = f"cities[{i + 1}]"
        if not isinstance(rel, str) or not rel.strip():
            problems.add(error(Source(display, column=col), say("city_not_path", root), rel))
            continue
        rel = rel.strip()
        folder = (root / rel).resolve()
        if not folder.is_dir():
            problems.add(error(Source(display, column=col), say("city_missing", root), rel,
                               hint=say("city_missing_hint", root)))
            continue
        if not (folder / "project.toml").is_file():
            problems.add(error(Source(display, column=col), say("city_no_project", root), rel))
            continue
        if folder in by_path:
            problems.add(error(Source(display, column=col), say("city_twice", root, other=by_path[folder]), rel))
            continue
        by_path[folder] = rel
        city, cyear, cdemo = _peek_city(folder)
        name = city or folder.name
        if name in by_name:
            problems.add(error(Source(display, column=col), say("name_twice", root, city=name, other=by_name[name]),
                               rel))
            continue
        by_name[name] = rel
        entries.append(CityEntry(rel, folder, name, city is not None, cyear, demo=cdemo))

    unresolved = [c for c in entries if not c.named]
    known = {c.name for c in entries} | {c.path.name for c in entries}

    def check_members(table: dict[str, list[str]], key: str) -> dict[str, list[str]]:
        out = {}
        for name, members in table.items():
            kept = []
            for m in members:
                hit = next((c.name for c in entries if m in (c.name, c.path.name)), None)
                if hit is None:
                    level = warning if unresolved else error
                    problems.add(level(Source(display, column=f"{key}.{name}"),
                                       say("unknown_member", root, city=m, key=f"{key}.{name}",
                                           unresolved=[c.rel for c in unresolved]), m))
                    continue
                kept.append(hit)
            out[name] = kept
        return out

    groups = check_members(_members(data.get("groups"), "groups", display, problems, root), "groups")
    regions = check_members(_members(data.get("regions"), "regions", display, problems, root), "regions")
    group_of: dict[str, str] = {}
    for g, members in groups.items():
        for m in members:
            if m in group_of and group_of[m] != g:
                problems.add(error(Source(display, column=f"groups.{g}"),
                                   say("two_groups", root, city=m, first=group_of[m], second=g)))
            group_of.setdefault(m, g)
    ungrouped = wording(root)["labels"]["ungrouped"] if groups else (data.get("name") or "")
    if groups:
        left = [c.name for c in entries if c.name not in group_of]
        if left:
            problems.add(warning(Source(display, column="groups"),
                                 say("not_grouped", root, cities=left, group=ungrouped)))
    if known and not entries and not problems.errors:
        problems.add(error(Source(display, column="cities"), say("missing_key", root, key="cities")))
    if problems.errors:
        return None, problems
    region_of: dict[str, list[str]] = {}
    for r, members in regions.items():
        for m in members:
            region_of.setdefault(m, []).append(r)
    cities = tuple(CityEntry(c.rel, c.path, c.name, c.named, c.year, group_of.get(c.name, ungrouped),
                             tuple(region_of.get(c.name, ())), c.demo) for c in entries)
    return Province(root.resolve(), data["name"], year, data["title"], data["organisation"], cities, groups,
                    regions, data.get("subtitle", ""), data.get("date", ""), bool(data.get("demo", False)),
                    ungrouped), problems


def open_province(province_dir: Path | str) -> tuple[Province, Problems]:
    """load_province, raising ReportkitError (exit 2) with every error."""
    province, problems = load_province(province_dir)
    if province is None or problems.errors:
        root = Path(province_dir)
        raise ReportkitError(say("province_invalid", root if root.is_dir() else None, n=len(problems.errors)),
                             problems.errors)
    return province, problems
