"""`reportkit validate`: every problem class named with file, row and column; exit codes."""
import pytest
from click.testing import CliRunner

from reportkit.cli import main
from reportkit.load.project import load_project
from reportkit.validate import validate


def run_validate(root):
    result = CliRunner().invoke(main, ["validate", "--project", str(root)])
    return result.exit_code, result.output + (result.stderr if hasattr(result, "stderr") else "")


def problems_of(root):
    project, problems = load_project(root)
    if project is not None:
        validate(project, problems)
    return problems


def test_clean_project_passes(mini):
    code, out = run_validate(mini.root)
    assert code == 0, out
    assert "校验通过" in out
    assert "TR-01" in out  # the no-reference warning is shown but does not fail


@pytest.mark.parametrize("edit,file,row,column,words", [
    # missing required column
    (lambda m: m.replace("data/indicators.csv", "code,name,dimension,category,unit,direction,",
                         "code,name,dimension,category,unit,dir,"),
     "data/indicators.csv", 1, "direction", "缺少必需的列"),
    # duplicate key (row 3 repeats row 2)
    (lambda m: m.append("data/departments.csv", "zj,重复部门,市直部门"),
     "data/departments.csv", 6, "id", "重复"),
    # unknown indicator code referenced by values
    (lambda m: m.append("data/values.csv", "XX-99,甲市,2020,1,,"),
     "data/values.csv", 27, "code", "XX-99"),
    # unknown area
    (lambda m: m.append("data/values.csv", "EC-01,不存在镇,2020,1,,"),
     "data/values.csv", 27, "area", "不存在镇"),
    # unknown department in recommendations.assist
    (lambda m: m.replace("data/recommendations.csv", ",jt,zr;zj\n", ",jt,zr;nobody\n"),
     "data/recommendations.csv", 3, "assist", "nobody"),
    # non-numeric value, with the offending text
    (lambda m: m.replace("data/values.csv", "EC-01,甲市,2020,14,,", "EC-01,甲市,2020,14平方米,,"),
     "data/values.csv", 4, "value", "14平方米"),
    # bad enumeration: direction
    (lambda m: m.replace("data/indicators.csv", "平方米/人,+,", "平方米/人,up,"),
     "data/indicators.csv", 2, "direction", "up"),
    # bad enumeration: area kind
    (lambda m: m.replace("data/areas.csv", "甲镇,town", "甲镇,village"),
     "data/areas.csv", 3, "kind", "village"),
    # bad enumeration: tracking status
    (lambda m: m.replace("data/tracking.csv", "R02,正在研究", "R02,研究中"),
     "data/tracking.csv", 3, "status", "研究中"),
    # bad year
    (lambda m: m.replace("data/values.csv", "EC-01,甲市,2018,", "EC-01,甲市,18年,"),
     "data/values.csv", 2, "year", "18年"),
    # unknown recommendation id in tracking
    (lambda m: m.append("data/tracking.csv", "R99,已开展,,2021-01-01"),
     "data/tracking.csv", 5, "id", "R99"),
    # survey missing a question column
    (lambda m: m.replace("data/survey_questions.csv", "Q4,", "Q9,"),
     "data/survey.csv", 1, "Q9", "缺少题目"),
])
def test_problem_classes(mini, edit, file, row, column, words):
    edit(mini)
    problems = problems_of(mini.root).errors
    hits = [p for p in problems if p.source.path == file and p.source.column == column
            and (row is None or p.source.row == row)]
    assert hits, "\n".join(p.format() for p in problems)
    assert any(words in p.format() for p in hits), "\n".join(p.format() for p in hits)
    code, out = run_validate(mini.root)
    assert code == 2
    assert "Traceback" not in out
    assert file in out


def test_all_problems_listed_at_once(mini):
    mini.replace("data/indicators.csv", "平方米/人,+,", "平方米/人,up,")
    mini.append("data/values.csv", "XX-99,甲市,2020,abc,,")
    mini.replace("data/areas.csv", "甲镇,town", "甲镇,village")
    errs = problems_of(mini.root).errors
    files = {p.source.path for p in errs}
    assert {"data/indicators.csv", "data/values.csv", "data/areas.csv"} <= files
    assert len(errs) >= 4


def test_missing_project_toml_key(mini):
    mini.replace("project.toml", 'survey_url = "https://example.org/survey"\n', "")
    code, out = run_validate(mini.root)
    assert code == 2 and "survey_url" in out and "project.toml" in out


def test_bad_toml_names_line(mini):
    mini.replace("project.toml", 'year = 2020', 'year = = 2020')
    errs = problems_of(mini.root).errors
    assert errs[0].source.path == "project.toml" and errs[0].source.line == 3


def test_truncated_csv(mini):
    text = mini.read("data/values.csv")
    mini.write("data/values.csv", text[: text.index("EC-02,甲市,2018") + 12])  # cut mid-row
    errs = problems_of(mini.root).errors
    assert any(p.source.path == "data/values.csv" and p.source.row == 10 and "截断" in p.format() for p in errs), \
        [p.format() for p in errs]


