"""Indicators computed from their parts (contract v2: `formula`, `aggregate`).

A formula is an arithmetic expression of sub-indicator codes, decimal numbers,
`+ - * /` and parentheses, e.g. `STYJ-01-3 / STYJ-01-2 * 100`.  Codes contain
'-', so the known codes are replaced by placeholders first (longest first, and
only where no letter, digit, '_' or '.' touches them); what is left must be a
plain arithmetic expression, which Python's `ast` parses and a small walker
checks node by node.  Nothing is ever given to eval().

`with_computed(project)` returns the project's values plus the computed ones:
- an indicator with a formula, per area and year, wherever every operand has a
  value and no value was filed for the indicator itself (division by zero: no
  value and a warning);
- an indicator with aggregate `sum` or `mean` and no city value: the sum or mean
  of its towns' values, when every town has one.
A `sum` indicator whose towns do not add up to its city value (beyond 1 %) gets a
warning.  Computed rows carry `computed = True`.
"""
from __future__ import annotations

from ..messages import join

import ast
import math
import re
from dataclasses import dataclass, field

import pandas as pd

MAX_LENGTH = 400          # characters of one formula
SUM_TOLERANCE = 0.01      # towns of a `sum` indicator may differ from the city by this share
AGGREGATES = ("sum", "mean", "none")
_PLACEHOLDER = "_k{}_"
_LEFTOVER = re.compile(r"[^\W\d][\w.]*(?:-[\w.]+)*|[0-9][\w.]*[^\W\d][\w.\-]*")
_ALLOWED_TEXT = re.compile(r"^[\s0-9.+\-*/()_keE]*$")
# Full-width forms (U+FF01..FF5E are ASCII + 0xFEE0), × ÷ and the ideographic space read as ASCII.
_FULL_WIDTH = str.maketrans({chr(ord(c) + 0xFEE0): c for c in "()+-*/"} | {"×": "*", "÷": "/", "\u3000": " "})


class FormulaError(ValueError):
    """`kind`: empty | too_long | unknown (detail: the unknown names) | syntax (detail: where)."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Formula:
    text: str
    operands: tuple[str, ...]          # codes in order of first appearance
    tree: ast.AST = field(compare=False, repr=False)

    def evaluate(self, values) -> float:
        """The formula's value for `values` (code -> float).  ZeroDivisionError on a
        division by zero; KeyError when an operand has no value."""
        return _eval(self.tree.body, self.operands, values)


def _eval(node, operands, values) -> float:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return float(values[operands[int(node.id[2:-1])]])
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, operands, values)
        return -v if isinstance(node.op, ast.USub) else v
    a = _eval(node.left, operands, values)
    b = _eval(node.right, operands, values)
    if isinstance(node.op, ast.Add):
        return a + b
    if isinstance(node.op, ast.Sub):
        return a - b
    if isinstance(node.op, ast.Mult):
        return a * b
    if b == 0:
        raise ZeroDivisionError
    return a / b


_CODE_RES: dict[frozenset, re.Pattern] = {}


def _codes_re(codes) -> re.Pattern:
    key = frozenset(codes)
    pat = _CODE_RES.get(key)
    if pat is None:
        alts = "|".join(re.escape(c) for c in sorted(key, key=lambda c: (-len(c), c)))
        pat = re.compile(rf"(?<![\w.])(?:{alts})(?![\w.])") if alts else re.compile(r"(?!x)x")
        if len(_CODE_RES) > 32:
            _CODE_RES.clear()
        _CODE_RES[key] = pat
    return pat


def parse(text: str, codes) -> Formula:
    """Parse `text` against the known sub-indicator `codes`; FormulaError if it is not
    an arithmetic expression of those codes and decimal numbers."""
    src = str(text).translate(_FULL_WIDTH).strip()
    if not src:
        raise FormulaError("empty")
    if len(src) > MAX_LENGTH:
        raise FormulaError("too_long", str(len(src)))
    operands: list[str] = []

    def sub(m):
        code = m.group(0)
        if code not in operands:
            operands.append(code)
        return " " + _PLACEHOLDER.format(operands.index(code)) + " "

    replaced = _codes_re(codes).sub(sub, src)
    unknown = [t for t in _LEFTOVER.findall(replaced) if not re.fullmatch(r"_k\d+_", t)]
    if unknown:
        raise FormulaError("unknown", join(dict.fromkeys(unknown)))
    if not _ALLOWED_TEXT.match(replaced):
        bad = "".join(dict.fromkeys(ch for ch in replaced if not _ALLOWED_TEXT.match(ch)))
        raise FormulaError("syntax", bad)
    try:
        tree = ast.parse(replaced.strip(), mode="eval")
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        raise FormulaError("syntax", src) from None
    for node in ast.walk(tree):
        ok = isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult, ast.Div,
                               ast.UAdd, ast.USub, ast.Load))
        if isinstance(node, ast.Constant):
            ok = isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
        if isinstance(node, ast.Name):
            ok = re.fullmatch(r"_k\d+_", node.id) is not None and int(node.id[2:-1]) < len(operands)
        if not ok:
            raise FormulaError("syntax", src)
    return Formula(src, tuple(operands), tree)


# --- the project's computed values ------------------------------------------------------
@dataclass(frozen=True)
class Note:
    """Something found while computing, for validate to report: `kind` is
    zero_division | town_sum; `row` the indicator's position in data/indicators."""
    kind: str
    code: str
    row: int
    area: str = ""
    year: int = 0
    value: float = math.nan      # town_sum: the towns' sum
    expected: float = math.nan   # town_sum: the city value


