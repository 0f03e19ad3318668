"""The hostile suite (issue 11): one small valid project, one defect at a time.

Classes: templates are data (sandbox, fetcher, links, wording) · bounded
narratives · no live formulas · bounded files · privacy · unique, safe names ·
no internal error on user input.  All or nothing under kill -9 is tests/test_kill.py.
Every refusal must be a message naming the file (and row, line or cell), exit 2,
no traceback, and no side effect.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import MINI, ROOT
from reportkit.cli import main
from reportkit.errors import Problems, ReportkitError
from reportkit.load.project import load_project
from reportkit.validate import validate


def cli(*args) -> tuple[int, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.output + (r.stderr if hasattr(r, "stderr") else "")


def rk(*args, cwd=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportkit", *args], cwd=cwd or ROOT, capture_output=True,
                          text=True, timeout=timeout)


def problems_of(root: Path) -> Problems:
    project, problems = load_project(root)
    if project is not None:
        validate(project, problems)
    return problems


def errors_text(root: Path) -> str:
    return "\n".join(p.format() for p in problems_of(root).errors)


def survey_files(result):
    """The survey product's files of `result`, as the writer would receive them."""
    class Collect:
        def __init__(self):
            self.files = {}

        def add(self, rel, data):
            self.files[rel] = data

    from reportkit.score.survey import add_survey_outputs

    w = Collect()
    add_survey_outputs(w, result)
    return w


def narrative(mini, body: str, name: str = "30-hostile.md", head: str = "title: 附加章节\n") -> str:
    mini.write(f"narratives/{name}", f"---\n{head}---\n{body}\n")
    return f"narratives/{name}"


# ==== 1. a project's templates are data =======================================================
RCE = "{% set _ = cycler.__init__.__globals__.os.system('id > pwned') %}"


def test_html_template_cannot_run_code(mini, tmp_path):
    html = mini.root / "templates" / "html"
    html.mkdir(parents=True)
    for f in (ROOT / "templates" / "html").glob("*.j2"):
        shutil.copy(f, html / f.name)
    doc = html / "document.html.j2"
    doc.write_text(doc.read_text(encoding="utf-8").replace("<body>", "<body>\n" + RCE), encoding="utf-8")
    line = doc.read_text(encoding="utf-8").splitlines().index(RCE) + 1
    r = rk("report", "--project", str(mini.root), "--out", str(tmp_path / "out"), "--format", "pdf", "-q",
           cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert f"templates/html/document.html.j2，第 {line} 行" in r.stderr and "cycler" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "pwned").exists() and not (mini.root / "pwned").exists()
    assert not (tmp_path / "out" / "report.pdf").exists()


def test_word_template_cannot_run_code(mini, tmp_path):
    from docx import Document

    d = Document(str(ROOT / "templates" / "report.docx"))
    d.paragraphs[0].add_run(RCE)
    (mini.root / "templates").mkdir()
    d.save(str(mini.root / "templates" / "report.docx"))
    r = rk("report", "--project", str(mini.root), "--out", str(tmp_path / "out"), "--format", "docx", "-q",
           cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert "templates/report.docx" in r.stderr and "cycler" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "pwned").exists() and not (mini.root / "pwned").exists()
    assert not (tmp_path / "out" / "report.docx").exists()


@pytest.mark.parametrize("sentence", ["{{ ''.__class__.__mro__ }}", "{{ lipsum(99) }}", "{{ self }}",
                                      "{% for i in range(10**6) %}{% endfor %}"])
def test_wording_templates_run_in_the_sandbox(sentence):
    from reportkit.wording import Wording

    w = Wording({"title": sentence}, "sheets.toml")
    with pytest.raises(ReportkitError) as exc:
        w.say("title")
    assert "templates/sheets.toml title" in exc.value.format_message()


@pytest.mark.parametrize("text,ok", [
    ("{name}共{n:,}项", True), ("{score:.1f}分", True), ("{x.__class__}", False), ("{x[0]}", False),
    ("{x!r}", False), ("{x:>999999999}", False), ("{x:{w}}", False), ("{0}", False), ("{unknown}", False),
])
def test_python_filled_wording_takes_plain_fields_only(text, ok):
    from reportkit.safety.wording import safe_format

    values = {"name": "甲", "n": 1234, "score": 81.25, "x": "v", "w": 9}
    if ok:
        assert safe_format(text, **values) == text.format(**values)
    else:
        with pytest.raises(ReportkitError):
            safe_format(text, **values)


