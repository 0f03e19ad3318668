"""Generate templates/report.docx and templates/sheet.docx (the Word templates).

Run:  python templates/build_docx_templates.py

The generated files are committed so that a designer can restyle them in Word or
WPS.  The Word writer (reportkit/render/docx.py) relies only on the style NAMES
defined here (and on the cover's Jinja placeholders), never on style ids, so a
template re-saved by Word -- which renames ids such as "Heading1" to "1" in a
Chinese Word -- keeps working.

What a template holds
- styles: Normal, Title, Subtitle, Heading 1-4 (linked to a multilevel list
  一、 / （一） / 1. / （1）), Unnumbered Heading, TOC Heading, TOC 1-3, Caption,
  Figure, Table Text, Table Header, Table Note, Lead, Note, Center, Small,
  Signature, Quote, List Bullet (2), List Number (2), List Continue (2),
  Footnote Text/Reference, Box Title, Cover Line, Cover Badge, Inline Code,
  Hyperlink, Demo Mark, and the table styles Report Table, Box, Box Warning,
  Box Feedback;
- numbering for headings and lists; an empty footnotes part;
- the first page (the cover): Jinja placeholders rendered by docxtpl
  ({{ title }}, {{ subtitle }}, a loop over {{ lines }}, {{ badge }}), ending
  with a section break.  Everything after it is the body section, which the
  writer fills;
- headers with {{ header }} and a {%r if demo %} mark; the footer
  "— {PAGE} —" (report) or "第 {PAGE} 页 / 共 {NUMPAGES} 页" (sheet).

Fonts and colours come from templates/theme.toml ([word], [colors]).
"""
from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from docx import Document  # noqa: E402
from docx.opc.constants import CONTENT_TYPE as CT  # noqa: E402
from docx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: E402
from docx.opc.packuri import PackURI  # noqa: E402
from docx.opc.part import Part  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.parts.hdrftr import FooterPart, HeaderPart  # noqa: E402

from reportkit.theme import load_theme  # noqa: E402
from reportkit.write import normalize_zip  # noqa: E402

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSDECL = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'

# Page geometry (twips).  A4; report margins 2.54 cm top/bottom, 3.17 cm left/right.
A4_W, A4_H = 11906, 16838
PROFILES = {
    "report": dict(top=1440, bottom=1440, left=1800, right=1800, header=851, footer=850,
                   line=360, body_sz=24, title_sz=52, subtitle_sz=32, cover_line_sz=32,
                   cover_page=True, chapter_new_page=True),
    # Department sheets: tighter page, the cover is a title block on page 1.
    "sheet": dict(top=1247, bottom=1247, left=1247, right=1247, header=680, footer=680,
                  line=312, body_sz=24, title_sz=36, subtitle_sz=28, cover_line_sz=24,
                  cover_page=False, chapter_new_page=False),
}


def hexc(c: str) -> str:
    return c.lstrip("#").upper()


