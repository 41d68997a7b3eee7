"""The steering circle's dashboard: the page, its print view and its exports.

Only the steering circle and the network office may see it
(steering.permissions.require_dashboard); anyone else who is logged in gets a 403,
anonymous visitors the login page.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from steering.charts import chart_for
from steering.dashboard import CACHE_SECONDS, dashboard_get
from steering.dashboard import FORMAT as DASHBOARD_FORMAT
from steering.exports import export_csv, export_xlsx, funder_csv, funder_xlsx
from steering.forms import DashboardPeriodForm
from steering.funder import funder_report_build
from steering.periods import DEFAULT_PRESET
from steering.permissions import require_dashboard

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return number_format(value, decimal_pos=1, force_grouping=True)
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    return str(value)


def _change(current, previous, unit: str = "") -> dict | None:
    """How a figure moved against the previous period, for people (not a colour only)."""
    if current is None or previous is None:
        return None
    difference = current - previous
    if isinstance(difference, float):
        difference = round(difference, 1)
    if difference > 0:
        word, sign = _("mehr"), "+"
    elif difference < 0:
        word, sign = _("weniger"), "−"
    else:
        return {"text": _("unverändert"), "direction": "same"}
    text = f"{sign}{_number(abs(difference))}"
    if unit == "%":
        text += " " + _("Prozentpunkte")
    elif unit:
        text += f" {unit}"
    elif previous:
        text += f" ({sign}{_number(round(abs(difference) / previous * 100, 1))} %)"
    return {"text": text, "word": word, "direction": "up" if difference > 0 else "down"}


def _for_display(data: dict) -> list[dict]:
    """The sections with numbers formatted the German way and charts drawn."""
    sections = []
    for section in data["sections"]:
        kpis = [
            {
                **kpi,
                "current_text": _number(kpi["current"]),
                "previous_text": (
                    f"{_number(kpi['previous'])} {kpi['unit']}".strip()
                    if kpi["previous"] is not None
                    else ""
                ),
                "change": _change(kpi["current"], kpi["previous"], kpi["unit"]),
            }
            for kpi in section["kpis"]
        ]
        figures = []
        for figure in section["figures"]:
            figures.append(
                {
                    **figure,
                    "chart_svg": chart_for(figure, f"chart-{figure['key']}"),
                    "display_rows": [
                        [str(row[0]), *(_number(v) for v in row[1:])] for row in figure["rows"]
                    ],
                }
            )
        sections.append({**section, "kpis": kpis, "figures": figures})
    return sections


def _form_and_data(request, *, wait: bool = True):
    form = DashboardPeriodForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None
    if not request.GET:
        form = DashboardPeriodForm({})
        form.is_valid()
    return form, dashboard_get(period=form.period(), wait=wait)


def _waits(request, *, print_view: bool) -> bool:
    """Whether the page waits for figures nobody has counted yet (issue 19). The dashboard
    page does not: it shows at once and fetches the figures with htmx (the same URL, as a
    fragment), or, without JavaScript, through a link that waits (`warten`). The print view
    waits, and so does everything in the embedded default, where tasks run inline and the
    data are small."""
    return (
        print_view
        or bool(request.htmx)
        or "warten" in request.GET
        or settings.CELERY_TASK_ALWAYS_EAGER
    )


def _sections_html(data: dict, *, print_view: bool) -> str:
    """The charts and tables, rendered once per version of the figures: drawing twenty
    charts and tables costs more than counting them from the cache."""
    key = f"dashboard:html:{DASHBOARD_FORMAT}:{int(print_view)}:{data['version']}:{get_language()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "steering/dashboard/includes/sections.html",
            {"sections": _for_display(data), "print": print_view},
        )
        cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)  # rendered by the template engine, escaped there


def _page(request, template: str, *, print_view: bool = False):
    require_dashboard(request)
    form, data = _form_and_data(request, wait=_waits(request, print_view=print_view))
    query = request.GET.copy()
    query.pop("warten", None)
    context = {"form": form, "data": data, "query": query.urlencode()}
    if data is None:
        return render(request, template, context, status=400)
    context["sections"] = data["sections"]  # for the in-page navigation
    if not data["pending"]:
        context["sections_html"] = _sections_html(data, print_view=print_view)
    if request.htmx and not print_view:  # the figures a page showing at once asked for
        template = "steering/dashboard/includes/figures.html"
    return render(request, template, context)


@login_required
@require_safe
@vary_on_headers("HX-Request")  # the same URL answers with a page or its figures
def dashboard(request):
    return _page(request, "steering/dashboard/dashboard.html")


@login_required
@require_safe
def dashboard_print(request):
    return _page(request, "steering/dashboard/print.html", print_view=True)


@login_required
@require_safe
def dashboard_export(request, fmt: str):
    require_dashboard(request)
    form, data = _form_and_data(request)
    if data is None:
        messages = [str(e) for errors in form.errors.values() for e in errors]
        return HttpResponse(
            _("Der Zeitraum ist ungültig: %(errors)s") % {"errors": " ".join(messages)},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    name = f"kennzahlen-{data['period']['start']}-bis-{data['period']['end']}"
    if fmt == "csv":
        response = HttpResponse(export_csv(data), content_type="text/csv; charset=utf-8")
        filename = f"{name}.csv"
    else:
        response = HttpResponse(export_xlsx(data), content_type=XLSX_TYPE)
        filename = f"{name}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_safe
def funder_export(request, fmt: str):
    """The funder report of the chosen period (issue 21): aggregated, small cells
    suppressed, no personal data; for the steering circle and the network office."""
    require_dashboard(request)
    form = DashboardPeriodForm(request.GET or {"zeitraum": DEFAULT_PRESET})
    if not form.is_valid():
        messages = [str(e) for errors in form.errors.values() for e in errors]
        return HttpResponse(
            _("Der Zeitraum ist ungültig: %(errors)s") % {"errors": " ".join(messages)},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    report = funder_report_build(period=form.period())
    name = f"foerderbericht-{report.period['start']}-bis-{report.period['end']}"
    if fmt == "csv":
        response = HttpResponse(funder_csv(report), content_type="text/csv; charset=utf-8")
        filename = f"{name}.csv"
    else:
        response = HttpResponse(funder_xlsx(report), content_type=XLSX_TYPE)
        filename = f"{name}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
