"""reportkit/wording.py: template files through a typed schema; the one wording mechanism."""
from __future__ import annotations

from click.testing import CliRunner

from reportkit.cli import main
from reportkit.errors import Problems
from reportkit.wording import Wording, load_toml


def test_partial_override_keeps_the_builtin_values(mini):
    mini.write("templates/report.toml", '[chapters]\noverview = "基本情况"\n')
    data = load_toml("report.toml", mini.root)
    assert data["chapters"]["overview"] == "基本情况"
    assert data["chapters"]["evaluation"] == load_toml("report.toml")["chapters"]["evaluation"]


def test_mistyped_key_is_a_problem_naming_file_and_key(mini):
    mini.write("templates/report.toml", '[chapters]\noverview = 3\n')
    problems = Problems()
    load_toml("report.toml", mini.root, problems)
    [p] = problems.errors
    assert p.source.path == "templates/report.toml" and p.source.column == "chapters.overview"
    r = CliRunner().invoke(main, ["report", "--project", str(mini.root), "--out", str(mini.root / "out"), "-q"])
    assert r.exit_code == 2
    assert "templates/report.toml" in r.output and "chapters.overview" in r.output
    assert "Traceback" not in r.output and "内部错误" not in r.output
    assert not (mini.root / "out").exists()


def test_unknown_key_is_a_warning_and_syntax_error_has_the_line(mini):
    mini.write("templates/sheets.toml", '[department]\ntitel = "x"\n')
    problems = Problems()
    load_toml("sheets.toml", mini.root, problems)
    assert [p.source.column for p in problems.warnings] == ["department.titel"] and not problems.errors
    mini.write("templates/theme.toml", '[colors]\nprimary = "#000000"\n[[broken\n')
    problems = Problems()
    load_toml("theme.toml", mini.root, problems)
    assert problems.errors and problems.errors[0].source.line == 3


def test_project_theme_fonts_are_honoured(mini):
    from reportkit import fonts
    from reportkit.theme import load_theme

    mini.write("templates/theme.toml", '[fonts]\nsans = ["No Such Font Family SC"]\n')
    theme = load_theme(mini.root)
    assert theme.font_candidates["sans"] == ["No Such Font Family SC"]
    assert fonts.candidates("sans", theme) == ()          # the project's list, not the built-in one
    assert fonts.candidates("sans") != ()


def test_wording_renders_in_the_sandbox():
    w = Wording({"a": "共{{ n }}项", "evil": "{{ ''.__class__ }}"}, "x.toml")
    assert w.say("a", n=3) == "共3项"
    import pytest

    from reportkit.errors import ReportkitError

    with pytest.raises(ReportkitError) as exc:     # refused by the sandbox: a user error naming the file
        w.say("evil")
    text = exc.value.format_message()
    assert "templates/x.toml evil" in text and "不允许" in text and "__class__" in text
