"""The one sandbox for every template a project can supply.

Narratives, the wording of templates/*.toml, templates/html/*.j2 and the Word
templates (docxtpl) are all rendered by a `Sandbox`: Jinja's
ImmutableSandboxedEnvironment, tightened so that a template is data, never code:

- no Jinja default globals (range is a bounded one; lipsum, cycler, joiner,
  namespace and dict are gone) and only a whitelist of filters;
- attributes: a whitelist of str methods, a loop's counters, dict look-ups, and
  what each kind of environment exposes (`Policy`); never `_private` ones, never
  str.format (the width of a format spec is unbounded);
- every operator and method that can grow a string or a list is bounded before it
  runs (`*`, `+`, `~`, `%`, `**`, join, replace); center, ljust, rjust, zfill,
  expandtabs, format … are simply not reachable;
- a budget per render (`Limits`): characters produced, loop iterations and seconds,
  checked while rendering -- at every output, every loop step, every call -- so a
  loop nest or a doubling macro stops within the budget instead of after it;
- only text and numbers are written: a value without a text form of its own (a
  function, `self`, `loop`, a list …) is refused instead of printing its Python
  repr with a memory address.

Refusals raise jinja2.sandbox.SecurityError with a message from
templates/safety.toml; callers turn it into a Problem naming the file and line.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

from jinja2 import BaseLoader, StrictUndefined, TemplateNotFound, nodes, pass_eval_context
from jinja2.environment import Template, TemplateModule
from jinja2.exceptions import TemplateSyntaxError
from jinja2.nodes import EvalContext, Impossible
from jinja2.runtime import LoopContext, Macro, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer
from markupsafe import Markup, escape, soft_str

from .messages import say

__all__ = ["Limits", "Sandbox", "Policy", "DocumentPolicy", "SecurityError", "NARRATIVE", "WORDING", "DOCUMENT", "WORD_TEMPLATE",
           "SafeLoader", "template_error"]


@dataclass(frozen=True)
class Limits:
    chars: int          # characters one render may produce in all (every output counted)
    op_chars: int       # the longest string or list one operation may build
    iterations: int     # loop steps of one render
    seconds: float      # wall time of one render
    range_items: int    # items one range() may give
    power_digits: int = 40   # a number in a report never needs more digits


NARRATIVE = Limits(chars=2_000_000, op_chars=200_000, iterations=100_000, seconds=10.0, range_items=1_000)
WORDING = NARRATIVE
# A whole report or sheet laid out as HTML: every character is counted once per macro
# level it passes through (about 6 for a table cell).
DOCUMENT = Limits(chars=400_000_000, op_chars=20_000_000, iterations=10_000_000, seconds=300.0,
                  range_items=100_000)
WORD_TEMPLATE = Limits(chars=100_000_000, op_chars=20_000_000, iterations=1_000_000, seconds=120.0,
                       range_items=10_000)

STR_METHODS = frozenset({
    "capitalize", "casefold", "count", "endswith", "find", "index", "isalnum", "isalpha", "isascii",
    "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric", "isprintable", "isspace", "istitle",
    "isupper", "join", "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind",
    "rindex", "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase",
    "title", "upper",
})
LOOP_ATTRS = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth",
                        "depth0", "previtem", "nextitem"})
DICT_METHODS = frozenset({"get", "items", "keys", "values"})
SEQ_METHODS = frozenset({"count", "index"})

# Jinja's built-in filters a template may use; growth-capable ones are replaced by bounded versions.
FILTERS = ("abs", "capitalize", "count", "default", "d", "e", "escape", "first", "float", "int", "last",
           "length", "list", "lower", "max", "min", "reject", "rejectattr", "reverse", "round", "select",
           "selectattr", "sort", "striptags", "title", "trim", "truncate", "unique", "upper", "wordcount",
           "safe")

ITER, CONCAT, OUT = "__rk_iter", "__rk_concat", "__rk_out"


class Budget:
    """What one render has spent.  Nested renders (a template importing another) share it."""

    __slots__ = ("limits", "chars", "iters", "deadline", "depth")

    def __init__(self, limits: Limits):
        self.limits = limits
        self.depth = 0
        self.chars = self.iters = 0
        self.deadline = math.inf

    def enter(self) -> None:
        if self.depth == 0:
            self.chars = self.iters = 0
            self.deadline = time.monotonic() + self.limits.seconds
        self.depth += 1

    def leave(self) -> None:
        self.depth -= 1
        if self.depth == 0:
            self.deadline = math.inf

    def spend(self, n: int) -> None:
        self.chars += n
        if self.chars > self.limits.chars:
            raise SecurityError(say("sandbox.output", limit=f"{self.limits.chars:,}"))

    def tick(self) -> None:
        self.iters += 1
        if self.iters > self.limits.iterations:
            raise SecurityError(say("sandbox.iterations", limit=f"{self.limits.iterations:,}"))
        if not self.iters & 63:
            self.clock()

    def clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise SecurityError(say("sandbox.time", seconds=f"{self.limits.seconds:g}"))

    def size(self, n: int) -> None:
        if n > self.limits.op_chars:
            raise SecurityError(say("sandbox.too_long", limit=f"{self.limits.op_chars:,}"))


class Policy:
    """Which attributes of which objects an environment exposes (beyond str, loop, dict)."""

    printable: tuple = ()     # types whose own __str__ may be written (beside str and numbers)

    def allows(self, obj, attr: str) -> bool:
        return False


class DocumentPolicy(Policy):
    """Document templates (HTML, Word) see the public fields and methods of the document
    model (reportkit.document) and nothing of the program around it."""

    modules = frozenset({"reportkit.document"})

    def allows(self, obj, attr: str) -> bool:
        return type(obj).__module__ in self.modules


class BoundedTemplate(Template):
    """Template.render with the environment's budget: output counted as it is produced."""

    def render(self, *args, **kwargs) -> str:
        env = self.environment
        budget: Budget = env.budget
        ctx = self.new_context(dict(*args, **kwargs))
        budget.enter()
        try:
            parts = []
            for chunk in self.root_render_func(ctx):
                budget.spend(len(chunk))
                parts.append(chunk)
            budget.clock()
            return "".join(parts)
        except Exception:
            env.handle_exception()
        finally:
            budget.leave()


