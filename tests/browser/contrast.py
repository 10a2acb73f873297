"""WCAG 2.1 contrast arithmetic on CSS colours as the browser computes them ("rgb(…)" / "rgba(…)")."""

from __future__ import annotations

import re

Colour = tuple[float, float, float, float]  # r, g, b in 0–255, alpha in 0–1

NORMAL_TEXT = 4.5
LARGE_TEXT = 3.0  # and non-text: focus indicators, icons that carry meaning
WHITE: Colour = (255.0, 255.0, 255.0, 1.0)


def parse(css: str) -> Colour:
    """A computed colour: rgb(r, g, b), rgba(r, g, b, a) or the modern space-separated form."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    if not css.startswith("rgb") or len(numbers) not in (3, 4):
        raise ValueError(f"not a computed sRGB colour: {css!r}")
    return (numbers[0], numbers[1], numbers[2], numbers[3] if len(numbers) == 4 else 1.0)


def over(top: Colour, below: Colour) -> Colour:
    """`top` painted over an opaque `below`."""
    alpha = top[3]
    return (*(t * alpha + b * (1 - alpha) for t, b in zip(top[:3], below[:3])), 1.0)


def flatten(layers: list[str]) -> Colour:
    """Background layers from the element outwards (as computed), composed over a white canvas."""
    colour = WHITE
    for layer in reversed(layers):
        colour = over(parse(layer), colour)
    return colour


def luminance(colour: Colour) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(foreground: Colour, background: Colour) -> float:
    """The contrast ratio of a (possibly translucent) foreground over an opaque background."""
    lighter, darker = sorted((luminance(over(foreground, background)), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def is_large(font_size_px: float, font_weight: int) -> bool:
    """WCAG large text: at least 18pt (24px), or 14pt (18.67px) bold."""
    return font_size_px >= 24 or (font_size_px >= 18.66 and font_weight >= 700)


def hex_of(colour: Colour) -> str:
    return "#" + "".join(f"{round(v):02x}" for v in colour[:3])