def tint(c: str, amount: float) -> str:
    """`c` mixed with white: amount 0 = white, 1 = c."""
    c = c.lstrip("#")
    rgb = [int(c[i:i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(255 - (255 - v) * amount):02X}" for v in rgb)


# --- styles -----------------------------------------------------------------------
def fonts(ea: str, latin: str) -> str:
    return (f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{ea}" '
            f'w:cs="{latin}"/>')


def sz(half_points: int) -> str:
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def pstyle(sid, name, *, based="Normal", nxt=None, ppr="", rpr="", ui=None, link=None,
           default=False, hidden=False) -> str:
    attrs = ' w:default="1"' if default else ""
    out = [f'<w:style w:type="paragraph"{attrs} w:styleId="{sid}"><w:name w:val="{name}"/>']
    if based:
        out.append(f'<w:basedOn w:val="{based}"/>')
    if nxt:
        out.append(f'<w:next w:val="{nxt}"/>')
    if link:
        out.append(f'<w:link w:val="{link}"/>')
    if ui is not None:
        out.append(f'<w:uiPriority w:val="{ui}"/>')
    if hidden:
        out.append("<w:semiHidden/><w:unhideWhenUsed/>")
    out.append("<w:qFormat/>")
    if ppr:
        out.append(f"<w:pPr>{ppr}</w:pPr>")
    if rpr:
        out.append(f"<w:rPr>{rpr}</w:rPr>")
    out.append("</w:style>")
    return "".join(out)


def cstyle(sid, name, rpr, *, ui=None, hidden=False) -> str:
    out = [f'<w:style w:type="character" w:styleId="{sid}"><w:name w:val="{name}"/>'
           '<w:basedOn w:val="DefaultParagraphFont"/>']
    if ui is not None:
        out.append(f'<w:uiPriority w:val="{ui}"/>')
    if hidden:
        out.append("<w:semiHidden/><w:unhideWhenUsed/>")
    out.append(f"<w:rPr>{rpr}</w:rPr></w:style>")
    return "".join(out)


def borders(tag: str, color: str, size: int = 4, inside: bool = True) -> str:
    sides = ["top", "left", "bottom", "right"] + (["insideH", "insideV"] if inside else [])
    inner = "".join(f'<w:{s} w:val="single" w:sz="{size}" w:space="0" w:color="{color}"/>'
                    for s in sides)
    return f"<w:{tag}>{inner}</w:{tag}>"


def tstyle(sid, name, *, tblpr, tcpr="", ppr="", rpr="", cond="") -> str:
    return (f'<w:style w:type="table" w:styleId="{sid}"><w:name w:val="{name}"/>'
            '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
            + (f"<w:pPr>{ppr}</w:pPr>" if ppr else "")
            + (f"<w:rPr>{rpr}</w:rPr>" if rpr else "")
            + f"<w:tblPr>{tblpr}</w:tblPr>"
            + (f"<w:tcPr>{tcpr}</w:tcPr>" if tcpr else "")
            + cond + "</w:style>")


NO_INDENT = '<w:ind w:firstLineChars="0" w:firstLine="0"/>'


def styles_xml(theme, prof, text_width: int) -> str:
    word = theme.word
    col = theme.colors
    body_ea, head_ea = word["body_east_asia"], word["heading_east_asia"]
    latin, head_latin = word["latin"], word["heading_latin"]
    kai = word.get("quote_east_asia", "楷体")
    code_latin = word.get("code_latin", "Consolas")
    text, primary = hexc(col["text"]), hexc(col["primary"])
    muted, accent, secondary = hexc(col["muted"]), hexc(col["accent"]), hexc(col["secondary"])
    grid, header_fill = hexc(col["grid"]), hexc(col["table_header"])
    stripe = hexc(col["table_stripe"])
    line = prof["line"]
    body = prof["body_sz"]
    half = text_width // 2

    s = []
    s.append(pstyle("Normal", "Normal", based=None, default=True, ppr=(
        f'<w:widowControl/><w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="auto"/>'
        '<w:ind w:firstLineChars="200" w:firstLine="480"/><w:jc w:val="both"/>'),
        rpr=fonts(body_ea, latin) + f'<w:color w:val="{text}"/>' + sz(body)))
    s.append('<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
             '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/>'
             '<w:semiHidden/><w:unhideWhenUsed/></w:style>')
    s.append('<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
             '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/>'
             '<w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
             '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
             '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
             '</w:tblCellMar></w:tblPr></w:style>')
    s.append('<w:style w:type="numbering" w:default="1" w:styleId="NoList">'
             '<w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/>'
             '<w:unhideWhenUsed/></w:style>')

    # Cover
    s.append(pstyle("Title", "Title", nxt="Subtitle", ui=10, ppr=(
        '<w:keepNext/><w:keepLines/><w:spacing w:before="0" w:after="240" w:line="240" '
        'w:lineRule="auto"/>' + NO_INDENT + '<w:jc w:val="center"/><w:outlineLvl w:val="9"/>'),
        rpr=fonts(head_ea, head_latin) + f'<w:color w:val="{primary}"/>' + sz(prof["title_sz"])))
    s.append(pstyle("Subtitle", "Subtitle", ui=11, ppr=(
        '<w:spacing w:before="120" w:after="120" w:line="240" w:lineRule="auto"/>' + NO_INDENT
        + '<w:jc w:val="center"/><w:outlineLvl w:val="9"/>'),
        rpr=fonts(kai, latin) + sz(prof["subtitle_sz"])))
    s.append(pstyle("CoverLine", "Cover Line", ppr=(
        '<w:spacing w:before="60" w:after="60" w:line="240" w:lineRule="auto"/>' + NO_INDENT
        + '<w:jc w:val="center"/>'), rpr=fonts(body_ea, latin) + sz(prof["cover_line_sz"])))
    s.append(pstyle("CoverBadge", "Cover Badge", ppr=(
        '<w:spacing w:before="360" w:after="0" w:line="240" w:lineRule="auto"/>' + NO_INDENT
        + '<w:jc w:val="center"/>'),
        rpr=fonts(head_ea, head_latin) + f'<w:color w:val="{accent}"/>' + sz(28)))

    # Headings: 黑体, linked to the multilevel list (numId 1).
    head_specs = [  # size, before, after, first-line indent (twips)
        (32, 360, 240, 0), (28, 240, 120, 480), (24, 120, 60, 480), (24, 60, 0, 480)]
    for lvl, (hsz, before, after, first) in enumerate(head_specs, start=1):
        ind = (f'<w:ind w:left="0" w:firstLineChars="0" w:firstLine="{first}"/>')
        colour = primary if lvl <= 2 else text
        new_page = "<w:pageBreakBefore/>" if lvl == 1 and prof.get("chapter_new_page") else ""
        s.append(pstyle(f"Heading{lvl}", f"heading {lvl}", nxt="Normal", ui=9, ppr=(
            f'<w:keepNext/><w:keepLines/>{new_page}<w:numPr><w:ilvl w:val="{lvl - 1}"/>'
            f'<w:numId w:val="1"/></w:numPr>'
            f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="auto"/>'
            f'{ind}<w:jc w:val="{"center" if new_page else "left"}"/><w:outlineLvl w:val="{lvl - 1}"/>'),
            rpr=fonts(head_ea, head_latin) + f'<w:color w:val="{colour}"/>' + sz(hsz)))
    # Unnumbered chapter-level heading (前言, 附录 …): outline level 1, still in the TOC.
    s.append(pstyle("UnnumberedHeading", "Unnumbered Heading", based="Heading1", nxt="Normal",
                    ui=9, ppr=('<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'
                               '<w:ind w:left="0" w:firstLineChars="0" w:firstLine="0"/>'
                               '<w:jc w:val="center"/><w:outlineLvl w:val="0"/>')))

    # TOC
    s.append(pstyle("TOCHeading", "TOC Heading", nxt="Normal", ui=39, ppr=(
        '<w:keepNext/><w:spacing w:before="240" w:after="240"/>' + NO_INDENT
        + '<w:jc w:val="center"/><w:outlineLvl w:val="9"/>'),
        rpr=fonts(head_ea, head_latin) + f'<w:color w:val="{primary}"/>' + sz(32)))
    toc_tab = f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{text_width}"/></w:tabs>'
    for lvl, (left, ea, tsz) in enumerate([(0, head_ea, 24), (480, body_ea, 24),
                                           (960, body_ea, 22)], start=1):
        s.append(pstyle(f"TOC{lvl}", f"toc {lvl}", nxt="Normal", ui=39, hidden=True, ppr=(
            f'{toc_tab}<w:spacing w:before="{60 if lvl == 1 else 0}" w:after="0" '
            f'w:line="{line}" w:lineRule="auto"/>'
            f'<w:ind w:left="{left}" w:right="0" w:firstLineChars="0" w:firstLine="0"/>'
            '<w:jc w:val="left"/>'), rpr=fonts(ea, latin) + sz(tsz)))

    # Captions, figures, tables
    s.append(pstyle("Caption", "caption", nxt="Normal", ui=35, ppr=(
        '<w:spacing w:before="60" w:after="120" w:line="240" w:lineRule="auto"/>' + NO_INDENT
        + '<w:jc w:val="center"/>'), rpr=fonts(head_ea, head_latin) + sz(21)))
    s.append(pstyle("Figure", "Figure", nxt="Caption", ppr=(
        '<w:keepNext/><w:spacing w:before="120" w:after="0" w:line="240" w:lineRule="auto"/>'
        + NO_INDENT + '<w:jc w:val="center"/>')))
    s.append(pstyle("TableText", "Table Text", ppr=(
        '<w:spacing w:before="0" w:after="0" w:line="264" w:lineRule="auto"/>' + NO_INDENT
        + '<w:jc w:val="left"/>'), rpr=sz(21)))
    s.append(pstyle("TableHeader", "Table Header", based="TableText", ppr=(
        '<w:keepNext/><w:jc w:val="center"/>'),
        rpr=fonts(head_ea, head_latin) + sz(21)))
    s.append(pstyle("Small", "Small", ppr=(
        '<w:spacing w:before="0" w:after="0" w:line="276" w:lineRule="auto"/>' + NO_INDENT),
        rpr=sz(18)))
    s.append(pstyle("TableNote", "Table Note", based="Small", nxt="Normal", ppr=(
        '<w:spacing w:before="60" w:after="180"/>'), rpr=f'<w:color w:val="{muted}"/>'))

    # Paragraph roles
    s.append(pstyle("Lead", "Lead", ppr='<w:spacing w:after="120"/>', rpr=fonts(kai, latin)))
    s.append(pstyle("Note", "Note", ppr='<w:spacing w:line="300" w:lineRule="auto"/>',
                    rpr=f'<w:color w:val="{muted}"/>' + sz(21)))
    s.append(pstyle("Center", "Center", ppr=NO_INDENT + '<w:jc w:val="center"/>'))
    s.append(pstyle("Signature", "Signature", ppr=(
        '<w:spacing w:before="240"/>' + NO_INDENT + '<w:jc w:val="right"/>')))
    s.append(pstyle("Quote", "Quote", ui=29, ppr=(
        '<w:spacing w:before="60" w:after="60"/>'
        '<w:ind w:left="840" w:right="840" w:firstLineChars="0" w:firstLine="0"/>'),
        rpr=fonts(kai, latin) + f'<w:color w:val="{muted}"/>'))

    # Lists (linked to numbering 2 = bullets, 3 = numbers)
    list_ind = ['<w:ind w:left="960" w:hanging="480" w:firstLineChars="0"/>',
                '<w:ind w:left="1440" w:hanging="480" w:firstLineChars="0"/>']
    for lvl, suffix in ((0, ""), (1, " 2")):
        sid_suffix = suffix.strip()
        s.append(pstyle(f"ListBullet{sid_suffix}", f"List Bullet{suffix}", ui=99, ppr=(
            f'<w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="2"/></w:numPr>' + list_ind[lvl])))
        s.append(pstyle(f"ListNumber{sid_suffix}", f"List Number{suffix}", ui=99, ppr=(
            f'<w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="3"/></w:numPr>' + list_ind[lvl])))
        s.append(pstyle(f"ListContinue{sid_suffix}", f"List Continue{suffix}", ui=99, ppr=(
            f'<w:ind w:left="{960 + 480 * lvl}" w:firstLineChars="0" w:firstLine="0"/>')))

    # Footnotes
    s.append(pstyle("FootnoteText", "footnote text", ui=99, hidden=True, ppr=(
        '<w:spacing w:line="240" w:lineRule="auto"/>'
        '<w:ind w:left="180" w:hanging="180" w:firstLineChars="0"/><w:jc w:val="left"/>'),
        rpr=sz(18)))
    s.append(cstyle("FootnoteReference", "footnote reference", '<w:vertAlign w:val="superscript"/>',
                    ui=99, hidden=True))

    # Header / footer
    s.append(pstyle("Header", "header", ui=99, hidden=True, ppr=(
        f'<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="{grid}"/></w:pBdr>'
        f'<w:tabs><w:tab w:val="center" w:pos="{half}"/><w:tab w:val="right" w:pos="{text_width}"/>'
        '</w:tabs><w:spacing w:line="240" w:lineRule="auto"/>' + NO_INDENT
        + '<w:jc w:val="left"/>'), rpr=f'<w:color w:val="{muted}"/>' + sz(18)))
    s.append(pstyle("Footer", "footer", ui=99, hidden=True, ppr=(
        f'<w:tabs><w:tab w:val="center" w:pos="{half}"/><w:tab w:val="right" w:pos="{text_width}"/>'
        '</w:tabs><w:spacing w:line="240" w:lineRule="auto"/>' + NO_INDENT
        + '<w:jc w:val="center"/>'), rpr=sz(18)))

    # Boxes
    s.append(pstyle("BoxTitle", "Box Title", nxt="Normal", ppr=(
        '<w:keepNext/><w:spacing w:before="60" w:after="60"/>' + NO_INDENT),
        rpr=fonts(head_ea, head_latin) + f'<w:color w:val="{primary}"/>'))

    # Character styles
    s.append(cstyle("Hyperlink", "Hyperlink",
                    f'<w:color w:val="{secondary}"/><w:u w:val="single"/>', ui=99))
    s.append(cstyle("InlineCode", "Inline Code",
                    f'<w:rFonts w:ascii="{code_latin}" w:hAnsi="{code_latin}" w:cs="{code_latin}"/>'
                    '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'))
    s.append(cstyle("DemoMark", "Demo Mark",
                    f'<w:b/><w:bCs/><w:color w:val="{accent}"/>'))

    # Table styles
    cell_mar = ('<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
                '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>')
    s.append(tstyle("ReportTable", "Report Table",
                    tblpr=('<w:tblStyleRowBandSize w:val="1"/><w:jc w:val="center"/>'
                           + borders("tblBorders", "808080", 4) + cell_mar),
                    tcpr='<w:vAlign w:val="center"/>',
                    ppr=('<w:spacing w:before="0" w:after="0" w:line="264" w:lineRule="auto"/>'
                         + NO_INDENT),
                    cond=(f'<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr>'
                          f'<w:tblPr/><w:trPr><w:tblHeader/></w:trPr><w:tcPr>'
                          f'<w:shd w:val="clear" w:color="auto" w:fill="{header_fill}"/>'
                          f'</w:tcPr></w:tblStylePr>'
                          f'<w:tblStylePr w:type="band2Horz"><w:tblPr/><w:tcPr>'
                          f'<w:shd w:val="clear" w:color="auto" w:fill="{stripe}"/>'
                          f'</w:tcPr></w:tblStylePr>')))
    box_mar = ('<w:tblCellMar><w:top w:w="113" w:type="dxa"/><w:left w:w="170" w:type="dxa"/>'
               '<w:bottom w:w="113" w:type="dxa"/><w:right w:w="170" w:type="dxa"/></w:tblCellMar>')
    s.append(tstyle("Box", "Box",
                    tblpr='<w:jc w:val="center"/>' + borders("tblBorders", primary, 8) + box_mar,
                    tcpr=f'<w:shd w:val="clear" w:color="auto" w:fill="{tint(col["primary"], 0.06)}"/>'))
    s.append(tstyle("BoxWarning", "Box Warning",
                    tblpr='<w:jc w:val="center"/>' + borders("tblBorders", accent, 8) + box_mar,
                    tcpr=f'<w:shd w:val="clear" w:color="auto" w:fill="{tint(col["accent"], 0.08)}"/>'))
    s.append(tstyle("BoxFeedback", "Box Feedback",
                    tblpr='<w:jc w:val="center"/>' + borders("tblBorders", text, 6) + box_mar,
                    cond=(f'<w:tblStylePr w:type="firstRow"><w:tblPr/><w:tcPr>'
                          f'<w:shd w:val="clear" w:color="auto" w:fill="{header_fill}"/>'
                          f'</w:tcPr></w:tblStylePr>')))

    doc_defaults = (
        '<w:docDefaults><w:rPrDefault><w:rPr>' + fonts(body_ea, latin)
        + '<w:kern w:val="2"/>' + sz(body)
        + '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:widowControl/></w:pPr></w:pPrDefault></w:docDefaults>')
    latent = ('<w:latentStyles w:defLockedState="0" w:defUIPriority="99" w:defSemiHidden="0" '
              'w:defUnhideWhenUsed="0" w:defQFormat="0" w:count="376"/>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {NSDECL}>'
            + doc_defaults + latent + "".join(s) + "</w:styles>")


# --- numbering --------------------------------------------------------------------
def lvl(ilvl, fmt, text, *, pstyle=None, ind="", suff="nothing", rpr="", start=1) -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            + (f'<w:pStyle w:val="{pstyle}"/>' if pstyle else "")
            + f'<w:suff w:val="{suff}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            + (f"<w:pPr>{ind}</w:pPr>" if ind else "")
            + (f"<w:rPr>{rpr}</w:rPr>" if rpr else "") + "</w:lvl>")


def numbering_xml(theme) -> str:
    head_ea, head_latin = theme.word["heading_east_asia"], theme.word["heading_latin"]
    latin = theme.word["latin"]
    hf = fonts(head_ea, head_latin)
    heading_lvls = [
        lvl(0, "chineseCounting", "%1、", pstyle="Heading1", rpr=hf,
            ind='<w:ind w:left="0" w:firstLineChars="0" w:firstLine="0"/>'),
        lvl(1, "chineseCounting", "（%2）", pstyle="Heading2", rpr=hf,
            ind='<w:ind w:left="0" w:firstLineChars="0" w:firstLine="480"/>'),
        lvl(2, "decimal", "%3.", pstyle="Heading3", rpr=hf, suff="space",
            ind='<w:ind w:left="0" w:firstLineChars="0" w:firstLine="480"/>'),
        lvl(3, "decimal", "（%4）", pstyle="Heading4", rpr=hf,
            ind='<w:ind w:left="0" w:firstLineChars="0" w:firstLine="480"/>'),
    ] + [lvl(i, "decimal", f"%{i + 1}.", ind='<w:ind w:left="0" w:firstLine="0"/>')
         for i in range(4, 9)]
    bullet_font = f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:hint="default"/>'
    bullet_lvls = [
        lvl(0, "bullet", "•", pstyle="ListBullet", suff="tab", rpr=bullet_font,
            ind='<w:ind w:left="960" w:hanging="480" w:firstLineChars="0"/>'),
        lvl(1, "bullet", "–", pstyle="ListBullet2", suff="tab", rpr=bullet_font,
            ind='<w:ind w:left="1440" w:hanging="480" w:firstLineChars="0"/>'),
    ] + [lvl(i, "bullet", "•", suff="tab", rpr=bullet_font,
             ind=f'<w:ind w:left="{960 + 480 * i}" w:hanging="480" w:firstLineChars="0"/>')
         for i in range(2, 9)]
    number_lvls = [
        lvl(0, "decimal", "%1.", pstyle="ListNumber", suff="tab",
            ind='<w:ind w:left="960" w:hanging="480" w:firstLineChars="0"/>'),
        lvl(1, "decimal", "（%2）", pstyle="ListNumber2", suff="nothing",
            ind='<w:ind w:left="1440" w:hanging="480" w:firstLineChars="0"/>'),
    ] + [lvl(i, "decimal", f"%{i + 1}.", suff="tab",
             ind=f'<w:ind w:left="{960 + 480 * i}" w:hanging="480" w:firstLineChars="0"/>')
         for i in range(2, 9)]

    def abstract(aid, lvls, name):
        return (f'<w:abstractNum w:abstractNumId="{aid}"><w:multiLevelType w:val="multilevel"/>'
                f'<w:name w:val="{name}"/>' + "".join(lvls) + "</w:abstractNum>")

    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering {NSDECL}>'
            + abstract(1, heading_lvls, "Headings")
            + abstract(2, bullet_lvls, "Bullets")
            + abstract(3, number_lvls, "Numbers")
            + '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
            + '<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>'
            + '<w:num w:numId="3"><w:abstractNumId w:val="3"/></w:num>'
            + "</w:numbering>")


