"""What goes on each survey-campaign image: a `Canvas` built from the project's
wording (project.toml [campaign]), its figures (survey rows, survey summary)
and the design in templates/promo.toml.

Nothing is drawn or written here.  Each `compose_*` function is pure: given a
`Campaign` (wording), a `Design` (promo.toml) and, for the progress and results
images, the figures, it returns a Canvas for render/png.py.  Every visible
string comes from the project or from promo.toml's [labels].
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReportkitError
from ..fmt import Formatter
from ..messages import join, msg
from ..render import png
from ..render.png import QR, Canvas, Ellipse, Rect, Skyline, Text, TextStyle
from ..theme import Theme, find_template, load_theme
from .ties import extremes, join_names

PROMO_TOML = "promo.toml"
IMAGES = ("cover", "square", "long", "poster", "progress", "results")


# --------------------------------------------------------------------------
# Design (templates/promo.toml)
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Design:
    data: dict
    path: Path
    colors: dict
    styles: dict
    fmt: Formatter
    wording: object = None     # reportkit.wording.Wording over `data`

    @property
    def labels(self) -> dict:
        return self.data.get("labels", {})

    def label(self, key: str, **values) -> str:
        """A [labels] sentence rendered in the narrative sandbox with `values`."""
        if key not in self.labels:
            raise ReportkitError(msg("promo.no_label", path=self.path, key=key))
        return self.wording.say(f"labels.{key}", **values)

    def fill(self, text: str, **values) -> str:
        """Any promo.toml sentence ({{ city }}, {{ year }}…) rendered in the narrative sandbox
        (a sentence the sandbox refuses is a user error naming promo.toml)."""
        return self.wording.say(text, _literal=True, **values)

    def image(self, name: str) -> dict:
        try:
            return self.data["images"][name]
        except KeyError:
            raise ReportkitError(msg("promo.no_image", path=self.path, name=name)) from None

    def get(self, image: str, key: str):
        spec = self.image(image)
        if key not in spec:
            raise ReportkitError(msg("promo.no_image_key", path=self.path, image=image, key=key))
        return spec[key]

    def box(self, image: str, key: str) -> png.Box:
        b = self.get(image, key)
        if not (isinstance(b, list) and len(b) == 4 and all(isinstance(v, int) for v in b)):
            raise ReportkitError(msg("promo.bad_box", path=self.path, image=image, key=key), [])
        return tuple(b)

    def color(self, name: str) -> str:
        return self.colors[name] if name in self.colors else png.hex_color(png.rgb(name))

    def style(self, name: str, **overrides) -> TextStyle:
        try:
            st = self.styles[name]
        except KeyError:
            raise ReportkitError(msg("promo.no_style", path=self.path, name=name)) from None
        if "color" in overrides:
            overrides["color"] = self.color(overrides["color"])
        return dataclasses.replace(st, **overrides) if overrides else st

    @property
    def output(self) -> dict:
        return self.data.get("output", {})


def _theme_color(theme: Theme, ref: str) -> str:
    node = theme.colors
    for part in ref.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ReportkitError(msg("promo.no_theme_color", ref=ref))
        node = node[part]
    return png.hex_color(png.rgb(node))


STYLE_KEYS = {"size", "min_size", "color", "kind", "bold", "spacing", "align", "valign", "max_lines",
              "balance", "words"}


def load_design(project_root: Path | None = None, theme: Theme | None = None,
                terms: dict | None = None) -> Design:
    """promo.toml from the project's templates/ (if it has one), else the built-in one, with
    the project's terms spliced into its labels."""
    path = find_template(PROMO_TOML, project_root)
    theme = theme or load_theme(project_root)
    from ..wording import load_toml

    data = load_toml(PROMO_TOML, project_root, terms=terms)
    key = (str(path), str(theme.path), id(data), id(theme.data))
    if key not in _DESIGNS:
        _DESIGNS[key] = _load_design(Path(path), theme, data)
    return _DESIGNS[key]


_DESIGNS: dict[tuple, Design] = {}


