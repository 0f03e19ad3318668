"""data/areas.geojson: the town boundaries drawn in the report's maps, checked as data.

Read with a size limit (safety/files.py), parsed without NaN/Infinity, and walked
without recursion: a FeatureCollection of Polygon / MultiPolygon features, each with
an `area` property, every position two or three finite numbers of a sane size, and
the whole map not flat (it must span some width and height).  Problems name the
file and the feature.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from ..errors import Problems, Source, error
from ..safety.files import FileRefused, read_file
from ..safety.messages import say

MAX_FEATURES = 100_000
MAX_POSITIONS = 5_000_000
MAX_COORD = 1e9          # degrees or metres of any projection are far below this


class _Bad(ValueError):
    pass


def _no_constants(name: str):
    raise _Bad(say("geojson.constant", name=name))


def _positions(kind: str, coords) -> list[list[tuple[float, float]]]:
    """The rings of a Polygon/MultiPolygon as lists of (x, y); _Bad when malformed."""
    polys = [coords] if kind == "Polygon" else coords
    if not isinstance(polys, list):
        raise _Bad(say("geojson.shape"))
    out = []
    for poly in polys:
        if not isinstance(poly, list):
            raise _Bad(say("geojson.shape"))
        for ring in poly:
            if not isinstance(ring, list):
                raise _Bad(say("geojson.shape"))
            pts = []
            for p in ring:
                if not isinstance(p, list) or not 2 <= len(p) <= 3:
                    raise _Bad(say("geojson.shape"))
                xy = []
                for v in p[:2]:
                    if isinstance(v, bool) or not isinstance(v, (int, float)):
                        raise _Bad(say("geojson.shape"))
                    v = float(v)
                    if not math.isfinite(v) or abs(v) > MAX_COORD:
                        raise _Bad(say("geojson.coordinate", value=repr(v)))
                    xy.append(v)
                pts.append((xy[0], xy[1]))
            out.append(pts)
    return out


def load_geojson(path: Path, display: str, problems: Problems, root: Path | None = None) -> dict | None:
    src = Source(display)
    try:
        raw = read_file(path, root, "geojson", display)
    except FileRefused as exc:
        problems.add(exc.problem)
        return None
    try:
        data = json.loads(raw.decode("utf-8-sig"), parse_constant=_no_constants)
    except UnicodeDecodeError:
        problems.add(error(src, say("geojson.encoding")))
        return None
    except json.JSONDecodeError as exc:
        problems.add(error(Source(display, line=exc.lineno), say("geojson.syntax", why=exc.msg)))
        return None
    except _Bad as exc:
        problems.add(error(src, str(exc)))
        return None
    except RecursionError:
        problems.add(error(src, say("geojson.nesting")))
        return None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        problems.add(error(src, say("geojson.top")))
        return None
    features = data.get("features")
    if not isinstance(features, list):
        problems.add(error(src, say("geojson.features")))
        return None
    if len(features) > MAX_FEATURES:
        problems.add(error(src, say("geojson.too_many", n=f"{len(features):,}", limit=f"{MAX_FEATURES:,}")))
        return None
    ok = True
    total = 0
    xs_min = ys_min = math.inf
    xs_max = ys_max = -math.inf
    for i, feat in enumerate(features, start=1):
        props = feat.get("properties") if isinstance(feat, dict) else None
        area = props.get("area") if isinstance(props, dict) else None
        name = str(area).strip() if isinstance(area, (str, int)) and not isinstance(area, bool) else ""
        where = say("geojson.feature_named", i=i, area=name) if name else say("geojson.feature", i=i)
        if not isinstance(feat, dict):
            problems.add(error(src, f"{where}{say('geojson.not_feature')}"))
            ok = False
            continue
        if not name:
            problems.add(error(src, f"{where}{say('geojson.no_area')}"))
            ok = False
        geom = feat.get("geometry")
        kind = geom.get("type") if isinstance(geom, dict) else None
        if kind not in ("Polygon", "MultiPolygon"):
            problems.add(error(src, f"{where}{say('geojson.kind', kind=str(kind)[:40])}"))
            ok = False
            continue
        try:
            rings = _positions(kind, geom.get("coordinates"))
        except _Bad as exc:
            problems.add(error(src, f"{where}{exc}"))
            ok = False
            continue
        for ring in rings:
            total += len(ring)
            for x, y in ring:
                xs_min, xs_max = min(xs_min, x), max(xs_max, x)
                ys_min, ys_max = min(ys_min, y), max(ys_max, y)
        if total > MAX_POSITIONS:
            problems.add(error(src, say("geojson.too_many_points", limit=f"{MAX_POSITIONS:,}")))
            return None
    if ok and total and not (xs_max > xs_min and ys_max > ys_min):
        problems.add(error(src, say("geojson.flat"), hint=say("geojson.flat_hint")))
        ok = False
    return data if ok else None
