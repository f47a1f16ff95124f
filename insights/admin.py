"""The Insights dashboard in the admin (Insights → Dashboard): the page, each chart's picture
(SVG) and each chart's CSV. Staff need the permission `insights.view_insights`."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.csp import CSP

from common.admin import ReadOnlyAdmin

from .charts import chart_csv, chart_svg
from .models import Dashboard
from .periods import PeriodForm
from .selectors import insights_chart, insights_dashboard

PERMISSION = "insights.view_insights"
# The picture is an SVG document of its own, shown through <img>: it may apply its one
# <style> element (which carries this response's nonce) and load nothing.
SVG_CSP = {"default-src": [CSP.NONE], "style-src": [CSP.NONCE], "frame-ancestors": [CSP.SELF]}


@admin.register(Dashboard)
class DashboardAdmin(ReadOnlyAdmin):
    """Read only: the list page is the dashboard."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PERMISSION)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("chart/<slug:key>.svg", view(self.chart_svg_view), name="insights_chart_svg"),
            path("chart/<slug:key>.csv", view(self.chart_csv_view), name="insights_chart_csv"),
            *super().get_urls(),
        ]

    def _period_form(self, request: HttpRequest) -> PeriodForm:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return PeriodForm(request.GET or None)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        form = self._period_form(request)
        valid = form.is_valid() if form.is_bound else True
        period = form.period()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Insights: how are we doing?",
            "period_errors": not valid,  # the <title> starts "Error: " (GOV.UK)
            "form": form if form.is_bound else PeriodForm(initial={"range": "4w"}),
            "period": period,
            "query": form.query() if form.is_bound else "range=4w",
            "sections": insights_dashboard(period=period) if valid else [],
        }
        return render(request, "admin/insights/dashboard.html", context, status=200)

    def _chart(self, request: HttpRequest, key: str) -> tuple[Any, Any]:
        form = self._period_form(request)
        if form.is_bound and not form.is_valid():
            raise Http404("Choose a valid period on the dashboard.")
        period = form.period()
        chart = insights_chart(key=key, period=period)
        if chart is None:
            raise Http404("There is no such chart.")
        return chart, period

    def chart_svg_view(self, request: HttpRequest, key: str) -> HttpResponse:
        chart, _ = self._chart(request, key)
        nonce = get_nonce(request)  # lazy: made by str(), then the header carries it too
        response = HttpResponse(
            chart_svg(
                chart,
                nonce=str(nonce) if nonce is not None else "",
                narrow=request.GET.get("size") == "narrow",
            ),
            content_type="image/svg+xml; charset=utf-8",
        )
        response._csp_config = SVG_CSP  # type: ignore[attr-defined]
        # The page that shows 15 of these has just renewed the staff session's idle time
        # (accounts/middleware.py): the pictures leave it as it is, rather than writing the
        # session 15 times over at once.
        request.session.modified = False
        response["Cache-Control"] = "private, max-age=300"
        return response

    def chart_csv_view(self, request: HttpRequest, key: str) -> HttpResponse:
        chart, period = self._chart(request, key)
        stamp = timezone.localdate().isoformat()
        response = HttpResponse(
            chart_csv(chart, period.label), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="insights-{key}-{stamp}.csv"'
        return response