def _load_design(p: Path, theme: Theme, data: dict) -> Design:
    colors = {}
    for name, value in data.get("colors", {}).items():
        if not isinstance(value, str):
            raise ReportkitError(msg("promo.bad_color", path=p, name=name))
        colors[name] = _theme_color(theme, value[6:]) if value.startswith("theme:") else png.hex_color(png.rgb(value))
    styles = {}
    for name, spec in data.get("styles", {}).items():
        unknown = set(spec) - STYLE_KEYS
        if unknown:
            raise ReportkitError(msg("promo.unknown_style_keys", path=p, name=name, keys=join(sorted(unknown))))
        if not isinstance(spec.get("size"), int):
            raise ReportkitError(msg("promo.no_size", path=p, name=name))
        color = spec.get("color", "ink")
        styles[name] = TextStyle(
            size=int(spec["size"]), min_size=int(spec.get("min_size", spec["size"])),
            color=colors[color] if color in colors else png.hex_color(png.rgb(color)),
            kind=spec.get("kind", "sans"), bold=float(spec.get("bold", 0.0)),
            line_spacing=float(spec.get("spacing", 1.4)), align=spec.get("align", "left"),
            valign=spec.get("valign", "top"), max_lines=spec.get("max_lines"),
            balance=bool(spec.get("balance", False)), words=bool(spec.get("words", False)))
    from ..wording import Wording

    fmt = Formatter.from_theme(theme)
    return Design(data, p, colors, styles, fmt, Wording(data, PROMO_TOML, fmt))


# --------------------------------------------------------------------------
# Wording and figures
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Campaign:
    city: str
    year: int
    organisation: str
    url: str
    title: str
    slogan: str
    why: tuple[str, ...]
    duration: str
    deadline: str
    demo: bool = False
    privacy: str = ""
    questions: int = 0                   # likert5 questions in the questionnaire
    dimensions: tuple[str, ...] = ()     # what the questionnaire covers
    seed: str = ""
    end: dt.date | None = None           # the last day of collection ([campaign] deadline as a date)


@dataclass(frozen=True)
class SurveyProgress:
    collected: int
    channels: tuple[tuple[str, int], ...]   # (channel, questionnaires), 线上 / 线下 first
    towns: tuple[tuple[str, int], ...]      # top towns, most questionnaires first
    as_of: dt.date | None = None            # latest submitted_at
    town_count: int | None = None           # the project's towns (None: unknown)


from ..config import CAMPAIGN_ALIASES as ALIASES, CAMPAIGN_KEYS  # noqa: E402  (one list, checked at load)


def _campaign_value(raw: dict, key: str):
    for alias in ALIASES.get(key, (key,)):
        if alias in raw and raw[alias] not in ("", None, []):
            return raw[alias]
    return None


def _as_text(value, key: str) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ReportkitError(msg("promo.campaign_text", key=key), [])
    return value.strip()


def campaign_from_project(project, design: Design) -> Campaign:
    """The campaign wording: project.toml [campaign], else promo.toml [campaign_defaults]."""
    s = project.settings
    raw = dict(s.campaign or {})
    defaults = design.data.get("campaign_defaults", {})
    fill = {"city": s.city, "year": s.year, "organisation": s.organisation}
    values = {}
    for key in CAMPAIGN_KEYS:
        v = _campaign_value(raw, key)
        if v is None:
            v = defaults.get(key, "")
            v = [design.fill(str(x), **fill) for x in v] if isinstance(v, list) else design.fill(str(v), **fill)
        values[key] = v
    why = values["why"]
    if isinstance(why, str):
        why = [line.strip() for line in why.splitlines() if line.strip()]
    if not isinstance(why, list) or not all(isinstance(x, str) for x in why):
        raise ReportkitError(msg("promo.campaign_why"))
    deadline = values["deadline"]
    from ..config import parse_date

    end = parse_date(deadline)
    if isinstance(deadline, (dt.date, dt.datetime)):
        deadline = design.label("date", y=deadline.year, m=deadline.month, d=deadline.day)
    questions, dims = 0, ()
    q = project.df("survey_questions")
    if len(q) and {"kind", "dimension"} <= set(q.columns):
        lik = q[q["kind"] == "likert5"]
        questions = len(lik)
        dims = tuple(dict.fromkeys(d for d in lik["dimension"] if d))
    return Campaign(city=s.city, year=s.year, organisation=s.organisation, url=s.survey_url,
                    title=_as_text(values["title"], "title"), slogan=_as_text(values["slogan"], "slogan"),
                    why=tuple(x.strip() for x in why if x.strip()), duration=_as_text(values["duration"], "duration"),
                    deadline=_as_text(deadline, "deadline"), demo=bool(s.demo),
                    privacy=_as_text(values["privacy"], "privacy") if values["privacy"] else "",
                    questions=questions, dimensions=dims, seed=s.city, end=end)


