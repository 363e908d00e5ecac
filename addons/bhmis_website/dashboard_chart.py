# SPDX-License-Identifier: GPL-3.0-or-later
"""Small SVG charts drawn on the server: no script, no style attribute
(the site's Content-Security-Policy allows neither inline), a title and a
description for screen readers, and text in the page's direction.

Values are percentages (0-100), None (unknown) or 'few' (suppressed):
both a gap, never a zero.  markupsafe escapes every text put in the drawing."""
from markupsafe import Markup, escape

WIDTH, HEIGHT = 320, 140
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 28, 8, 8, 22
BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 14, 4, 120


def _text(value):
    if isinstance(value, (int, float)):
        return '%s%%' % value
    return '<5' if value else '–'


def _y(value):
    inner = HEIGHT - PAD_TOP - PAD_BOTTOM
    return round(PAD_TOP + inner * (1 - value / 100), 1)


def _svg(width, height, title, description, body, ident):
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" '
        'viewBox="0 0 {w} {h}" width="100%" role="img" direction="ltr" '
        'aria-labelledby="{i}-t {i}-d" focusable="false">'
        '<title id="{i}-t">{t}</title><desc id="{i}-d">{d}</desc>'
        '{b}</svg>').format(w=width, h=height, i=escape(ident),
        t=title, d=description, b=Markup(body))


def line_chart(points, title, ident, label=str):
    """A line of points [(label value, percent or None)] over 0-100 %,
    broken at unknown values"""
    count = len(points)
    inner = WIDTH - PAD_LEFT - PAD_RIGHT
    step = inner / max(count - 1, 1)
    parts = []
    for value in (0, 50, 100):
        y = _y(value)
        parts.append(Markup(
                '<line class="grid" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}"/>'
                '<text class="axis" x="{tx}" y="{ty}">{v}%</text>').format(
                x1=PAD_LEFT, x2=WIDTH - PAD_RIGHT, y=y, tx=2, ty=y + 4,
                v=value))
    segment = []
    segments = [segment]
    for index, (_, value) in enumerate(points):
        if not isinstance(value, (int, float)):
            segment = []
            segments.append(segment)
            continue
        segment.append((round(PAD_LEFT + index * step, 1), _y(value)))
    for segment in segments:
        if len(segment) > 1:
            parts.append(Markup('<polyline class="line" points="{}"/>')
                .format(' '.join('%s,%s' % p for p in segment)))
        for x, y in segment:
            parts.append(Markup(
                    '<circle class="dot" cx="{}" cy="{}" r="2.5"/>').format(
                    x, y))
    if points:
        for index in (0, count - 1):
            x = round(PAD_LEFT + index * step, 1)
            anchor = 'start' if index == 0 else 'end'
            parts.append(Markup(
                    '<text class="axis" x="{x}" y="{y}" '
                    'text-anchor="{a}">{t}</text>').format(
                    x=x, y=HEIGHT - 6, a=anchor,
                    t=label(points[index][0])))
    description = '; '.join('%s: %s' % (label(key), _text(value))
        for key, value in points)
    return _svg(WIDTH, HEIGHT, title, description, ''.join(parts), ident)


def bar_chart(bars, title, ident):
    """Horizontal bars [(name, percent or None)], one a line, the
    value written after each"""
    height = PAD_TOP + len(bars) * (BAR_HEIGHT + BAR_GAP) + 4
    inner = WIDTH - LABEL_WIDTH - 40
    parts = []
    for index, (name, value) in enumerate(bars):
        y = PAD_TOP + index * (BAR_HEIGHT + BAR_GAP)
        parts.append(Markup(
                '<text class="label" x="{x}" y="{y}" text-anchor="end">'
                '{n}</text>').format(x=LABEL_WIDTH - 4,
                y=y + BAR_HEIGHT - 3, n=name))
        number = value if isinstance(value, (int, float)) else 0
        if number:
            parts.append(Markup(
                    '<rect class="bar" x="{x}" y="{y}" width="{w}" '
                    'height="{h}"/>').format(x=LABEL_WIDTH, y=y,
                    w=round(inner * number / 100, 1), h=BAR_HEIGHT))
        parts.append(Markup(
                '<text class="value" x="{x}" y="{y}">{v}</text>').format(
                x=round(LABEL_WIDTH + inner * number / 100 + 3, 1),
                y=y + BAR_HEIGHT - 3, v=_text(value)))
    description = '; '.join('%s: %s' % (name, _text(value))
        for name, value in bars)
    return _svg(WIDTH, height, title, description, ''.join(parts), ident)
