# SPDX-License-Identifier: GPL-3.0-or-later
"""Jinja2 for the public pages: every value escaped unless a template marks
it safe (only sanitised content bodies are), templates from templates/."""
from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)

TEMPLATES = Path(__file__).resolve().parent / 'templates'


def environment(folder=TEMPLATES):
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(
            enabled_extensions=('html', 'xml', 'svg'),
            default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True)
    return env