class _Guard(NodeTransformer):
    """Rewrites the parsed template so that the budget sees what Jinja does not expose:
    loop steps (`for` iterables are counted), `~` (bounded, text only) and literal
    output inside loops (kept out of the compile-time constant folding, so that
    finalize counts it)."""

    def __init__(self, env):
        self.env = env
        self.loops = 0

    @staticmethod
    def _call(name: str, args: list, lineno: int):
        return nodes.Call(nodes.Name(name, "load", lineno=lineno), args, [], None, None, lineno=lineno)

    def visit_For(self, node):
        node.target = self.visit(node.target)
        node.iter = self._call(ITER, [self.visit(node.iter)], node.lineno)
        self.loops += 1
        try:
            node.body = [self.visit(n) for n in node.body]
            node.else_ = [self.visit(n) for n in node.else_]
            if node.test is not None:
                node.test = self.visit(node.test)
        finally:
            self.loops -= 1
        return node

    def visit_Concat(self, node):
        return self._call(CONCAT, [self.visit(n) for n in node.nodes], node.lineno)

    def visit_Output(self, node):
        node = self.generic_visit(node)
        if self.loops:
            node.nodes = [self._counted(n) for n in node.nodes]
        return node

    def _counted(self, n):
        if isinstance(n, nodes.TemplateData):
            return self._call(OUT, [nodes.MarkSafe(nodes.Const(n.data, lineno=n.lineno), lineno=n.lineno)],
                              n.lineno)
        try:
            n.as_const(EvalContext(self.env))
        except Impossible:
            return n
        except Exception:
            return self._call(OUT, [n], n.lineno)
        return self._call(OUT, [n], n.lineno)


