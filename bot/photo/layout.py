"""Text boxes → lines of text, in reading order, on a label photographed at a tilt.

The detector returns one box per word group, in no useful order ("ZEL5", "WML8", "DYYJ",
"ODCX" for a serial printed in groups of four). Boxes are turned back by the label's tilt (the
median slope of the wide boxes), grouped into lines by their centres, and read left to right.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import median

from bot.photo.ocr import TextBox


@dataclass(frozen=True)
class Line:
    text: str
    confidence: float  # the lowest confidence of its boxes


@dataclass(frozen=True)
class _Placed:
    box: TextBox
    x: float
    y: float
    height: float


def _slope(box: TextBox) -> float | None:
    (x0, y0), (x1, y1) = box.corners[0], box.corners[1]
    width = math.hypot(x1 - x0, y1 - y0)
    height = math.dist(box.corners[0], box.corners[3])
    if width < 2 * height or width == 0:
        return None  # short boxes give noisy angles
    return math.atan2(y1 - y0, x1 - x0)


def lines_of(boxes: list[TextBox]) -> list[Line]:
    """The boxes as lines, top to bottom, each read left to right."""
    if not boxes:
        return []
    slopes = [s for b in boxes if (s := _slope(b)) is not None]
    angle = median(slopes) if slopes else 0.0
    cos, sin = math.cos(-angle), math.sin(-angle)
    placed: list[_Placed] = []
    for box in boxes:
        cx = sum(x for x, _ in box.corners) / len(box.corners)
        cy = sum(y for _, y in box.corners) / len(box.corners)
        height = max(1.0, math.dist(box.corners[0], box.corners[3]))
        placed.append(_Placed(box, cx * cos - cy * sin, cx * sin + cy * cos, height))
    placed.sort(key=lambda p: p.y)
    rows: list[list[_Placed]] = []
    for item in placed:
        row = rows[-1] if rows else None
        if row is not None:
            row_y = sum(p.y for p in row) / len(row)
            if abs(item.y - row_y) < 0.5 * min(item.height, min(p.height for p in row)):
                row.append(item)
                continue
        rows.append([item])
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda p: p.x)
        lines.append(Line(" ".join(p.box.text.strip() for p in row),
                          min(p.box.confidence for p in row)))
    return lines
