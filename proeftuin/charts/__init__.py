"""Charts drawn on the server as SVG with pygal, embedded as images that need no JavaScript.

A chart is an `<img>` whose source is the SVG itself (a data URL): the SVG keeps its own
styles, which the site's Content-Security-Policy would strip from inline SVG, and its
scripts never run. Every chart has its numbers in a table beside it, so the image's text
alternative only says what the chart shows.
"""

from __future__ import annotations

import base64
import sys
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    import pygal.graph.graph

#: colours with at least 3:1 contrast on white, told apart by more than hue alone
PALETTE = ("#01689b", "#ca005d", "#39870c", "#8f5d00", "#42145f", "#007bc7", "#d52b1e")

#: the chart style's settings (pygal.style.Style's)
STYLE_SETTINGS = {
    "background": "#ffffff",
    "plot_background": "#ffffff",
    "foreground": "#1a1a1a",
    "foreground_strong": "#1a1a1a",
    "foreground_subtle": "#595959",
    "opacity": "1",
    "opacity_hover": "1",
    "colors": PALETTE,
    "font_family": "Arial, Helvetica, sans-serif",
    "label_font_size": 13,
    "major_label_font_size": 13,
    "legend_font_size": 14,
    "title_font_size": 16,
    "value_font_size": 12,
}

#: settings every chart shares: no script, no tooltips, no external files
BASE_CONFIG = {
    "js": [],
    "css": ["file://style.css", "file://graph.css"],
    "disable_xml_declaration": True,
    "tooltip_border_radius": 0,
    "explicit_size": True,
    "width": 720,
    "height": 320,
    "legend_at_bottom": True,
    "legend_at_bottom_columns": 3,
    "truncate_legend": -1,
    "truncate_label": -1,
    "print_values": False,
    "show_minor_y_labels": False,
    "margin": 16,
}


@cache
def load_pygal() -> ModuleType:
    """Return pygal, imported on the first chart: a worker that draws none (most serve the
    public pages) is spared its 6 MB."""
    import pygal as module
    import pygal.style  # noqa: F401 - the style module, which `_style` needs

    # pygal appends a finder for map plugins to sys.meta_path that has only the legacy
    # find_module(): every later import of a module not yet loaded then raises an
    # ImportWarning (openpyxl's optional numpy, for one), an error under the test suite's
    # warning filter. No map plugin is used here, so the finder goes as soon as pygal is in.
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]
    return module


@cache
def _style():
    return load_pygal().style.Style(**STYLE_SETTINGS)


def config(**overrides) -> dict:
    """Return the shared chart settings with `overrides` applied."""
    return {"style": _style(), **BASE_CONFIG, **overrides}


def image(chart: pygal.graph.graph.Graph, alt: str, css_class: str = "chart") -> Markup:
    """Render `chart` as an `<img>` holding its SVG, described by `alt`."""
    svg = chart.render(is_unicode=True)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    width = chart.config.width
    height = chart.config.height
    # format() escapes every argument; the data URL is base64 and needs none.
    return Markup(
        '<img class="{}" src="data:image/svg+xml;base64,{}" width="{}" height="{}" alt="{}">'
    ).format(css_class, data, width, height, alt)
