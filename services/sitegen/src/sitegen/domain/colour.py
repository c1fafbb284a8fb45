"""Small colour maths for themes: hex ↔ rgb, mixing, WCAG contrast. Integers in, lower-case #rrggbb out."""

from __future__ import annotations

import re

from sitegen.domain.spec import Theme

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def parse_hex(value: str) -> tuple[int, int, int]:
    if not _HEX.match(value):
        raise ValueError(f"not a #rrggbb colour: {value!r}")
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def to_hex(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def mix(a: str, b: str, weight_b: float) -> str:
    ra, rb = parse_hex(a), parse_hex(b)
    return to_hex(tuple(x + (y - x) * weight_b for x, y in zip(ra, rb, strict=True)))  # type: ignore[arg-type]


def luminance(value: str) -> float:
    def chan(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = parse_hex(value)
    return 0.2126 * chan(r) + 0.7152 * chan(g) + 0.0722 * chan(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_on_white(value: str, ratio: float = 4.5) -> str:
    """Darken `value` until white text on it (and it as text on white) reaches the WCAG ratio."""
    out = value.lower()
    for _ in range(20):
        if contrast(out, "#ffffff") >= ratio:
            return out
        out = mix(out, "#000000", 0.1)
    return out


def hue_shift(value: str, degrees: int) -> str:
    import colorsys

    r, g, b = (c / 255 for c in parse_hex(value))
    h, lum, s = colorsys.rgb_to_hls(r, g, b)
    r2, g2, b2 = colorsys.hls_to_rgb((h + degrees / 360) % 1.0, lum, s)
    return to_hex((r2 * 255, g2 * 255, b2 * 255))


def _hue(value: str) -> float:
    import colorsys

    r, g, b = (c / 255 for c in parse_hex(value))
    return colorsys.rgb_to_hls(r, g, b)[0] * 360


def _accent_for(brand: str) -> str:
    """Amber for offers and badges; teal when the brand itself is warm, so the two never clash."""
    return "#0f766e" if _hue(brand) <= 60 or _hue(brand) >= 330 else "#b45309"


def theme_from(colour: str) -> Theme:
    """A theme from one brand colour: readable brand, darker hover, light tint, a complementary accent."""
    brand = readable_on_white(colour)
    return Theme(
        brand=brand,
        brand_dark=mix(brand, "#000000", 0.25),
        brand_light=mix(colour.lower(), "#ffffff", 0.9),
        accent=_accent_for(brand),
    )