def survey_progress(project, top: int = 10, channels: tuple[str, ...] | None = None) -> SurveyProgress:
    """Questionnaires collected so far: every row of the survey table, by channel and town
    (the listed `channels` first: by default survey.toml [groups.value_order] channel)."""
    import pandas as pd

    if channels is None:
        from ..wording import load_toml

        root = getattr(project, "root", None)
        channels = tuple(load_toml("survey.toml", root if isinstance(root, Path) else None)
                         ["groups"]["value_order"].get("channel", ()))

    df = project.survey
    collected = len(df)
    counts = df["channel"].value_counts() if "channel" in df.columns else pd.Series(dtype=int)
    chan = [(c, int(counts.get(c, 0))) for c in channels]
    others = sorted(((str(c), int(n)) for c, n in counts.items() if c not in channels and str(c).strip()),
                    key=lambda x: (-x[1], x[0]))
    chan += others
    towns: list[tuple[str, int]] = []
    if "town" in df.columns:
        tc = df["town"].value_counts()
        order = {t: i for i, t in enumerate(project.towns)}
        known = [(t, int(tc.get(t, 0))) for t in order if tc.get(t, 0) > 0]
        towns = sorted(known, key=lambda x: (-x[1], order[x[0]]))[:top]
    as_of = None
    if "submitted_at" in df.columns and collected:
        ts = pd.to_datetime(df["submitted_at"], errors="coerce", format="mixed")
        if ts.notna().any():
            as_of = ts.max().date()
    return SurveyProgress(collected, tuple(chan), tuple(towns), as_of, len(list(project.towns)))


# --------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------
CAMPAIGN_SRC = "project.toml [campaign] {}"