def test_css_cannot_read_files_into_the_pdf(mini):
    from reportkit import document as d
    from reportkit.render.pdf import render_pdf
    from reportkit.theme import load_theme

    (mini.root / "templates").mkdir()
    css = (ROOT / "templates" / "report.css").read_text(encoding="utf-8")
    secret = mini.root.parent / "secret.png"
    shutil.copy(ROOT / "tests" / "fixtures" / "mini" / "project.toml", secret)
    (mini.root / "templates" / "report.css").write_text(
        css + f'\nbody {{ background: url("{secret.as_uri()}"); }}\n', encoding="utf-8")
    doc = d.Document(d.Meta(title="甲", lang="zh-CN"), (d.Paragraph(d.text("甲市")),))
    with pytest.raises(ReportkitError) as exc:
        render_pdf(doc, load_theme(mini.root), mini.root)
    assert secret.as_uri() in exc.value.format_message()


def test_links_other_than_web_and_mail_are_dropped():
    from reportkit.document import Link, Span
    from reportkit.narrative import markdown_blocks

    blocks = markdown_blocks("[a](javascript:alert(1)) [b](file:///etc/passwd) [c](JaVa\tScript:x) "
                             "[d](../secret.md) [e](https://example.org/) [f](mailto:a@b.cn)")
    inl = blocks[0].inlines
    assert [i.href for i in inl if isinstance(i, Link)] == ["https://example.org/", "mailto:a@b.cn"]
    text = "".join(i.text for i in inl if isinstance(i, Span))
    assert all(x in text for x in "abcd")


# ==== 2. bounded narratives =====================================================================
BOMBS = [
    "{{ 'a'.center(3000000000) }}", "{{ 'a'.ljust(10**9) }}", "{{ 'a'.zfill(10**9) }}",
    "{{ '\t'.expandtabs(10**9) }}", "{{ '{:>3000000000}'.format(1) }}", "{{ 'a' * 3000000000 }}",
    "{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% else %}{{ s|length }}{% endif %}{% endmacro %}{{ d('a', 40) }}",
    "{{ lipsum(1000000) }}", "{{ ('a' * 150000) ~ ('a' * 150000) }}", "{{ (['x'] * 150000)|join('yy') }}",
    "{{ ('a' * 100000).replace('a', 'aaaa') }}", "{{ '%0999999999d' % 1 }}", "{{ 10 ** 10 ** 7 }}",
    "{{ (9 ** 30) * (9 ** 30) * (9 ** 30) }}",
    "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}{% for d in range(1000) %}"
    "{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
    "{% for a in range(1000) %}" + "长" * 3000 + "{% endfor %}",
    "{% macro m() %}{% for i in range(999) %}" + "长" * 3000 + "{% endfor %}{% endmacro %}"
    "{% for i in range(999) %}{{ m() }}{% endfor %}",
    "{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}",
]
REPRS = ["{{ self }}", "{{ lipsum }}", "{{ cycler }}", "{{ range }}", "{{ indicator }}", "{{ survey }}",
         "{{ [1, 2] }}", "{{ dict(a=1) }}", "{{ namespace() }}", "{% for x in [1] %}{{ loop }}{% endfor %}",
         "{{ true }}"]


@pytest.fixture(scope="module")
def narrative_ctx():
    from reportkit.fmt import Formatter
    from reportkit.narrative import NarrativeContext
    from reportkit.score.indicators import score_project

    project, problems = load_project(MINI)
    scores = score_project(project)
    return lambda: NarrativeContext(scores, Formatter(), {}, "甲市", 2020, None, None, None, Problems())


def _render(ctx, body: str):
    from reportkit.load.narratives import Narrative
    from reportkit.narrative import render_expressions

    n = Narrative(Path("narratives/30-x.md"), "narratives/30-x.md", "x", 1, "正文\n\n" + body + "\n", 4)
    t0 = time.perf_counter()
    text = render_expressions(n, ctx)
    return text, time.perf_counter() - t0