def test_unterminated_quote(mini):
    mini.append("data/departments.csv", 'xx,"未闭合的引号,市直部门')
    errs = problems_of(mini.root).errors
    assert any(p.source.path == "data/departments.csv" and "引号" in p.message for p in errs)


def test_undecodable_file(mini):
    mini.path("data/areas.csv").write_bytes("area,kind\n甲市,city\n".encode("utf-8") + b"\xff\xfe\xfa,town\n")
    errs = problems_of(mini.root).errors
    assert any(p.source.path == "data/areas.csv" and p.source.line == 3 and "编码" in p.message for p in errs)


def test_xlsx_that_is_not_one(mini):
    mini.remove("data/departments.csv")
    mini.write("data/departments.xlsx", "id,name,kind\nzj,住建局,市直部门\n")
    errs = problems_of(mini.root).errors
    assert any(p.source.path == "data/departments.xlsx" and "xlsx" in p.message for p in errs)


def test_both_csv_and_xlsx(mini):
    mini.write("data/departments.xlsx", "x")
    errs = problems_of(mini.root).errors
    assert any("同时存在" in p.message for p in errs)


def test_exactly_one_city(mini):
    mini.replace("data/areas.csv", "乙市,peer", "乙市,city")
    errs = problems_of(mini.root).errors
    assert any(p.source.path == "data/areas.csv" and "city" in p.message for p in errs)


def test_warnings_do_not_fail(mini):
    mini.append("data/areas.csv", "丁镇,town")
    problems = problems_of(mini.root)
    assert not problems.errors
    assert any("丁镇" in p.message for p in problems.warnings)


def test_narrative_unknown_code_names_file_and_line(mini):
    mini.write("narratives/20-bad.md", "---\ntitle: 坏章节\n---\n第一行\n\n数值 {{ indicator('NOPE-1').value }}\n")
    code, out = run_validate(mini.root)
    assert code == 2
    assert "narratives/20-bad.md" in out and "第 6 行" in out and "NOPE-1" in out


def test_narrative_sandbox_blocks_python(mini):
    mini.write("narratives/20-bad.md",
               "---\ntitle: 坏章节\n---\n{{ indicator('EC-01').__class__.__mro__ }}\n{{ ''.__class__ }}\n")
    code, out = run_validate(mini.root)
    assert code == 2 and "narratives/20-bad.md" in out


def test_narrative_unknown_figure(mini):
    mini.write("narratives/20-bad.md", "---\ntitle: 坏章节\n---\n见{{ figure('trend/EC-02') }}。\n")
    code, out = run_validate(mini.root)
    assert code == 2 and "trend/EC-02" in out  # EC-02 is not a key indicator: no trend chart


def test_partial_load_checks_only_what_was_read(mini):
    """A command that reads a few tables gets no false 'unknown id' errors from the others."""
    from reportkit.load.project import open_project

    project, problems = open_project(mini.root, tables=("indicators", "areas", "values"))
    assert not problems.errors
    mini.append("data/values.csv", "XX-99,甲市,2020,1,,")
    import pytest as _pytest
    from reportkit.errors import ReportkitError
    with _pytest.raises(ReportkitError) as exc:
        open_project(mini.root, tables=("indicators", "areas", "values"))
    assert "XX-99" in exc.value.format_message()


