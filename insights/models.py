"""Insights keeps no data of its own: the dashboard reads the other apps' tables (selectors/).

`Dashboard` is a model without a table so that the dashboard has an admin entry and a
permission of its own (`insights.view_insights`), given to staff through their groups."""

from django.db import models


class Dashboard(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_insights", "Can see the Insights dashboard")]
        verbose_name = "dashboard"
        verbose_name_plural = "dashboard"

    def __str__(self) -> str:
        return "Insights dashboard"