# --- fonts, settings, footnotes ---------------------------------------------------
FONT_TABLE = [  # name, altName, panose, charset, family, pitch
    ("Times New Roman", None, "02020603050405020304", "00", "roman", "variable"),
    ("Arial", None, "020B0604020202020204", "00", "swiss", "variable"),
    ("Consolas", None, "020B0609020204030204", "00", "modern", "fixed"),
    ("宋体", "SimSun", "02010600030101010101", "86", "auto", "variable"),
    ("黑体", "SimHei", "02010609060101010101", "86", "modern", "fixed"),
    ("楷体", "KaiTi", "02010609060101010101", "86", "modern", "fixed"),
]


def font_table_xml() -> str:
    out = []
    for name, alt, panose, charset, family, pitch in FONT_TABLE:
        out.append(f'<w:font w:name="{name}">' + (f'<w:altName w:val="{alt}"/>' if alt else "")
                   + f'<w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>'
                   f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts {NSDECL}>'
            + "".join(out) + "</w:fonts>")


def settings_xml() -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings {NSDECL}>'
            '<w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>'
            '<w:drawingGridHorizontalSpacing w:val="105"/>'
            '<w:drawingGridVerticalSpacing w:val="156"/>'
            '<w:characterSpacingControl w:val="compressPunctuation"/>'
            '<w:footnotePr><w:numFmt w:val="decimalEnclosedCircleChinese"/>'
            '<w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
            '<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/>'
            '<w:doNotLeaveBackslashAlone/><w:ulTrailSpace/><w:doNotExpandShiftReturn/>'
            '<w:adjustLineHeightInTable/><w:useFELayout/>'
            '<w:compatSetting w:name="compatibilityMode" '
            'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
            '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
            '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>')