def _kind(value) -> str:
    from jinja2.runtime import TemplateReference

    if isinstance(value, TemplateReference):
        return say("sandbox.kinds.self")
    if isinstance(value, LoopContext):
        return say("sandbox.kinds.loop")
    if isinstance(value, (Macro,)) or callable(value):
        return say("sandbox.kinds.function")
    if isinstance(value, bool):
        return say("sandbox.kinds.bool")
    if isinstance(value, str):
        return say("sandbox.kinds.text")
    if isinstance(value, (int, float)):
        return say("sandbox.kinds.number")
    if isinstance(value, (list, tuple, set, frozenset, range)):
        return say("sandbox.kinds.list")
    if isinstance(value, dict):
        return say("sandbox.kinds.dict")
    return say("sandbox.kinds.object", name=type(value).__name__)


class Sandbox(ImmutableSandboxedEnvironment):
    """See the module docstring.  `limits` is the budget of one render, `policy` the
    attributes it exposes; `filters` adds the environment's own filters."""

    template_class = BoundedTemplate
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *, limits: Limits = NARRATIVE, policy: Policy | None = None, filters: dict | None = None,
                 **kwargs):
        kwargs.setdefault("undefined", StrictUndefined)
        kwargs.setdefault("autoescape", False)
        kwargs.setdefault("loader", None)
        super().__init__(finalize=self._finalize, **kwargs)
        self.limits = limits
        self.budget = Budget(limits)
        self.policy = policy or Policy()
        self.globals.clear()
        self.globals.update({"range": self._range, ITER: self._iter, CONCAT: self._concat, OUT: self._out})
        keep = {k: self.filters[k] for k in FILTERS if k in self.filters}
        self.filters.clear()
        self.filters.update(keep)
        self.filters.update({"join": self._join, "replace": self._replace, "string": self._string})
        self.filters.update(filters or {})

    # -- parsing ------------------------------------------------------------------------
    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        tree = _Guard(self).visit(tree)
        tree.set_environment(self)
        return tree

    # -- what may be written ------------------------------------------------------------
    def text_of(self, value) -> str:
        """`value` as the text a document may show, or SecurityError."""
        if isinstance(value, str):
            return value
        if isinstance(value, Undefined):
            return str(value)     # StrictUndefined / unsafe attribute: raises its own error
        if isinstance(value, bool):
            raise SecurityError(say("sandbox.not_text", kind=_kind(value)))
        if isinstance(value, (int, float)):
            return str(value)
        if value is None:
            return ""
        if self.policy.printable and isinstance(value, self.policy.printable) \
                and type(value).__str__ is not object.__str__:
            return str(value)
        raise SecurityError(say("sandbox.not_text", kind=_kind(value)))

    def _finalize(self, value):
        text = self.text_of(value)
        self.budget.spend(len(text))
        return "" if value is None else value

    # -- attributes -----------------------------------------------------------------------
    def is_safe_attribute(self, obj, attr, value) -> bool:
        if attr.startswith("_"):
            return False
        if isinstance(obj, str):
            return attr in STR_METHODS
        if isinstance(obj, LoopContext):
            return attr in LOOP_ATTRS
        if isinstance(obj, dict):
            return attr in DICT_METHODS
        if isinstance(obj, (list, tuple)):
            return attr in SEQ_METHODS
        if isinstance(obj, TemplateModule):
            return True
        if isinstance(obj, (int, float, bool, Macro, Undefined)) or obj is None:
            return False
        return self.policy.allows(obj, attr) and super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value):
        return None    # str.format is refused like any method outside STR_METHODS

    def _bounded_method(self, obj, attr):
        if isinstance(obj, str) and attr in ("join", "replace"):
            fn = self._join_str if attr == "join" else self._replace_str
            return lambda *a, **kw: fn(obj, *a, **kw)
        return None

    def getattr(self, obj, attribute):
        if isinstance(obj, Undefined):
            obj._fail_with_undefined_error()     # "'cycler' is undefined", not "unsafe __init__"
        b = self._bounded_method(obj, attribute)
        return b if b is not None else super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        if isinstance(obj, Undefined):
            obj._fail_with_undefined_error()
        if isinstance(argument, str):
            b = self._bounded_method(obj, argument)
            if b is not None:
                return b
        return super().getitem(obj, argument)

    def unsafe_undefined(self, obj, attribute):
        return self.undefined(say("sandbox.attribute", attribute=attribute, kind=_kind(obj)),
                              name=attribute, obj=obj, exc=SecurityError)

    # -- calls and operators ------------------------------------------------------------------
    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        __self.budget.clock()
        if isinstance(__obj, LoopContext) and args:    # a recursive loop's next level is counted too
            args = (__self._iter(args[0]),) + args[1:]
        if not __self.is_safe_callable(__obj) or isinstance(__obj, type):
            raise SecurityError(say("sandbox.call"))
        return __context.call(__obj, *args, **kwargs)

    def call_binop(self, context, operator, left, right):
        seqs = (str, list, tuple)
        if operator == "+":
            if isinstance(left, seqs) and isinstance(right, seqs):
                self.budget.size(len(left) + len(right))
            return left + right
        if operator == "*":
            if isinstance(left, seqs) or isinstance(right, seqs):
                seq, n = (left, right) if isinstance(left, seqs) else (right, left)
                if isinstance(n, int):
                    self.budget.size(len(seq) * max(n, 0))
            elif isinstance(left, int) and isinstance(right, int):
                self._digits(_digits(left) + _digits(right))
            return left * right
        if operator == "**":
            if isinstance(left, (int, float)) and isinstance(right, (int, float)):
                if abs(right) * math.log10(max(abs(left), 2)) > self.limits.power_digits:
                    raise SecurityError(say("sandbox.power"))
            return left ** right
        if operator == "%":
            if isinstance(left, str):
                raise SecurityError(say("sandbox.percent"))
            return left % right
        return super().call_binop(context, operator, left, right)

    def _digits(self, n: float) -> None:
        if n > self.limits.power_digits:
            raise SecurityError(say("sandbox.power"))

    # -- helpers the rewritten template calls ---------------------------------------------------
    def _range(self, *args):
        try:
            r = range(*args)
            n = len(r)
        except OverflowError:
            n = math.inf
        if n > self.limits.range_items:
            raise SecurityError(say("sandbox.range", limit=f"{self.limits.range_items:,}"))
        return r

    def _iter(self, iterable):
        tick = self.budget.tick
        for item in iterable:
            tick()
            yield item

    @pass_eval_context
    def _concat(self, eval_ctx, *parts):
        texts = [self.text_of(p) for p in parts]
        self.budget.size(sum(map(len, texts)))
        if eval_ctx.autoescape:
            return Markup("").join(p if hasattr(p, "__html__") else escape(t) for p, t in zip(parts, texts))
        return "".join(texts)

    @staticmethod
    def _out(value):
        return value

    # -- bounded filters and methods ------------------------------------------------------------
    @pass_eval_context
    def _join(self, eval_ctx, value, d="", attribute=None):
        items = list(value) if not isinstance(value, str) else list(value)
        if attribute is not None:
            items = [self.getattr(x, attribute) for x in items]
        texts = [self.text_of(x) for x in items]
        sep = self.text_of(d)
        self.budget.size(sum(map(len, texts)) + len(sep) * max(len(texts) - 1, 0))
        if eval_ctx.autoescape:
            return Markup(escape(d) if not hasattr(d, "__html__") else d).join(
                x if hasattr(x, "__html__") else escape(t) for x, t in zip(items, texts))
        return sep.join(texts)

    def _join_str(self, sep: str, items):
        items = list(items)
        texts = [self.text_of(x) for x in items]
        self.budget.size(sum(map(len, texts)) + len(sep) * max(len(texts) - 1, 0))
        return sep.join(texts)

    def _replace_size(self, s: str, old: str, new: str, count) -> None:
        hits = (len(s) + 1) if old == "" else s.count(old)
        if count is not None and count >= 0:
            hits = min(hits, count)
        self.budget.size(len(s) + hits * (len(new) - len(old)))

    def _replace_str(self, s: str, old, new, count=-1):
        old, new = self.text_of(old), self.text_of(new)
        self._replace_size(s, old, new, count)
        return s.replace(old, new, count)

    @pass_eval_context
    def _replace(self, eval_ctx, s, old, new, count=None):
        if not eval_ctx.autoescape:
            s, old, new = self.text_of(s), self.text_of(old), self.text_of(new)
        else:
            if (hasattr(old, "__html__") or hasattr(new, "__html__")) and not hasattr(s, "__html__"):
                s = escape(s)
            else:
                s = soft_str(s)
            old, new = soft_str(old), soft_str(new)
        self._replace_size(s, old, new, count)
        return s.replace(old, new, -1 if count is None else count)

    def _string(self, value):
        return self.text_of(value)


