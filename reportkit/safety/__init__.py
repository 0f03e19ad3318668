"""Hostile input held everywhere: a project folder is data, never code.

- `sandbox`: the one Jinja sandbox every project-overridable template is rendered
  in (narratives, wording toml, HTML templates, Word templates), with budgets for
  time, output and iterations checked while rendering;
- `cells`: no live formulas in the CSV and XLSX files reportkit writes;
- `files`: regular files only, size limits per kind, XLSX checked before parsing;
- `names`: unique, short, Windows-safe output file names;
- `procs`: worker processes that die with their parent, silently;
- `messages`: the wording of these refusals (templates/safety.toml).
"""