@pytest.mark.parametrize("expr", BOMBS)
def test_narrative_bombs_stop_within_the_budget(narrative_ctx, expr):
    import resource

    ctx = narrative_ctx()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    text, seconds = _render(ctx, expr)
    assert text is None and seconds < 15
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 200, f"{grown_mib:.0f} MiB for {expr[:40]}"
    msgs = [p.format() for p in ctx.problems.errors]
    assert len(msgs) == 1 and "narratives/30-x.md，第 6 行" in msgs[0], msgs


@pytest.mark.parametrize("expr", REPRS)
def test_python_objects_are_never_printed(narrative_ctx, expr):
    ctx = narrative_ctx()
    text, _ = _render(ctx, "见" + expr)
    assert text is None
    msg = ctx.problems.errors[0].format()
    assert "narratives/30-x.md，第 6 行" in msg and "0x" not in msg and "object at" not in msg


def test_the_vocabulary_still_works(narrative_ctx):
    ctx = narrative_ctx()
    text, _ = _render(ctx, "{{ indicator('EC-01') }}，{{ indicator('EC-01').rating }}；"
                           "{% for i in range(3) %}{{ loop.index }}{% endfor %}；{{ 'a,b'.split(',')|join('、') }}；"
                           "{{ (2 ** 10)|num(0) }}；{{ city ~ year }}")
    assert not ctx.problems.errors, [p.format() for p in ctx.problems.errors]
    assert "14平方米/人，预警；123；a、b；1,024；甲市2020" in text


# ==== 3. no live formulas ========================================================================
@pytest.mark.parametrize("value,written", [
    ("=HYPERLINK(\"http://x\",\"a\")", "'=HYPERLINK(\"http://x\",\"a\")"), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"), ("@SUM(1)", "'@SUM(1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("-3.5", "-3.5"), ("+", "+"), ("-", "-"), ("正常文字", "正常文字"), ("", ""), ("a=b", "a=b"),
])
def test_csv_fields_are_neutralised_as_owasp_recommends(value, written):
    from reportkit.safety.cells import csv_text, uncsv_text

    assert csv_text(value) == written
    assert uncsv_text(written) == value