def _digits(n: int) -> float:
    return abs(n).bit_length() * 0.30103


# --- loading templates from folders ----------------------------------------------------------
class SafeLoader(BaseLoader):
    """Templates from a few folders (the project's templates first, then the built-in
    ones), never through a link or a name leading out of its folder, regular files only,
    of a bounded size."""

    def __init__(self, folders, max_bytes: int = 2 * 1024 * 1024):
        self.folders = [Path(f) for f in folders]
        self.max_bytes = max_bytes

    def get_source(self, environment, template):
        from .files import check_file

        parts = [p for p in template.replace("\\", "/").split("/") if p]
        if not parts or any(p in (".", "..") for p in parts):
            raise TemplateNotFound(template)
        for folder in self.folders:
            path = folder.joinpath(*parts)
            if not path.exists() and not path.is_symlink():
                continue
            check_file(path, folder, "template", display=str(path))
            data = path.read_bytes()
            try:
                source = data.decode("utf-8")
            except UnicodeDecodeError:
                raise TemplateSyntaxError(say("files.not_utf8"), 1, template, str(path)) from None
            mtime = path.stat().st_mtime
            return source, str(path), lambda p=path, m=mtime: p.exists() and p.stat().st_mtime == m
        raise TemplateNotFound(template)


# --- a template's failure as a user error ------------------------------------------------------
def template_location(exc: BaseException) -> tuple[str | None, int | None]:
    """(template file, line) where `exc` was raised inside a template, from the traceback
    Jinja rewrites so that template frames carry the template's file name and line."""
    if isinstance(exc, TemplateSyntaxError):
        return exc.filename or exc.name, exc.lineno
    where = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if not name.endswith(".py") and not name.startswith("<frozen"):
            where = (name, tb.tb_lineno)
        tb = tb.tb_next
    return where