def footnotes_xml() -> str:
    sep = ('<w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
           '<w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr><w:r>{}</w:r></w:p>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {NSDECL}>'
            '<w:footnote w:type="separator" w:id="-1">' + sep.format("<w:separator/>")
            + '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0">'
            + sep.format("<w:continuationSeparator/>") + "</w:footnote></w:footnotes>")


# --- header, footer, cover --------------------------------------------------------
def run(t: str, rpr: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}<w:t xml:space="preserve">{t}</w:t></w:r>'


def field(instr: str, cached: str) -> str:
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r><w:t>{cached}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')


# The demo mark follows the title instead of sitting at a right tab stop: one header
# serves portrait and landscape sections, and a fixed tab stop would land mid-page on
# landscape pages (positional tabs are not honoured by every word processor).
DEMO = ('<w:r><w:t>{%r if demo %}</w:t></w:r>' + run("\u3000\u3000")
        + run("示例数据", '<w:rStyle w:val="DemoMark"/>') + '<w:r><w:t>{%r endif %}</w:t></w:r>')


def header_xml(with_title: bool) -> str:
    body = run("{{ header }}") if with_title else ""
    return (f'<w:hdr {NSDECL}><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr>'
            + body + DEMO + "</w:p></w:hdr>")


def header_blank_xml() -> str:
    # The cover's own header: no title, no rule; the demo mark only.
    return (f'<w:hdr {NSDECL}><w:p><w:pPr><w:pStyle w:val="Header"/><w:pBdr><w:bottom w:val="nil"/></w:pBdr></w:pPr>'
            '<w:r><w:tab/></w:r>' + DEMO + "</w:p></w:hdr>")