def test_unwritable_out_is_a_user_error(mini, tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    import subprocess
    import sys
    r = subprocess.run([sys.executable, "-m", "reportkit", "score", "--project", str(mini.root),
                        "--out", str(blocker / "sub")], capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and "无法写入" in r.stderr


def test_a_failed_write_changes_nothing(mini, tmp_path):
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["score", "--project", str(mini.root), "--out", str(out)])
    assert r.exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (out / "towns.csv").unlink()
    (out / "towns.csv").mkdir()          # the last file cannot be written
    mini.replace("data/values.csv", "EC-01,甲市,2020,14,,", "EC-01,甲市,2020,15,,")
    r = CliRunner().invoke(main, ["score", "--project", str(mini.root), "--out", str(out)])
    assert r.exit_code == 2 and "无法写入" in r.output
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == {k: v for k, v in before.items() if k != "towns.csv"}
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("expr", ["{{ 'x' * 300000000 }}", "{{ 10 ** 10 ** 7 }}",
                                  "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}",
                                  "{% include 'project.toml' %}", "{{ indicator('EC-01')._row }}",
                                  "{{ cycler.__init__.__globals__ }}"])
def test_narrative_sandbox_limits(mini, expr):
    """Narratives cannot exhaust memory or time, read files or reach Python internals."""
    import time
    mini.write("narratives/20-bad.md", f"---\ntitle: 坏章节\n---\n正文\n\n{expr}\n")
    t0 = time.perf_counter()
    code, out = run_validate(mini.root)
    assert time.perf_counter() - t0 < 10
    assert code == 2 and "narratives/20-bad.md" in out and "Traceback" not in out


def test_html_entities_are_text(mini):
    from reportkit.document import plain
    from reportkit.narrative import markdown_blocks

    blocks = markdown_blocks("甲 &amp; 乙 &lt;b&gt; &copy; <i>x</i>")
    assert plain(blocks[0].inlines) == "甲 & 乙 <b> © <i>x</i>"


def test_full_width_digits_and_huge_numbers_are_rejected(mini):
    mini.replace("data/values.csv", "EC-01,甲市,2020,14,,", "EC-01,甲市,2020,１４,,")
    mini.replace("data/values.csv", "EC-02,甲市,2020,75,,", "EC-02,甲市,2020,1E400,,")
    mini.replace("data/values.csv", "EC-01,甲市,2019,", "EC-01,甲市,２０１９,")
    errs = problems_of(mini.root).errors
    msgs = {(p.source.row, p.source.column): p.format() for p in errs if p.source.path == "data/values.csv"}
    assert "半角" in msgs[(4, "value")]
    assert "超出范围" in msgs[(11, "value")]
    assert (3, "year") in msgs


def test_blank_rows_keep_excel_row_numbers(mini):
    text = mini.read("data/values.csv").replace("EC-01,甲市,2019,13.1,,\n", "EC-01,甲市,2019,13.1,,\n\n\n")
    mini.write("data/values.csv", text.replace("EC-01,甲市,2020,14,,", "EC-01,甲市,2020,abc,,"))
    errs = problems_of(mini.root).errors
    assert [p.source.row for p in errs if p.source.column == "value"] == [6]


def test_trailing_separator_and_extra_fields(mini):
    lines = mini.read("data/areas.csv").splitlines()
    mini.write("data/areas.csv", "\n".join(l + "," for l in lines) + "\n")
    assert not problems_of(mini.root).errors          # a trailing comma everywhere is harmless
    mini.write("data/areas.csv", "\n".join(lines[:3] + [lines[3] + ",多余"] + lines[4:]) + "\n")
    errs = problems_of(mini.root).errors
    assert any(p.source.row == 4 and ("多于表头" in p.message or "3 个字段" in p.message) for p in errs), \
        [p.format() for p in errs]


def test_stray_byte_in_gbk_file_is_located(mini):
    text = mini.read("data/indicators.csv").encode("gbk")
    lines = text.split(b"\n")
    lines[4] = lines[4] + b"\x80"
    mini.path("data/indicators.csv").write_bytes(b"\n".join(lines))
    errs = problems_of(mini.root).errors
    assert any(p.source.path == "data/indicators.csv" and p.source.line == 5 for p in errs), \
        [p.format() for p in errs]


def test_unsupported_format_is_named(mini):
    mini.remove("data/departments.csv")
    mini.write("data/departments.xls", "x")
    errs = problems_of(mini.root).errors
    assert any(p.source.path == "data/departments.xls" and "xlsx" in (p.hint or "") for p in errs)


def test_utf16_tab_separated_export(mini):
    text = mini.read("data/areas.csv").replace(",", "\t")
    mini.path("data/areas.csv").write_bytes(text.encode("utf-16"))
    assert not problems_of(mini.root).errors


def test_project_toml_ranges(mini):
    mini.replace("project.toml", "year = 2020", "year = 20")
    mini.replace("project.toml", "min_duration_s = 120", "min_duration_s = 120\nmin_group = 0")
    mini.append("project.toml", "[campaign]\nslogon = \"错拼\"")
    problems = problems_of(mini.root)
    text = "\n".join(p.format() for p in problems.items)
    assert "year" in text and "min_group" in text and "slogon" in text


def test_narrative_keys_are_those_the_composition_makes(mini):
    """The mini project has two dimensions: no radar chart is made, so citing it is an
    error naming the file and line (the report would otherwise print 【?】)."""
    mini.write("narratives/21-radar.md", "---\ntitle: 总评\nsection: evaluation\n---\n\n"
               "各维度得分见{{ figure('dimension-radar') }}，评级见{{ figure('rating-counts') }}。\n")
    code, out = run_validate(mini.root)
    assert code == 2
    assert "narratives/21-radar.md，第 6 行" in out and "dimension-radar" in out
    assert "rating-counts" not in out          # that chart exists in every report


def test_short_indicator_that_no_recommendation_cites_is_named(mini):
    # TR-02 is rated 短板 in the mini project; R02 is the only recommendation citing it
    mini.replace("data/recommendations.csv", "R02,通勤时间偏长,TR-02;TR-01", "R02,通勤时间偏长,TR-01")
    code, out = run_validate(mini.root)
    assert code == 0
    line = next(x for x in out.splitlines() if "TR-02" in x)
    assert line.startswith("[警告] data/indicators.csv，第 ")   # its row in the indicators table
    assert "评为短板，但没有任何策略建议对应" in line and "indicators 列填 TR-02" in line
    # cited again: no warning
    mini.replace("data/recommendations.csv", "R02,通勤时间偏长,TR-01", "R02,通勤时间偏长,TR-02;TR-01")
    assert "TR-02" not in run_validate(mini.root)[1]
