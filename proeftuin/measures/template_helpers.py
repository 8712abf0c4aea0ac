"""What the measures templates, and the run-chart macro on the facilitators' pages, call."""

from __future__ import annotations

from proeftuin.charts import run_chart
from proeftuin.charts.run_chart import format_value
from proeftuin.forms import month_text
from proeftuin.measures import forms


def template_helpers() -> dict:
    """Return the helpers by the names the templates call them."""
    return {
        "format_value": format_value,
        "month_text": month_text,
        "render_run_chart": run_chart.render,
        "experiment_text_label": forms.text_label,
        "act_label": lambda decision: str(forms.ACT_LABELS[decision.value if decision else ""]),
        "direction_label": lambda direction: str(forms.DIRECTION_LABELS[direction]),
    }
