"""Charts for the report pack: bar charts as SVG (text, for the web UI) and PNG (for files).

One `BarChart` record (a title, labelled values and a unit) renders both ways with the
same layout: `bar_chart_svg` writes SVG by hand (no plotting library; text is escaped) and
`bar_chart_png` draws the same bars with Pillow. Values are Decimals (money or rates);
negative values are drawn as zero-height bars with their label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 720, 360
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 70, 20, 48, 70
BAR_COLOR = "#2F6690"
AXIS_COLOR = "#444444"
GRID_COLOR = "#DDDDDD"


@dataclass(frozen=True, slots=True)
class BarChart:
    """A titled bar chart: one bar per label. `unit` "$" formats money, "%" fractions."""

    title: str
    labels: tuple[str, ...]
    values: tuple[Decimal, ...]
    unit: str = "$"

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.values):
            raise ValueError("a bar chart needs one value per label")

    def format(self, value: Decimal) -> str:
        if self.unit == "%":
            return f"{value * 100:.1f}%"
        if self.unit == "$":
            return f"${value:,.2f}"
        return f"{value}{self.unit}"


def _scale_top(values: Sequence[Decimal]) -> Decimal:
    top = max([v for v in values if v > 0], default=Decimal(0))
    if top == 0:
        return Decimal(1)
    # round the axis up to 1, 2 or 5 times a power of ten
    exponent = len(str(int(top))) - 1 if top >= 1 else 0
    base = Decimal(10) ** exponent if top >= 1 else Decimal("0.1")
    for step in (1, 2, 5, 10):
        if top <= base * step:
            return base * step
    return base * 10


def _layout(chart: BarChart) -> list[tuple[str, str, float, float, float, float]]:
    """Per bar: label, value text, x, y, width, height in pixels."""
    top = _scale_top(chart.values)
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    n = max(len(chart.values), 1)
    slot = plot_w / n
    bar_w = slot * 0.62
    bars = []
    for i, (label, value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        h = float(max(value, Decimal(0)) / top) * plot_h
        x = MARGIN_LEFT + i * slot + (slot - bar_w) / 2
        y = MARGIN_TOP + plot_h - h
        bars.append((label, chart.format(value), x, y, bar_w, h))
    return bars


def bar_chart_svg(chart: BarChart) -> str:
    """The chart as a standalone SVG document."""
    top = _scale_top(chart.values)
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    base_y = MARGIN_TOP + plot_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Helvetica, Arial, sans-serif">',
        f"<title>{escape(chart.title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#FFFFFF"/>',
        f'<text x="{WIDTH / 2:.1f}" y="28" font-size="16" font-weight="bold" '
        f'text-anchor="middle">{escape(chart.title)}</text>',
    ]
    for k in range(5):
        y = base_y - plot_h * k / 4
        tick = chart.format(top * k / 4)
        parts.append(
            f'<line x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y:.1f}" '
            f'stroke="{GRID_COLOR}"/>'
        )
        parts.append(
            f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
            f"{escape(tick)}</text>"
        )
    for label, text, x, y, w, h in _layout(chart):
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
            f'fill="{BAR_COLOR}"><title>{escape(label)}: {escape(text)}</title></rect>'
        )
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{y - 4:.1f}" font-size="10" text-anchor="middle">'
            f"{escape(text)}</text>"
        )
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{base_y + 16:.1f}" font-size="11" '
            f'text-anchor="middle">{escape(label[:18])}</text>'
        )
    parts.append(
        f'<line x1="{MARGIN_LEFT}" y1="{base_y}" x2="{WIDTH - MARGIN_RIGHT}" y2="{base_y}" '
        f'stroke="{AXIS_COLOR}"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def bar_chart_png(chart: BarChart) -> bytes:
    """The chart as PNG bytes, drawn with Pillow in the SVG's layout."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    top = _scale_top(chart.values)
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    base_y = MARGIN_TOP + plot_h
    draw.text((WIDTH / 2, 22), chart.title, fill="black", font=font, anchor="mm")
    for k in range(5):
        y = base_y - plot_h * k / 4
        draw.line([(MARGIN_LEFT, y), (WIDTH - MARGIN_RIGHT, y)], fill=GRID_COLOR)
        draw.text(
            (MARGIN_LEFT - 6, y), chart.format(top * k / 4), fill="black", font=font, anchor="rm"
        )
    for label, text, x, y, w, h in _layout(chart):
        if h > 0:
            draw.rectangle([(x, y), (x + w, base_y)], fill=BAR_COLOR)
        draw.text((x + w / 2, y - 8), text, fill="black", font=font, anchor="mm")
        draw.text((x + w / 2, base_y + 14), label[:18], fill="black", font=font, anchor="mm")
    draw.line([(MARGIN_LEFT, base_y), (WIDTH - MARGIN_RIGHT, base_y)], fill=AXIS_COLOR)
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
