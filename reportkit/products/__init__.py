"""Products: thin compositions over the pipeline stages.

A product is an object with a `name`, the `needs` it declares (which tables,
whether it needs scores, the survey, the narratives) and a `compose(ctx)`
method that turns the build's hand-off objects (`reportkit.build.BuildContext`)
into a `Composed`: Documents to render, charts to draw and ready-made files
(CSV, XLSX, images).  A product never writes: `reportkit.build.build()` draws,
renders and hands everything to the one Writer.

Adding a product is one folder under `reportkit/products/` with a `PRODUCT`
object in its `__init__.py`, one entry in `REGISTRY` and one CLI line.
See docs/architecture.md.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

from ..errors import ReportkitError

#: product name -> module under reportkit.products that defines PRODUCT;
#: `reportkit build` makes them in this order.
REGISTRY: dict[str, str] = {
    "results": "results",
    "survey": "results",
    "report": "report",
    "sheets": "sheets",
    "tracking": "tracking",
    "tracking-collect": "tracking",
    "promo": "promo",
    "intake": "intake",
    "intake-collect": "intake",
    "intake-status": "intake",
    "assess": "assess",      # several yearly checkups: `reportkit assess`, not part of ALL
}

#: what `reportkit build` makes when no product is named
ALL = ("results", "survey", "report", "sheets", "tracking", "promo")

#: the survey is needed (a user error stops the build), wanted (used when it can be
#: computed: promo before the first answers) or not read at all
SURVEY_NONE, SURVEY_OPTIONAL, SURVEY_REQUIRED = "none", "optional", "required"


@dataclass(frozen=True)
class Needs:
    tables: tuple[str, ...] | None = None   # required tables to read (None: all of them)
    scores: bool = True
    survey: str = SURVEY_NONE
    narratives: bool = False                # narratives are rendered (checked by the composer)
    previous: bool = False                  # last year's checkup (v2 `previous`) is loaded


@dataclass(frozen=True)
class DocJob:
    """One Document to render.  `stem` is the output path without extension
    (e.g. "report", "sheets/zjj"); `template` the Word template's name."""

    stem: str
    doc: object                              # reportkit.document.Document
    formats: tuple[str, ...] = ("pdf", "docx")
    template: str = "report.docx"


@dataclass
class Composed:
    """What a product hands to the build: nothing here is on disk yet."""

    documents: list[DocJob] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)    # relative path -> bytes
    outside: dict = field(default_factory=dict)                # Path outside --out -> bytes (project data/)
    specs: dict = field(default_factory=dict)                  # chart name -> ChartSpec
    # called with {stem: Rendered} once every document is laid out; returns more files
    # (e.g. sheets/index.csv with each sheet's page count)
    finish: Callable[[dict], dict[str, bytes]] | None = None
    summary: str = ""                                          # one line for the terminal
    data: object = None                                        # the product's own result

    def add(self, rel: str, data: bytes | str) -> None:
        """A ready-made file (the Writer's add(), for code that fills a writer)."""
        self.files[rel] = data.encode("utf-8") if isinstance(data, str) else data


def get(name: str):
    """The PRODUCT object of a registered product (imported on first use)."""
    module = REGISTRY.get(name)
    if module is None:
        raise ReportkitError(f"unknown product {name!r}; known: {', '.join(REGISTRY)}")
    mod = importlib.import_module(f"{__name__}.{module}")
    products = getattr(mod, "PRODUCTS", None)
    if products is not None:
        return products[name]
    return mod.PRODUCT