def test_score_outputs_hold_no_formula(mini, tmp_path):
    mini.replace("data/indicators.csv", "人均公园绿地面积", '"=HYPERLINK(""http://x"",""点我"")"')
    mini.replace("data/indicators.csv", "城市生活污水集中收集率", "@SUM(A1:A9)")
    mini.replace("data/values.csv", "EC-01,甲市,2019,13.1", "EC-01,甲市,2019,-3.5")
    code, out = cli("score", "--project", str(mini.root), "--out", str(tmp_path))
    assert code == 0, out
    csv_text = (tmp_path / "scores.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'@SUM(A1:A9)" in csv_text and ",-3.5," in csv_text
    df = pd.read_csv(tmp_path / "scores.csv", dtype={"previous_value": float})
    assert df["previous_value"].min() == -3.5          # numbers stay numbers
    wb = openpyxl.load_workbook(tmp_path / "scores.xlsx")
    ws = wb["scores"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in ('=HYPERLINK("http://x","点我")', "@SUM(A1:A9)"):
        assert cells[text].data_type == "s"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    with zipfile.ZipFile(tmp_path / "scores.xlsx") as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


def test_tracking_round_trip_keeps_a_departments_text_as_text(mini, tmp_path):
    mini.replace("data/recommendations.csv", "推进口袋公园建设", "=1+1")
    code, out = cli("tracking", "template", "--project", str(mini.root), "--out", str(tmp_path / "t"))
    assert code == 0, out
    form = tmp_path / "t" / "tracking" / "zj.xlsx"
    wb = openpyxl.load_workbook(form)
    ws = wb.worksheets[0]
    assert ws["D5"].value == "=1+1" and ws["D5"].data_type == "s"
    ws["E5"] = "已开展"
    note = '=HYPERLINK("http://evil","点我")'
    ws["F5"] = note
    ws["F5"].data_type = "s"                       # typed as text in Excel ('=…)
    wb.save(form)
    returned = tmp_path / "returned"
    returned.mkdir()
    shutil.copy(form, returned / "zj.xlsx")
    code, out = cli("tracking", "collect", str(returned), "--project", str(mini.root), "--out", str(tmp_path / "o"),
                    "--write")
    assert code == 0, out
    written = (tmp_path / "o" / "tracking.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in written and (mini.root / "data" / "tracking.csv").read_text(encoding="utf-8-sig") == written
    project, _ = load_project(mini.root)
    assert project.tracking.set_index("id").loc["R01", "note"] == note      # read back as typed
    # a project keeping its tracking table as .xlsx gets a string cell
    from reportkit.tracking import tracking_xlsx

    wb = openpyxl.load_workbook(io.BytesIO(tracking_xlsx(project.tracking)))
    cell = next(c for row in wb.active.iter_rows() for c in row if c.value == note)
    assert cell.data_type == "s"


def test_every_csv_of_the_survey_is_neutralised(tmp_path):
    from reportkit.load.project import open_project
    from reportkit.score.survey import run_survey
    from survey_factory import TEXT_Q, make_project, many

    rows = many(60)
    rows[0][TEXT_Q] = "=cmd|' /C calc'!A0"
    rows[1][TEXT_Q] = "@停车难"
    root = make_project(tmp_path / "p", rows)
    project, _ = open_project(root)
    result = run_survey(project)

    w = survey_files(result)
    text = w.files["survey/responses.csv"].decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text and "'@停车难" in text
    for rel, data in w.files.items():
        if rel.endswith(".csv"):
            for line in data.decode("utf-8-sig").splitlines():
                for field in line.split(","):
                    assert not (len(field) > 1 and field[0] in "=+@" and not field[1:].replace(".", "").isdigit()), (rel, line)


def test_sheet_index_is_neutralised():
    from reportkit.products.sheets import index_csv

    data = index_csv([{"department": "=cmd()", "file": "a.pdf", "items": 1, "pages": 2, "kind": "department",
                       "id": "@x"}]).decode("utf-8-sig")
    assert "'=cmd()" in data and "'@x" in data


# ==== 4. bounded files ===========================================================================
def _fifo(p: Path):
    p.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(p)


def _link(target: str):
    def make(p: Path):
        p.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, p)
    return make


def _sparse(size: int):
    def make(p: Path):
        with open(p, "wb") as fh:
            fh.truncate(size)
    return make


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX")
@pytest.mark.parametrize("rel,make,words", [
    ("narratives/30-x.md", _fifo, "命名管道"),
    ("narratives/30-x.md", _link("/dev/zero"), "项目文件夹之外"),
    ("narratives/30-x.md", _link("/etc/hostname"), "项目文件夹之外"),
    ("narratives/30-x.md", _sparse(64 * 1024 * 1024), "上限"),
    ("data/values.csv", _fifo, "命名管道"),
    ("data/areas.geojson", _link("/dev/zero"), "项目文件夹之外"),
    ("templates/report.toml", _fifo, "命名管道"),
    ("templates/report.toml", _link("/etc/hostname"), "项目文件夹之外"),
    ("project.toml", _sparse(8 * 1024 * 1024), "上限"),
])
def test_only_bounded_regular_files_inside_the_project_are_read(mini, rel, make, words):
    target = mini.root / rel
    if target.exists():
        target.unlink()
    make(target)
    t0 = time.perf_counter()
    r = rk("validate", "--project", str(mini.root), timeout=60)
    assert time.perf_counter() - t0 < 60
    assert r.returncode == 2, r.stderr
    assert rel in r.stderr and words in r.stderr and "Traceback" not in r.stderr


def _xlsx(tmp: Path, rows: list[list], name="t.xlsx") -> Path:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    p = tmp / name
    wb.save(p)
    return p


def _rezip(path: Path, change) -> None:
    src = zipfile.ZipFile(path)
    items = [(i.filename, src.read(i.filename)) for i in src.infolist()]
    src.close()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            z.writestr(name, change(name, data))


def test_an_xlsx_bomb_is_refused_before_parsing(mini):
    values = mini.read("data/values.csv").splitlines()
    mini.remove("data/values.csv")
    p = _xlsx(mini.root / "data", [v.split(",") for v in values], "values.xlsx")
    _rezip(p, lambda n, d: d.replace(b"</sheetData>", b"</sheetData><!--" + b" " * (300 << 20) + b"-->")
           if n == "xl/worksheets/sheet1.xml" else d)
    assert p.stat().st_size < 2 * 1024 * 1024
    t0 = time.perf_counter()
    text = errors_text(mini.root)
    assert time.perf_counter() - t0 < 20
    assert "data/values.xlsx" in text and "压缩" in text


def test_a_sheet_declaring_a_huge_range_and_many_names_is_refused(mini):
    from reportkit.safety.files import FileRefused, check_zip

    p = _xlsx(mini.root, [["a"]])
    _rezip(p, lambda n, d: d.replace(b'<dimension ref="A1:A1"/>', b'<dimension ref="A1:XFE2000000"/>')
           if n == "xl/worksheets/sheet1.xml" else d)
    with pytest.raises(FileRefused) as exc:
        check_zip(p, "t.xlsx", "table")
    assert "A1:XFE2000000" in exc.value.format_message()
    p = _xlsx(mini.root, [["a"]], "n.xlsx")
    names = b"".join(b'<definedName name="n%d">Sheet!$A$1</definedName>' % i for i in range(10_001))
    _rezip(p, lambda n, d: d.replace(b"</sheets>", b"</sheets><definedNames>" + names + b"</definedNames>")
           if n == "xl/workbook.xml" else d)
    with pytest.raises(FileRefused) as exc:
        check_zip(p, "n.xlsx", "table")
    assert "10,001" in exc.value.format_message()


def test_a_csv_with_100000_columns_is_refused_in_linear_time(mini):
    header = ",".join(f"c{i}" for i in range(100_000))
    mini.write("data/departments.csv", header + "\n" + ",".join("1" for _ in range(100_000)) * 1 + "\n")
    assert (mini.root / "data" / "departments.csv").stat().st_size > 600_000
    t0 = time.perf_counter()
    text = errors_text(mini.root)
    assert time.perf_counter() - t0 < 10
    assert "data/departments.csv，第 1 行" in text and "100,000 列" in text


def test_duplicate_columns_are_found_in_linear_time(mini):
    header = ",".join(f"c{i % 8000}" for i in range(16_000))
    mini.write("data/departments.csv", "id,name,kind," + header + "\nzj,甲,市直部门," + ",".join("1" * 16_000) + "\n")
    t0 = time.perf_counter()
    text = errors_text(mini.root)
    assert time.perf_counter() - t0 < 20
    assert "表头中该列名重复出现" in text


def test_a_returned_workbook_with_a_defined_name_over_the_whole_sheet(mini, tmp_path):
    """7 KB that used to take 3.8 GiB: the name is ignored (a warning) and the form is read."""
    from openpyxl.workbook.defined_name import DefinedName

    code, out = cli("tracking", "template", "--project", str(mini.root), "--out", str(tmp_path / "t"))
    returned = tmp_path / "r"
    shutil.copytree(tmp_path / "t" / "tracking", returned)
    p = returned / "zj.xlsx"
    wb = openpyxl.load_workbook(p)
    wb.defined_names["reportkit_department"] = DefinedName("reportkit_department",
                                                           attr_text="reportkit!$A$1:$XFD$1048576")
    wb.worksheets[0]["E5"] = "已开展"
    wb.save(p)
    t0 = time.perf_counter()
    code, out = cli("tracking", "collect", str(returned), "--project", str(mini.root), "--out", str(tmp_path / "o"))
    assert time.perf_counter() - t0 < 30
    assert code == 0, out
    assert "zj.xlsx" in out and "reportkit_department" in out and "单个单元格" in out


# ==== 5. privacy by construction ================================================================
PII = [
    "13800138000", "138.0013.8000", "138_0013_8000", "138/0013/8000", "138 0013 8000", "138-0013-8000",
    "138 - 0013 - 8000", "+86 138 0013 8000", "８６１３８００１３８０００", "１３８００１３８０００", "１３８－００１３－８０００",
    "0769-22334455", "0769 2233 4455", "44190019900101123X", "4419 0019 9001 0112 3X", "４４１９００１９９００１０１１２３Ｘ",
    "someone@example.com", "someone＠example.com", "ｓｏｍｅｏｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "someone @ example . com",
    "someone(at)example.com", "someone@example。com",
]


@pytest.mark.parametrize("form", PII)
def test_personal_data_is_masked_whatever_its_form(form):
    from reportkit.analyse.concerns import MASK, mask_pii, mask_text

    text = f"停车难，联系我{form}，谢谢"
    out = mask_text(text)
    assert MASK in out and out.startswith("停车难，联系我") and out.endswith("，谢谢"), out
    digits = "".join(ch for ch in out if ch.isdigit())
    assert len(digits) < 4, out
    assert list(mask_pii(pd.Series([text]))[0]) == [out]


def test_ordinary_answers_are_not_masked():
    from reportkit.analyse.concerns import mask_text

    for text in ("公交班次少，等车要30分钟", "2020年房价太高", "希望多建3个公园", "３个公园太少（建议增加）"):
        assert mask_text(text) == text


def test_a_question_may_not_take_a_contract_columns_name(mini):
    mini.append("data/survey_questions.csv", "respondent,您的手机号,,text")
    errs = [p for p in problems_of(mini.root).errors if p.source.path == "data/survey_questions.csv"]
    assert errs and errs[0].source.column == "qid" and "respondent" in errs[0].format()


def test_survey_outputs_carry_only_the_contract_columns_and_the_questions(tmp_path):
    from reportkit.load.project import open_project
    from reportkit.score.survey import run_survey
    from survey_factory import TEXT_Q, make_project, many, to_csv, META, LIKERT

    rows = many(60)
    for i, r in enumerate(rows):
        r["phone"] = f"1380013{i:04d}"
        r[TEXT_Q] = "停车难"
    root = make_project(tmp_path / "p", rows)
    (root / "data" / "survey.csv").write_text(to_csv(rows, META + LIKERT + [TEXT_Q, "phone"]), encoding="utf-8")
    project, problems = open_project(root)
    assert any("phone" in p.format() for p in problems.warnings)
    result = run_survey(project)

    w = survey_files(result)
    head = w.files["survey/responses.csv"].decode("utf-8-sig").splitlines()[0].split(",")
    assert "phone" not in head and "respondent" not in head and TEXT_Q in head
    for data in w.files.values():
        assert b"13800130001" not in data and b"h000001" not in data


# ==== 6. unique, safe output names ==============================================================
def test_chart_and_sheet_names_never_collide_and_are_valid_everywhere():
    from reportkit.compose.keys import safe_name
    from reportkit.tracking import file_stem

    assert safe_name("STYJ-01") == "STYJ-01" and file_stem("zrzyj") == "zrzyj"
    assert safe_name("绿地-1") != safe_name("车速-1")
    codes = ["绿地-1", "车速-1", "a/b", "a_b", "a b", "CON", "con.x", "NUL", "com1", "lpt9", "x.", "x ", "", "..",
             "x" * 300, "x" * 301, "长" * 200, "LPT¹"]
    for fn in (safe_name, file_stem):
        names = [fn(c) for c in codes]
        assert len(set(names)) == len(names), names
        for n in names:
            assert 0 < len(n.encode("utf-8")) <= 100 and not n.endswith((".", " "))
            assert n.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT9"}
            assert "/" not in n and "\\" not in n


def test_key_indicators_that_sanitise_alike_get_their_own_charts(mini, tmp_path):
    from reportkit.build import prepare

    for rel in ("data/indicators.csv", "data/values.csv", "data/recommendations.csv", "data/sub_indicators.csv",
                "narratives/10-eco.md"):
        text = mini.read(rel).replace("EC-01", "绿地-1").replace("TR-01", "车速-1")
        mini.write(rel, text)
    ctx, composed = prepare(mini.root, tmp_path / "out", ["report"])
    names = [s.name for s in composed["report"].specs.values()]
    trend = sorted(n for n in names if n.startswith("trend-"))
    assert len(trend) == 2 and trend[0] != trend[1], trend


# ==== 7. no internal error on user input (each a message naming the file) =====================
def _values(mini, old, new):
    mini.replace("data/values.csv", old, new)


CASES = [
    ("nul-name", lambda m: m.replace("data/indicators.csv", "人均公园绿地面积", "人均公园\x00绿地面积"),
     "data/indicators.csv，第 2 行，列 name"),
    ("control-department", lambda m: m.replace("data/departments.csv", "市住房城乡建设局", "市住房\x0b城乡建设局"),
     "data/departments.csv，第 2 行，列 name"),
    ("nested-lists", lambda m: narrative(m, "\n".join("    " * i + "- 项" for i in range(40))),
     "narratives/30-hostile.md，第 16 行"),   # body from line 4; the 13th level is body line 13
    ("nested-quotes", lambda m: narrative(m, ">" * 1000 + " 引文"), "narratives/30-hostile.md，第 4 行"),
    ("nested-emphasis", lambda m: narrative(m, "*" * 3000 + "强调" + "*" * 3000), "narratives/30-hostile.md"),
    ("geojson-nesting", lambda m: m.write("data/areas.geojson", '{"type":"FeatureCollection","features":'
                                          + "[" * 100_000 + "]" * 100_000 + "}"), "data/areas.geojson"),
    ("geojson-nan", lambda m: m.write("data/areas.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature",'
                                      '"properties":{"area":"甲镇"},"geometry":{"type":"Polygon","coordinates":'
                                      '[[[NaN,1],[2,3],[3,1],[NaN,1]]]}}]}'), "data/areas.geojson"),
    ("geojson-flat", lambda m: m.write("data/areas.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature",'
                                       '"properties":{"area":"甲镇"},"geometry":{"type":"Polygon","coordinates":'
                                       '[[[1,1],[1,1],[1,1],[1,1]]]}}]}'), "data/areas.geojson"),
    ("geojson-type", lambda m: m.write("data/areas.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature",'
                                       '"properties":{"area":"甲镇"},"geometry":{"type":"Point","coordinates":[1,2]}}]}'),
     "data/areas.geojson"),
    ("survey-url-5000", lambda m: m.replace("project.toml", 'survey_url = "https://example.org/survey"',
                                            'survey_url = "https://example.org/' + "a" * 5000 + '"'),
     "project.toml，设置项 survey_url"),
    ("yaml-nesting", lambda m: narrative(m, "正文", head="title: x\nmeta: " + "[" * 5000 + "]" * 5000 + "\n"),
     "narratives/30-hostile.md，第 2 行"),
    ("toml-nesting", lambda m: m.append("project.toml", "deep = " + "[" * 5000 + "]" * 5000), "project.toml"),
    ("section-list", lambda m: narrative(m, "正文", head="title: x\nsection: [1]\n"), "narratives/30-hostile.md，第 1 行"),
    ("order-nan", lambda m: narrative(m, "正文", head="title: x\norder: .nan\n"), "narratives/30-hostile.md，第 1 行"),
    ("value-1e300", lambda m: _values(m, "EC-01,甲市,2020,14,,", "EC-01,甲市,2020,1e300,,"),
     "data/values.csv，第 4 行，列 value"),
    ("template-toml-nesting", lambda m: m.write("templates/report.toml", "x = " + "[" * 5000 + "]" * 5000),
     "templates/report.toml"),
]


@pytest.mark.parametrize("name,edit,where", CASES, ids=[c[0] for c in CASES])
def test_user_input_never_causes_an_internal_error(mini, name, edit, where):
    edit(mini)
    code, out = cli("validate", "--project", str(mini.root))
    assert code == 2, out
    assert where in out, out
    assert "内部错误" not in out and "Traceback" not in out


@pytest.mark.parametrize("edit", [
    lambda b: b.replace(b"\n", b",x\ry\n", 2).replace(b",x\ry\n", b"\n", 1),   # an extra field before the CR
    lambda b: b.replace(b"\n", b"\r\"quoted\"\n", 2).replace(b"\r\"quoted\"\n", b"\n", 1),   # quotes in the file
    # the row's separators still add up: pandas would split it in two rows without a word
    lambda b: b"\n".join(line.replace(b",", b",\r", 1) if i == 1 else line for i, line in enumerate(b.split(b"\n"))),
])
def test_a_lone_carriage_return_in_a_row_is_a_problem_with_its_row(mini, edit):
    path = mini.path("data/departments.csv")
    path.write_bytes(edit(path.read_bytes()))
    r = rk("validate", "--project", str(mini.root))
    assert r.returncode == 2, r.stderr
    assert "data/departments.csv，第 2 行" in r.stderr and "回车符" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and "内部错误" not in r.stderr


def test_a_chapter_with_a_hundred_sections_is_numbered_in_chinese():
    from reportkit.fmt import chinese_numeral

    want = {1: "一", 10: "十", 11: "十一", 20: "二十", 99: "九十九", 100: "一百", 101: "一百零一", 110: "一百一十",
            119: "一百一十九", 1000: "一千", 1001: "一千零一", 1010: "一千零一十", 10000: "一万", 100000: "十万",
            100010: "十万零一十", 100000000: "一亿"}
    assert {n: chinese_numeral(n) for n in want} == want


def test_a_hundred_sections_compose(mini, tmp_path):
    from reportkit.build import prepare

    narrative(mini, "\n".join(f"## 第{i}节\n\n正文{i}。\n" for i in range(1, 102)), head="title: 附加\n")
    ctx, composed = prepare(mini.root, tmp_path / "out", ["report"])
    doc = composed["report"].documents[0].doc
    numbers = [h.number for h in doc.headings() if h.text.startswith("第") and h.text.endswith("节")]
    assert numbers[99] == "（一百）" and numbers[100] == "（一百零一）", numbers[98:]


def test_a_300_character_code_makes_short_file_names(mini, tmp_path):
    from reportkit.build import prepare

    long = "EC-" + "9" * 300
    for rel in ("data/indicators.csv", "data/values.csv", "data/recommendations.csv", "data/sub_indicators.csv",
                "narratives/10-eco.md"):
        mini.write(rel, mini.read(rel).replace("EC-01", long))
    ctx, composed = prepare(mini.root, tmp_path / "out", ["report"])
    names = [s.name for s in composed["report"].specs.values()]
    assert any(n.startswith("trend-EC-999") for n in names)
    assert max(len(n.encode()) for n in names) < 120


def test_a_5000_character_survey_url_in_the_qr_code_is_a_message():
    from reportkit.render.png import qr_matrix

    with pytest.raises(ReportkitError) as exc:
        qr_matrix("https://example.org/" + "a" * 5000)
    assert "project.toml，设置项 survey_url" in exc.value.format_message()


@pytest.mark.parametrize("attr_text", ["#REF!", '"2020"&"x"', "'不存在'!$B$3", "[1]Sheet1!$A$1", "reportkit!$B$1:$B$9"])
def test_odd_defined_names_in_returned_workbooks(mini, tmp_path, attr_text):
    from openpyxl.workbook.defined_name import DefinedName

    code, out = cli("tracking", "template", "--project", str(mini.root), "--out", str(tmp_path / "t"))
    returned = tmp_path / "r"
    shutil.copytree(tmp_path / "t" / "tracking", returned)
    p = returned / "zj.xlsx"
    wb = openpyxl.load_workbook(p)
    wb.defined_names["reportkit_year"] = DefinedName("reportkit_year", attr_text=attr_text)
    wb.worksheets[0]["E5"] = "已开展"
    wb.save(p)
    code, out = cli("tracking", "collect", str(returned), "--project", str(mini.root), "--out", str(tmp_path / "o"))
    assert code == 0, out
    assert "zj.xlsx" in out and "reportkit_year" in out and "内部错误" not in out


def test_narrative_whose_text_renders_blank_gives_no_blocks():
    # Markdown skips its tree processors for blank text: a narrative whose body is only
    # a condition that is false (or only whitespace) is an empty chapter, not a crash
    from reportkit.narrative import _markdown_blocks

    for text in ("", "   \n\n", "\n"):
        problems = Problems()
        assert _markdown_blocks(text, problems, None, 2) == []
        assert not problems.errors