def footer_xml(kind: str) -> str:
    if kind == "report":
        # "— 1 —": the contents are numbered I, II … and the body from 1 on its first page
        # (section page-number restarts written by reportkit/render/docx.py), so a total
        # of all pages would count the cover and contents
        return (f'<w:ftr {NSDECL}><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
                + run("— ") + field("PAGE", "1") + run(" —") + "</w:p></w:ftr>")
    return (f'<w:ftr {NSDECL}><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
            + run("第 ") + field("PAGE", "1") + run(" 页 / 共 ") + field("NUMPAGES", "1")
            + run(" 页") + "</w:p></w:ftr>")


def footer_blank_xml() -> str:
    return f'<w:ftr {NSDECL}><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr></w:p></w:ftr>'


def sect_pr(prof, refs: str, *, title_pg=False, continuous=False, v_center=False) -> str:
    return ("<w:sectPr>" + refs
            + ('<w:type w:val="continuous"/>' if continuous else "")
            + f'<w:pgSz w:w="{A4_W}" w:h="{A4_H}"/>'
            f'<w:pgMar w:top="{prof["top"]}" w:right="{prof["right"]}" w:bottom="{prof["bottom"]}" '
            f'w:left="{prof["left"]}" w:header="{prof["header"]}" w:footer="{prof["footer"]}" '
            'w:gutter="0"/><w:pgNumType w:fmt="decimal"/><w:cols w:space="425"/>'
            + ('<w:vAlign w:val="center"/>' if v_center else "")
            + ("<w:titlePg/>" if title_pg else "")
            + '<w:docGrid w:linePitch="312"/></w:sectPr>')