@dataclass
class Computed:
    values: pd.DataFrame          # code, area, year, value (+ note, source …), computed
    notes: list[Note]
    formulas: dict[str, Formula]  # indicator code -> parsed formula


def sub_codes(project) -> list[str]:
    sub = project.sub_indicators
    if sub is None or "code" not in sub.columns:
        return []
    return [c for c in sub["code"] if c]


def formulas(project) -> dict[str, Formula]:
    """Indicator code -> its parsed formula (formulas that do not parse are left out:
    validate reports them)."""
    ind = project.df("indicators")
    if "formula" not in ind.columns:
        return {}
    codes = sub_codes(project)
    out = {}
    for code, text in zip(ind["code"], ind["formula"]):
        if str(text).strip():
            try:
                out[code] = parse(text, codes)
            except FormulaError:
                continue
    return out


def aggregates(project) -> dict[str, str]:
    ind = project.df("indicators")
    if "aggregate" not in ind.columns:
        return {}
    return {c: a.strip().lower() for c, a in zip(ind["code"], ind["aggregate"]) if a.strip()}


def with_computed(project) -> Computed:
    """The project's values with every computable value added (see the module doc)."""
    cached = getattr(project, "_computed", None)
    if cached is not None:
        return cached
    result = compute(project, project.values)
    project._computed = result
    return result


def compute(project, values: pd.DataFrame) -> Computed:
    """`values` (the contract's long table, value as float) with every computable value
    added, for the project's formulas, aggregation, city and towns."""
    vals = values.copy()
    vals["computed"] = False
    forms = formulas(project)
    aggs = {c: a for c, a in aggregates(project).items() if a in ("sum", "mean")}
    notes: list[Note] = []
    if not forms and not aggs:
        return Computed(vals, notes, forms)
    rows = {c: i for i, c in enumerate(project.df("indicators")["code"])}
    have = vals.dropna(subset=["value"])
    by_place: dict[tuple, dict[str, float]] = {}
    for code, area, year, value in zip(have["code"], have["area"], have["year"], have["value"]):
        if pd.isna(year):
            continue
        by_place.setdefault((area, int(year)), {})[code] = float(value)
    filed = {(c, a, int(y)) for c, a, y in zip(have["code"], have["area"], have["year"]) if not pd.isna(y)}
    new_rows = []
    for code, f in forms.items():
        for (area, year), known in by_place.items():
            if (code, area, year) in filed or not f.operands or any(o not in known for o in f.operands):
                continue
            try:
                v = f.evaluate(known)
            except ZeroDivisionError:
                notes.append(Note("zero_division", code, rows[code], area, year))
                continue
            if not math.isfinite(v):
                notes.append(Note("zero_division", code, rows[code], area, year))
                continue
            new_rows.append((code, area, year, v))
            known[code] = v
    towns = list(project.towns)
    city = project.city_area
    if towns:
        years = sorted({y for (_, y) in by_place})
        for code, how in aggs.items():
            for year in years:
                tv = [by_place.get((t, year), {}).get(code) for t in towns]
                if any(v is None for v in tv):
                    continue
                total = float(sum(tv))
                cv = by_place.get((city, year), {}).get(code)
                if cv is None:
                    v = total if how == "sum" else total / len(tv)
                    new_rows.append((code, city, year, v))
                    by_place.setdefault((city, year), {})[code] = v
                elif how == "sum":
                    scale = abs(cv) if cv else 1.0
                    if abs(total - cv) > SUM_TOLERANCE * scale:
                        notes.append(Note("town_sum", code, rows[code], city, year, total, cv))
    if new_rows:
        add = pd.DataFrame(new_rows, columns=["code", "area", "year", "value"])
        add["year"] = add["year"].astype("Int64")
        add["computed"] = True
        # a computed value replaces the empty row of the same key, if the table has one
        keys = set(zip(add["code"], add["area"], add["year"].astype(int)))
        import numpy as np

        empty = vals["value"].isna().to_numpy() & np.array(
            [(c, a, int(y)) in keys if not pd.isna(y) else False
             for c, a, y in zip(vals["code"], vals["area"], vals["year"])], dtype=bool)
        vals = pd.concat([vals[~empty], add], ignore_index=True)
        for col in vals.columns:
            if col not in ("value", "year", "computed"):
                vals[col] = vals[col].fillna("")
    return Computed(vals, notes, forms)