def _badge(c: Canvas, d: Design, camp: Campaign, box: png.Box) -> None:
    """The 示例数据 mark: on every image of a demo project."""
    if not camp.demo:
        return
    c.add(Rect(box, d.color("highlight"), radius=box[3] // 2),
          Text("demo", d.label("demo"), _inset(box, box[3] // 3, 2), d.style("badge")))


def _inset(box: png.Box, dx: int, dy: int) -> png.Box:
    x, y, w, h = box
    return (x + dx, y + dy, w - 2 * dx, h - 2 * dy)


def _visual(c: Canvas, d: Design, camp: Campaign, box: png.Box, near: str, ground: str | None = None,
            artwork: Path | None = None, sun_at: float | None = None) -> None:
    if artwork is not None:
        c.add(png.Artwork(artwork, box))
        return
    v = d.data.get("visual", {})
    brand = d.color("brand")
    layers = tuple(png.mix(brand, "#FFFFFF", t) for t in v.get("layers_on_brand", [0.14, 0.26])) + (near,)
    seed = d.fill(str(v.get("seed", "{{ city }}")), city=camp.city, year=camp.year)
    c.add(Skyline(box, layers, sun=d.color(v["sun"]) if v.get("sun") else None,
                  window=d.color(v["window"]) if v.get("window") else None,
                  ground=ground or near, seed=seed or camp.seed or "reportkit", sun_at=sun_at))


def _rings(c: Canvas, d: Design, boxes) -> None:
    tint = png.mix(d.color("brand"), "#FFFFFF", 0.07)
    for b in boxes:
        c.add(Ellipse(tuple(b), tint))


def _header(c: Canvas, d: Design, camp: Campaign, image: str, artwork: Path | None) -> None:
    """Brand-coloured header with kicker, title, slogan and the key visual (poster, long)."""
    c.add(Rect((0, 0, c.width, d.get(image, "header_height")), d.color("brand")))
    _rings(c, d, [(-160, -200, 520, 520), (c.width - 300, 330, 420, 420)])
    _visual(c, d, camp, d.box(image, "skyline"), near=d.color("paper"), artwork=artwork)
    _badge(c, d, camp, d.box(image, "badge"))
    c.add(Text("kicker", d.label("kicker", city=camp.city, year=camp.year), d.box(image, "kicker"),
               d.style("kicker")),
          Text("title", camp.title, d.box(image, "title"), d.style("title"), CAMPAIGN_SRC.format("title")))
    if camp.slogan:
        c.add(Text("slogan", camp.slogan, d.box(image, "slogan"), d.style("slogan"),
                   CAMPAIGN_SRC.format("slogan")))


def _why_item(c: Canvas, d: Design, i: int, text: str, x: int, y: int, w: int, h: int, style: TextStyle) -> None:
    circle = 56
    cy = y + (h - circle) // 2 if style.valign == "middle" else y
    c.add(Ellipse((x, cy, circle, circle), d.color("brand")),
          Text(f"why.{i}.number", str(i + 1), (x, cy, circle, circle), d.style("item_number")))
    c.add(Text(f"why.{i}", text, _why_text_box(x, y, w, h, style), style, CAMPAIGN_SRC.format("why")))


def _why_text_box(x: int, y: int, w: int, h: int, style: TextStyle, circle: int = 56) -> png.Box:
    tx = x + circle + 24
    if style.valign == "middle":
        return (tx, y, w - (tx - x), h)
    top = y + (circle - style.size) // 2
    return (tx, top, w - (tx - x), h - (top - y))


def _cards(c: Canvas, d: Design, camp: Campaign, box: png.Box, gap: int) -> None:
    """答题时长 / 截止时间 cards (one card when there is no deadline)."""
    items = [("duration", d.label("duration"), camp.duration)]
    if camp.deadline:
        items.append(("deadline", d.label("deadline"), camp.deadline))
    x, y, w, h = box
    cw = (w - gap * (len(items) - 1)) // len(items)
    for i, (key, label, value) in enumerate(items):
        cx = x + i * (cw + gap)
        c.add(Rect((cx, y, cw, h), d.color("brand_tint"), radius=18),
              Rect((cx, y + 20, 8, h - 40), d.color("accent")),
              Text(f"{key}.label", label, (cx + 24, y + 14, cw - 48, 44), d.style("card_label")),
              Text(key, value, (cx + 24, y + 60, cw - 48, h - 74), d.style("card_value"),
                   CAMPAIGN_SRC.format(key)))


def _section_heading(c: Canvas, d: Design, key: str, text: str, box: png.Box) -> None:
    x, y, w, h = box
    c.add(Rect((x, y + 10, 10, h - 20), d.color("accent")),
          Text(key, text, (x + 28, y, w - 28, h), d.style("heading")))


def _footer(c: Canvas, d: Design, camp: Campaign, box: png.Box, lines: list[tuple[str, str, str]]) -> None:
    c.add(Rect(box, d.color("brand_deep")))
    x, y, w, h = box
    n = len(lines)
    lh = h // n
    for i, (key, text, style) in enumerate(lines):
        c.add(Text(key, text, (x + 60, y + i * lh + (6 if n > 1 else 0), w - 120, lh - (6 if n > 1 else 0)),
                   d.style(style)))


def _organiser(d: Design, camp: Campaign) -> str:
    return d.label("organiser", organisation=camp.organisation)


# --------------------------------------------------------------------------
# The images
# --------------------------------------------------------------------------
def _canvas(d: Design, name: str, width: int, height: int, background: str) -> Canvas:
    return Canvas(name, width, height, background, min_contrast=float(d.output.get("min_contrast", 4.5)))


def compose_cover(camp: Campaign, d: Design, artwork: Path | None = None) -> Canvas:
    """WeChat cover 900×383: title and key visual inside the central 383×383 square."""
    w, h = d.get("cover", "size")
    c = _canvas(d, "cover", w, h, d.color("brand"))
    _rings(c, d, d.get("cover", "rings"))
    sx, _, sw, _ = d.box("cover", "safe")
    _visual(c, d, camp, d.box("cover", "skyline"), near=d.color("brand_deep"), artwork=artwork,
            sun_at=(sx + sw * 0.8) / w)
    _badge(c, d, camp, d.box("cover", "badge"))
    c.add(Text("kicker", d.label("kicker", city=camp.city, year=camp.year), d.box("cover", "kicker"),
               d.style("kicker", size=d.get("cover", "kicker_size"), min_size=16)),
          Text("title", camp.title, d.box("cover", "title"),
               d.style("title", size=d.get("cover", "title_size"), min_size=d.get("cover", "title_min")),
               CAMPAIGN_SRC.format("title")))
    return c


def compose_square(camp: Campaign, d: Design, artwork: Path | None = None) -> Canvas:
    w, h = d.get("square", "size")
    c = _canvas(d, "square", w, h, d.color("brand"))
    _rings(c, d, [(-120, -160, 360, 360), (330, 150, 300, 300)])
    _visual(c, d, camp, d.box("square", "skyline"), near=d.color("brand_deep"), artwork=artwork)
    _badge(c, d, camp, d.box("square", "badge"))
    c.add(Text("kicker", d.label("kicker", city=camp.city, year=camp.year), d.box("square", "kicker"),
               d.style("kicker", size=d.get("square", "kicker_size"), min_size=16)),
          Text("title", camp.title, d.box("square", "title"),
               d.style("title", size=d.get("square", "title_size"), min_size=d.get("square", "title_min")),
               CAMPAIGN_SRC.format("title")))
    if camp.slogan:
        c.add(Text("slogan", camp.slogan, d.box("square", "slogan"),
                   d.style("slogan", size=d.get("square", "slogan_size"), min_size=d.get("square", "slogan_min")),
                   CAMPAIGN_SRC.format("slogan")))
    return c


def compose_poster(camp: Campaign, d: Design, artwork: Path | None = None) -> Canvas:
    """Poster 1080×1920 for screens and print: why, how long, deadline and a large QR code."""
    w, h = d.get("poster", "size")
    c = _canvas(d, "poster", w, h, d.color("paper"))
    _header(c, d, camp, "poster", artwork)
    if camp.why:
        _section_heading(c, d, "why.heading", d.label("why_heading"), d.box("poster", "why_heading"))
        x, y, aw, ah = d.box("poster", "why_area")
        body = d.style("body")
        # share the area in proportion to what each reason needs at full size
        need = [max(60, png.text_height(t, body, aw - 80, CAMPAIGN_SRC.format("why"))) + 12 for t in camp.why]
        scale = min(1.0, ah / sum(need))
        slots = [int(n * scale) if scale < 1 else ah // len(need) for n in need]
        # one type size for every reason: the smallest any of them needs
        size = min(png.fit_text(t, body, _why_text_box(x, 0, aw, slots[i] - 12, body),
                                CAMPAIGN_SRC.format("why")).size for i, t in enumerate(camp.why))
        body = dataclasses.replace(body, size=size)
        for i, text in enumerate(camp.why):
            _why_item(c, d, i, text, x, y, aw, slots[i] - 12, body)
            y += slots[i]
    _cards(c, d, camp, d.box("poster", "cards"), d.get("poster", "card_gap"))
    c.add(QR("qr", camp.url, d.box("poster", "qr"), dark=d.color("ink"), light="#FFFFFF",
             min_module=d.get("poster", "qr_min_module")),
          Text("call", d.label("qr_call"), d.box("poster", "call"), d.style("call")),
          Text("qr.hint", d.label("qr_hint_print"), d.box("poster", "qr_hint"),
               d.style("hint", balance=True, words=True)))
    if camp.privacy:
        c.add(Text("privacy", camp.privacy, d.box("poster", "privacy"), d.style("note"),
                   CAMPAIGN_SRC.format("privacy")))
    _footer(c, d, camp, d.box("poster", "footer"), [("organiser", _organiser(d, camp), "footer")])
    return c


def compose_long(camp: Campaign, d: Design, artwork: Path | None = None) -> Canvas:
    """In-article long image, 1080 wide, as tall as its sections need."""
    spec = d.image("long")
    W, m = d.get("long", "width"), d.get("long", "margin")
    inner = W - 2 * m
    gap, item_gap = spec.get("section_gap", 64), spec.get("item_gap", 28)
    c = _canvas(d, "long", W, 1, d.color("paper"))
    _header(c, d, camp, "long", artwork)
    y = d.get("long", "header_height") + 40
    body = d.style("body", valign="top")
    if camp.why:
        _section_heading(c, d, "why.heading", d.label("why_heading"), (m, y, inner, 64))
        y += 64 + 28
        for i, text in enumerate(camp.why):
            th = png.text_height(text, body, inner - 80, CAMPAIGN_SRC.format("why"))
            hh = max(56, th + (56 - body.size) // 2)
            _why_item(c, d, i, text, m, y, inner, hh, body)
            y += hh + item_gap
        y += gap - item_gap
    if camp.dimensions:
        _section_heading(c, d, "contents.heading", d.label("contents_heading"), (m, y, inner, 64))
        y += 64 + 16
        note = d.label("contents_note", questions=camp.questions, dimensions=len(camp.dimensions))
        nh = png.text_height(note, d.style("hint"), inner)
        c.add(Text("contents.note", note, (m, y, inner, nh), d.style("hint")))
        y += nh + 20
        cols, ch, cg = spec.get("chip_columns", 2), spec.get("chip_height", 76), spec.get("chip_gap", 20)
        cw = (inner - cg * (cols - 1)) // cols
        n_dims = len(camp.dimensions)
        for i, dim in enumerate(camp.dimensions):
            r, col = divmod(i, cols)
            in_row = min(cols, n_dims - r * cols)  # the last row may be short: centre it
            x0 = m + (inner - (in_row * cw + (in_row - 1) * cg)) // 2
            box = (x0 + col * (cw + cg), y + r * (ch + cg), cw, ch)
            c.add(Rect(box, d.color("brand_tint"), radius=ch // 2),
                  Text(f"contents.{i}", dim, _inset(box, 24, 6), d.style("chip")))
        rows = -(-len(camp.dimensions) // cols)
        y += rows * (ch + cg) - cg + gap
    _section_heading(c, d, "how.heading", d.label("how_heading"), (m, y, inner, 64))
    y += 64 + 28
    ch = d.get("long", "cards_height")
    _cards(c, d, camp, (m, y, inner, ch), 24)
    y += ch + gap
    qs = d.get("long", "qr_size")
    c.add(QR("qr", camp.url, ((W - qs) // 2, y, qs, qs), dark=d.color("ink"), light="#FFFFFF",
             min_module=d.get("long", "qr_min_module")))
    y += qs + 16
    call = d.style("call", align="center", valign="top")
    c.add(Text("call", d.label("qr_call"), (m, y, inner, 84), call))
    y += 84 + 8
    hint = d.style("hint", align="center")
    hh = png.text_height(d.label("qr_hint_screen"), hint, inner)
    c.add(Text("qr.hint", d.label("qr_hint_screen"), (m, y, inner, hh), hint))
    y += hh + 12
    if camp.privacy:
        note = d.style("note", align="center")
        ph = png.text_height(camp.privacy, note, inner)
        c.add(Text("privacy", camp.privacy, (m, y, inner, ph), note, CAMPAIGN_SRC.format("privacy")))
        y += ph
    y += gap
    fh = d.get("long", "footer_height")
    _footer(c, d, camp, (0, y, W, fh), [("organiser", _organiser(d, camp), "footer")])
    c.height = y + fh
    return c


def _report_header(c: Canvas, d: Design, camp: Campaign, image: str, title: str, subtitle: str) -> None:
    c.add(Rect((0, 0, c.width, d.get(image, "header_height")), d.color("brand")))
    hh = d.get(image, "header_height")
    _rings(c, d, [(c.width - 300, hh - 420, 400, 400), (c.width - 520, -250, 330, 330)])
    _badge(c, d, camp, d.box(image, "badge"))
    c.add(Text("kicker", d.label("survey_kicker", city=camp.city, year=camp.year), d.box(image, "kicker"),
               d.style("kicker", align="left")),
          Text("title", title, d.box(image, "title"),
               d.style("title", align="left", size=d.get(image, "title_size"), balance=False, max_lines=1)))
    if subtitle:
        c.add(Text("subtitle", subtitle, d.box(image, "subtitle"),
                   d.style("kicker", align="left", size=32, min_size=22)))


def _bars(c: Canvas, d: Design, image: str, prefix: str, rows: list[tuple[str, float, str, str]],
          box: png.Box, scale: float) -> None:
    """Horizontal bars: (label, value, shown value, bar colour) per row, 0..scale."""
    x, y, w, h = box
    lw, vw, bh = d.get(image, "label_width"), d.get(image, "value_width"), d.get(image, "bar_height")
    n = max(1, len(rows))
    rh = min(h // n, int(d.image(image).get("row_max", 60)))  # few rows: keep them together
    bx = x + lw + 24
    full = w - lw - 24 - vw - 12
    for i, (label, value, shown, color) in enumerate(rows):
        ry = y + i * rh
        c.add(Text(f"{prefix}.{i}.name", label, (x, ry, lw, rh), d.style("bar_label")))
        c.add(Rect((bx, ry + (rh - bh) // 2, full, bh), d.color("bar_track"), radius=bh // 2))
        length = max(bh, round(full * max(0.0, min(1.0, value / scale)))) if scale > 0 else bh
        c.add(Rect((bx, ry + (rh - bh) // 2, length, bh), color, radius=bh // 2),
              Text(f"{prefix}.{i}.value", shown, (bx + full + 12, ry, vw, rh), d.style("bar_value")))


def _big_number(c: Canvas, d: Design, key: str, number: str, unit: str, box: png.Box) -> None:
    """A headline figure with its unit set smaller after it, on the same baseline."""
    bx, by, bw, bh = box
    big, small = d.style("big_number"), d.style("unit", valign="top")
    lay = png.fit_text(number, big, (bx, by, bw - 140, bh))
    baseline = lay.origins[0][1]
    c.add(Text(key, number, (bx, by, bw - 140, bh), big),
          Text(f"{key}.unit", unit, png.box_for_baseline(small, lay.bbox[2] + 16, baseline, 120), small))


def collection_closed(camp: Campaign, prog: SurveyProgress, today: dt.date | None) -> bool:
    """Is the survey over?  After the campaign's last day (`today` is the build date,
    reportkit.write.build_time), or when the answers already reach that day: an image of
    the whole period is the final tally, not an invitation."""
    if camp.end is None:
        return False
    return (today is not None and today > camp.end) or (prog.as_of is not None and prog.as_of >= camp.end)


def compose_progress(camp: Campaign, prog: SurveyProgress, d: Design, today: dt.date | None = None) -> Canvas:
    """Questionnaires collected so far, by channel and by town (top N).  Once collection is
    over (collection_closed) the image reports the final count and no longer invites."""
    fmt = d.fmt
    w, h = d.get("progress", "size")
    c = _canvas(d, "progress", w, h, d.color("paper"))
    closed = collection_closed(camp, prog, today)
    sub = ""
    if prog.as_of is not None:
        sub = d.label("asof", date=d.label("date", y=prog.as_of.year, m=prog.as_of.month, d=prog.as_of.day))
    _report_header(c, d, camp, "progress", d.label("progress_title_closed" if closed else "progress_title"), sub)
    c.add(Text("collected.label", d.label("collected_closed" if closed else "collected"),
               d.box("progress", "collected_label"), d.style("label")))
    _big_number(c, d, "collected", fmt.int(prog.collected), d.label("copies"), d.box("progress", "big_number"))
    shown = [(ch, n) for ch, n in prog.channels if n > 0] or list(prog.channels[:1])
    # by channel: one stacked bar and a legend -- unless every questionnaire came one way
    # (a single full bar says nothing): the towns then move up into its place
    lift = 0
    if len(shown) > 1:
        _channels(c, d, prog, shown)
    else:
        lift = d.box("progress", "by_town")[1] - d.box("progress", "by_channel")[1]
    # by town
    top = d.get("progress", "town_top")
    towns = list(prog.towns[:top])
    if towns:
        # every town shown: no "the N with most" (that would imply a selection)
        every = prog.town_count is not None and len(towns) >= prog.town_count
        hx, hy, hw, hh = d.box("progress", "by_town")
        _section_heading(c, d, "town.heading", d.label("by_town_all" if every else "by_town", n=len(towns)),
                         (hx, hy - lift, hw, hh))
        biggest = towns[0][1]
        rows = [(t, n, d.label("town_count", n=fmt.int(n)), d.color("brand_mid")) for t, n in towns]
        x, y, bw, bh = d.box("progress", "town_rows")
        rh = bh // top
        _bars(c, d, "progress", "town", rows, (x, y - lift, bw, rh * len(rows)), biggest)
    fx, fy, fw, fh = d.box("progress", "footer")
    if closed:
        end = camp.end
        c.add(Rect((fx, fy, fw, fh), d.color("brand_tint")),
              Text("closed", d.label("closed_call", deadline=camp.deadline or d.label(
                  "date", y=end.year, m=end.month, d=end.day)), d.box("progress", "closed_call"),
                   d.style("call", size=44, min_size=30, valign="middle", align="center", max_lines=1)),
              Text("closed.note", d.label("closed_note"), d.box("progress", "closed_note"),
                   d.style("hint", valign="middle", align="center", color="ink")))
        return c
    # call to action
    c.add(Rect((fx, fy, fw, fh), d.color("brand_tint")),
          QR("qr", camp.url, d.box("progress", "qr"), dark=d.color("ink"), light="#FFFFFF",
             min_module=d.get("progress", "qr_min_module")),
          Text("call", d.label("progress_call"), d.box("progress", "call"),
               d.style("call", size=44, min_size=30, valign="middle", max_lines=1)))
    if camp.deadline:
        c.add(Text("deadline", d.label("deadline_line", deadline=camp.deadline), d.box("progress", "deadline"),
                   d.style("hint", valign="middle", color="ink")))
    return c


def _channels(c: Canvas, d: Design, prog: SurveyProgress, shown: list) -> None:
    """The questionnaires by channel: one stacked bar and its legend."""
    fmt = d.fmt
    _section_heading(c, d, "channel.heading", d.label("by_channel"), d.box("progress", "by_channel"))
    x, y, bw, bh = d.box("progress", "channel_bar")
    palette = [d.color("brand"), d.color("accent"), d.color("brand_mid"), d.color("muted")]
    legend_colors = [d.color("brand"), d.color("accent_text"), d.color("brand_mid"), d.color("muted")]
    total = sum(n for _, n in shown) or 1
    cx = x
    c.add(Rect((x, y, bw, bh), d.color("bar_track"), radius=10))
    for i, (ch, n) in enumerate(shown):
        seg = round(bw * n / total) if i < len(shown) - 1 else x + bw - cx
        if seg > 0:
            c.add(Rect((cx, y, seg, bh), palette[i % len(palette)]))
        cx += seg
    lx, ly, lw, lh = d.box("progress", "channel_legend")
    col = lw // max(1, len(shown))
    for i, (ch, n) in enumerate(shown):
        c.add(Rect((lx + i * col, ly + (lh - 24) // 2, 24, 24), palette[i % len(palette)], radius=4),
              Text(f"channel.{ch}", d.label("channel_item", channel=ch, count=fmt.int(n),
                                            share=fmt.pct(n / (prog.collected or 1))),
                   (lx + i * col + 36, ly, col - 48, lh),
                   d.style("legend", color=legend_colors[i % len(legend_colors)])))


def compose_results(camp: Campaign, summary: dict, d: Design) -> Canvas:
    """Survey results: overall satisfaction, best and worst dimensions, every dimension."""
    fmt = d.fmt
    w, h = d.get("results", "size")
    c = _canvas(d, "results", w, h, d.color("paper"))
    _report_header(c, d, camp, "results", d.label("results_title"),
                   d.label("results_sub", collected=fmt.int(summary["collected"]), valid=fmt.int(summary["valid"])))
    overall = summary.get("overall")
    c.add(Text("overall.label", d.label("overall"), d.box("results", "overall_label"), d.style("label")))
    _big_number(c, d, "overall", fmt.score(overall), d.label("points"), d.box("results", "big_number"))
    dims = {k: v for k, v in (summary.get("dimensions") or {}).items() if v is not None}
    ranked = sorted(dims.items(), key=lambda kv: -kv[1])  # stable: ties keep the summary's order
    if ranked:
        # the report's rule (compose/ties.py): judged as printed, every tied dimension named
        best, worst = extremes(dims)
        x, y, cw, ch = d.box("results", "cards")
        gap = d.get("results", "card_gap")
        if best == worst:     # every dimension prints the same: one card, no "最需提升"
            cards = [("level", d.label("level"), best, d.color("brand"))]
        else:
            cards = [("best", d.label("best"), best, d.color("good")), ("worst", d.label("worst"), worst, d.color("bad"))]
        width = (cw - gap * (len(cards) - 1)) // len(cards)
        for i, (key, label, names, color) in enumerate(cards):
            cx = x + i * (width + gap)
            score = fmt.score(dims[names[0]])
            c.add(Rect((cx, y, width, ch), d.color("bar_track"), radius=18),
                  Rect((cx + 2, y + 2, width - 4, ch - 4), d.color("paper"), radius=16),
                  Rect((cx + 2, y + 2, width - 4, 10), color),
                  Text(f"{key}.label", label, (cx + 20, y + 24, width - 40, 44), d.style("card_label", color=color)),
                  _card_names(d, key, names, cx + 20, y, width - 40),
                  Text(f"{key}.score", d.label("score_tied" if len(names) > 1 else "score", score=score),
                       (cx + 20, y + 132, width - 40, 46), d.style("dim_score", color=color)))
        _section_heading(c, d, "dims.heading", d.label("dims_heading"), d.box("results", "dims_heading"))
        colors = {**{n: d.color("good") for n in best}, **{n: d.color("bad") for n in worst}} if best != worst else {}
        rows = [(name, score, fmt.score(score), colors.get(name, d.color("brand"))) for name, score in ranked]
        x, y, rw, rh = d.box("results", "dim_rows")
        _bars(c, d, "results", "dim", rows, (x, y, rw, rh), 100.0)
    _footer(c, d, camp, d.box("results", "footer"),
            [("thanks", d.label("thanks"), "footer"), ("organiser", _organiser(d, camp), "footer")])
    return c


def _card_names(d: Design, key: str, names: list, x: int, y: int, w: int) -> Text:
    """The dimension(s) of a result card (top at `y`): one name on one line; tied names
    joined on one line, else on two lines broken after a separator (never inside a
    name), else "甲等N个方面" when even two lines cannot hold them."""
    style = d.style("dim_name")
    if len(names) == 1:
        return Text(f"{key}.name", names[0], (x, y + 72, w, 58), style)
    box = (x, y + 68, w, 64)
    sep, last = d.label("name_sep"), d.label("name_last")
    one = join_names(names, sep, last)
    # two lines: the break after the k-th name (and its separator), most even first
    two = sorted((sep.join(names[:k]) + (sep if k < len(names) - 1 else last) + "\n" + join_names(names[k:], sep, last)
                  for k in range(1, len(names))), key=lambda t: (abs(len(t.split("\n")[0]) - len(t.split("\n")[1])), t))
    tries = [(one, dataclasses.replace(style, min_size=max(style.min_size, 32)))]
    tries += [(t, dataclasses.replace(style, max_lines=2, min_size=min(style.min_size, 24), line_spacing=1.2))
              for t in two]
    tries.append((one, dataclasses.replace(style, min_size=min(style.min_size, 24))))
    for text, st in tries:
        try:
            png.fit_text(text, st, box)
        except ReportkitError:
            continue
        return Text(f"{key}.name", text, box, st)
    return Text(f"{key}.name", d.label("names_many", first=names[0], n=len(names)), box, style)


def compose_campaign(camp: Campaign, d: Design, artwork: Path | None = None) -> list[Canvas]:
    """The four campaign images (no survey figures needed)."""
    return [compose_cover(camp, d, artwork), compose_square(camp, d, artwork),
            compose_long(camp, d, artwork), compose_poster(camp, d, artwork)]


def artwork_path(project_root: Path, d: Design) -> Path | None:
    rel = d.output.get("artwork")
    if not rel:
        return None
    p = project_root / rel
    if not p.exists() and not p.is_symlink():
        return None
    from ..safety.files import check_file

    check_file(p, project_root, "image", str(rel))   # a regular image inside the project
    return p