def template_error(exc: BaseException, display=None, roots: dict | None = None, line: bool = True):
    """A ReportkitError (exit 2) naming the template file and line for a template that
    failed: refused by the sandbox, a syntax error, an unknown name, too deep a recursion.
    `roots` maps folders to how they are shown ("templates/" of the project …)."""
    from jinja2 import UndefinedError

    from ..errors import ReportkitError, Source, error

    name, where = template_location(exc)
    where = where if line else None
    shown = display or name or say("template.unknown")
    if name and roots:
        for folder, label in roots.items():
            try:
                shown = label + Path(name).resolve().relative_to(Path(folder).resolve()).as_posix()
                break
            except ValueError:
                continue
    if isinstance(exc, TemplateSyntaxError):
        what = say("template.syntax", why=exc.message)
    elif isinstance(exc, SecurityError):
        what = say("template.refused", why=str(exc))
    elif isinstance(exc, UndefinedError):
        what = say("template.undefined", why=exc.message)
    elif isinstance(exc, RecursionError):
        what = say("template.refused", why=say("sandbox.recursion"))
    else:
        what = say("template.failed_with", why=f"{type(exc).__name__}: {exc}")
    return ReportkitError(say("template.failed"), [error(Source(shown, line=where), what, hint=say("template.hint"))])


TEMPLATE_ERRORS = (TemplateSyntaxError, SecurityError, RecursionError)
