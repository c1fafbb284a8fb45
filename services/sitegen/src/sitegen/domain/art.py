# ruff: noqa: RUF002, RUF003 -- typographic dashes, quotes and × are intended in user-facing copy
"""Offline SVG art: the last link of the image chain.

Deterministic (variation from a hash of the key), sector-themed simple shapes in the theme colours, small
(< 3 KB each). Safe by construction: the markup is built only from integers, validated #rrggbb colours and
XML-escaped text — no attribute ever carries caller text, and there is no script, link or external reference.
"""

from __future__ import annotations

import hashlib
import re
from xml.sax.saxutils import escape

_HEX = re.compile(r"^#[0-9a-f]{6}$")

# Motifs drawn in a 120×120 box centred near (60, 52). {b} brand, {d} dark, {l} light, {a} accent.
_MOTIFS: dict[str, str] = {
    "grocery": (
        '<circle cx="60" cy="58" r="24" fill="{b}"/>'
        '<ellipse cx="70" cy="30" rx="12" ry="6" transform="rotate(-30 70 30)" fill="{d}"/>'
        '<path d="M60 34 Q62 26 66 22" stroke="{d}" stroke-width="3" fill="none"/>'
        '<circle cx="52" cy="50" r="5" fill="#ffffff" opacity=".35"/>'
    ),
    "restaurant": (
        '<path d="M28 52 H92 A32 28 0 0 1 28 52 Z" fill="{b}"/>'
        '<rect x="40" y="82" width="40" height="5" rx="2" fill="{d}"/>'
        '<path d="M50 44 q-6 -8 0 -16 M60 44 q-6 -8 0 -16 M70 44 q-6 -8 0 -16" stroke="{a}" '
        'stroke-width="3" fill="none" stroke-linecap="round"/>'
    ),
    "bakery": (
        '<rect x="32" y="56" width="56" height="26" rx="4" fill="{b}"/>'
        '<rect x="38" y="40" width="44" height="18" rx="4" fill="{d}"/>'
        '<path d="M32 60 q7 6 14 0 t14 0 t14 0 t14 0" stroke="#ffffff" stroke-width="3" fill="none"/>'
        '<circle cx="60" cy="34" r="5" fill="{a}"/>'
    ),
    "clinic": (
        '<circle cx="60" cy="56" r="30" fill="{b}"/>'
        '<rect x="53" y="38" width="14" height="36" rx="2" fill="#ffffff"/>'
        '<rect x="42" y="49" width="36" height="14" rx="2" fill="#ffffff"/>'
    ),
    "pharmacy": (
        '<g transform="rotate(-35 60 56)"><rect x="30" y="44" width="60" height="24" rx="12" fill="{b}"/>'
        '<path d="M60 44 H78 A12 12 0 0 1 78 68 H60 Z" fill="{d}"/></g>'
        '<circle cx="86" cy="84" r="7" fill="{a}"/><circle cx="34" cy="30" r="4" fill="{a}"/>'
    ),
    "fashion": (
        '<path d="M44 28 L30 38 L36 52 L44 48 V88 H76 V48 L84 52 L90 38 L76 28 Q60 40 44 28 Z" fill="{b}"/>'
        '<path d="M52 30 Q60 38 68 30" stroke="{d}" stroke-width="3" fill="none"/>'
        '<circle cx="60" cy="56" r="3" fill="{a}"/><circle cx="60" cy="68" r="3" fill="{a}"/>'
    ),
    "electronics": (
        '<rect x="42" y="22" width="36" height="66" rx="6" fill="{d}"/>'
        '<rect x="46" y="30" width="28" height="48" rx="2" fill="{b}"/>'
        '<circle cx="60" cy="83" r="2.5" fill="#ffffff"/>'
        '<path d="M84 40 q6 8 0 16 M90 34 q10 14 0 28" stroke="{a}" stroke-width="3" fill="none"/>'
    ),
    "salon": (
        '<circle cx="44" cy="76" r="9" fill="none" stroke="{b}" stroke-width="5"/>'
        '<circle cx="76" cy="76" r="9" fill="none" stroke="{b}" stroke-width="5"/>'
        '<path d="M49 68 L76 26 M71 68 L44 26" stroke="{d}" stroke-width="5" stroke-linecap="round"/>'
        '<circle cx="60" cy="52" r="3" fill="{a}"/>'
    ),
}


def _h(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def _colour(value: str, fallback: str) -> str:
    v = (value or "").lower()
    return v if _HEX.match(v) else fallback


def _label(text: str, limit: int) -> str:
    t = " ".join((text or "").split())
    if len(t) > limit:
        t = t[: limit - 1].rstrip() + "…"
    return escape(t)


def product_svg(key: str, label: str, sector: str, brand: str, dark: str, light: str, accent: str) -> str:
    """A 600×600 product tile. `key` (e.g. the product id) drives the small variations."""
    h = _h(key)
    b, d = _colour(brand, "#16a34a"), _colour(dark, "#14532d")
    li, a = _colour(light, "#f0fdf4"), _colour(accent, "#b45309")
    motif = _MOTIFS.get(sector, _MOTIFS["grocery"]).format(b=b, d=d, l=li, a=a)
    rot = h[0] % 21 - 10
    bx, by, br = 20 + h[1] % 80, 14 + h[2] % 30, 18 + h[3] % 22
    safe = _label(label, 26)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" width="600" height="600" role="img">'
        f"<title>{safe}</title>"
        f'<rect width="120" height="120" fill="{li}"/>'
        f'<circle cx="{bx}" cy="{by}" r="{br}" fill="{b}" opacity=".12"/>'
        f'<circle cx="{120 - bx}" cy="{110 - by // 2}" r="{br // 2 + 6}" fill="{a}" opacity=".10"/>'
        f'<g transform="rotate({rot} 60 56)">{motif}</g>'
        f'<text x="60" y="110" text-anchor="middle" font-family="system-ui,sans-serif" font-size="8" '
        f'font-weight="600" fill="{d}">{safe}</text>'
        "</svg>"
    )


def hero_svg(key: str, title: str, sector: str, brand: str, dark: str, light: str, accent: str) -> str:
    """A 1200×600 hero banner: three motifs on a tinted band (the page sets its own heading text)."""
    h = _h(key)
    b, d = _colour(brand, "#16a34a"), _colour(dark, "#14532d")
    li, a = _colour(light, "#f0fdf4"), _colour(accent, "#b45309")
    motif = _MOTIFS.get(sector, _MOTIFS["grocery"]).format(b=b, d=d, l=li, a=a)
    parts = []
    for i, (x, s) in enumerate(((18, 70), (88, 100), (168, 70))):
        rot = h[i] % 25 - 12
        y = 10 + (h[i + 3] % 16) if s < 100 else 4
        scale = s / 120
        parts.append(f'<g transform="translate({x} {y}) scale({scale:.3f}) rotate({rot} 60 56)">{motif}</g>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 120" width="1200" height="600" role="img">'
        f"<title>{_label(title, 60)}</title>"
        f'<rect width="240" height="120" fill="{li}"/>'
        f'<circle cx="{30 + h[6] % 60}" cy="{h[7] % 40}" r="46" fill="{b}" opacity=".10"/>'
        f'<circle cx="{180 + h[8] % 50}" cy="{90 + h[9] % 30}" r="52" fill="{a}" opacity=".08"/>'
        + "".join(parts)
        + "</svg>"
    )