def para(style: str, content: str = "", ppr_extra: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr_extra}</w:pPr>{content}</w:p>'


def cover_xml(prof) -> str:
    """The cover: Jinja placeholders rendered by docxtpl."""
    big = prof["cover_page"]
    out = [
        para("Title", run("{{ title }}"),
             '<w:spacing w:before="2400"/>' if big else ""),
        para("Subtitle", run("{{ subtitle }}")),
        para("CoverLine", "", '<w:spacing w:before="2400"/>' if big else ""),
        para("CoverLine", run("{%p for line in lines %}")),
        para("CoverLine", run("{{ line }}")),
        para("CoverLine", run("{%p endfor %}")),
        para("CoverBadge", run("{%p if badge %}")),
        para("CoverBadge", run("{{ badge }}")),
        para("CoverBadge", run("{%p endif %}")),
    ]
    return "".join(out)


APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           '<Template>Normal.dotm</Template><Application>reportkit</Application>'
           '<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>'
           '<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>')


# --- assembly ---------------------------------------------------------------------
def build(kind: str, theme) -> bytes:
    prof = PROFILES[kind]
    text_width = A4_W - prof["left"] - prof["right"]
    doc = Document()
    package = doc.part.package

    # Drop what the python-docx default template carries and we do not want.
    for rId, rel in list(package.rels.items()):
        if rel.reltype in (RT.THUMBNAIL,):
            package.rels.pop(rId)
    for rId, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects") or rel.reltype == RT.CUSTOM_XML:
            doc.part.rels.pop(rId)

    doc.part._styles_part._element = parse_xml(styles_xml(theme, prof, text_width).encode())
    doc.part.numbering_part._element = parse_xml(numbering_xml(theme).encode())
    doc.part._settings_part._element = parse_xml(settings_xml().encode())
    font_part = doc.part.part_related_by(RT.FONT_TABLE)
    font_part._element = parse_xml(font_table_xml().encode())

    footnotes = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES,
                     footnotes_xml().encode(), package)
    doc.part.relate_to(footnotes, RT.FOOTNOTES)

    def story(cls, rt, xml):
        part = cls.new(package)
        part._element = parse_xml(xml.encode())
        return doc.part.relate_to(part, rt)

    hdr = story(HeaderPart, RT.HEADER, header_xml(True))
    ftr = story(FooterPart, RT.FOOTER, footer_xml(kind))
    body_refs = (f'<w:headerReference w:type="default" r:id="{hdr}"/>'
                 f'<w:footerReference w:type="default" r:id="{ftr}"/>')
    if prof["cover_page"]:
        hdr0 = story(HeaderPart, RT.HEADER, header_blank_xml())
        ftr0 = story(FooterPart, RT.FOOTER, footer_blank_xml())
        cover_refs = (f'<w:headerReference w:type="first" r:id="{hdr0}"/>'
                      f'<w:footerReference w:type="first" r:id="{ftr0}"/>')
        cover_sect = sect_pr(prof, cover_refs, title_pg=True)
    else:
        cover_sect = sect_pr(prof, body_refs)
    # The section break that ends the cover: the writer appends the body after it.
    cover_end = f'<w:p><w:pPr><w:spacing w:before="0" w:after="0"/>{cover_sect}</w:pPr></w:p>'
    body_sect = sect_pr(prof, body_refs, continuous=not prof["cover_page"])
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<w:document {NSDECL}><w:body>' + cover_xml(prof) + cover_end + body_sect
                + "</w:body></w:document>")
    doc.part._element = parse_xml(document.encode())

    cp = doc.core_properties
    cp.title = ""
    cp.author = ""
    cp.last_modified_by = ""
    cp.comments = ""
    cp.subject = ""
    cp.keywords = ""
    cp.language = "zh-CN"
    cp.revision = 1
    app = package.part_related_by(RT.EXTENDED_PROPERTIES)
    app._blob = APP_XML.encode()
    out = io.BytesIO()
    doc.save(out)
    return normalize_zip(out.getvalue())


def main() -> None:
    theme = load_theme()
    for kind in PROFILES:
        data = build(kind, theme)
        target = HERE / f"{kind}.docx"
        target.write_bytes(data)
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        print(f"wrote {target} ({len(data)} bytes, {len(names)} parts)")


if __name__ == "__main__":
    main()
