"""`{% crispy_cached form %}`: `{% crispy form %}`, kept per process while the form is unbound.

Drawing a form's fields costs more than the rest of its page together (crispy's layout, then a
widget template per input and per option). An unbound form draws the same for everyone who gets
the same initial values, so it is drawn once per process and kept (the "forms" cache, in
memory): a form page then costs about what a plain page does (`make bench`). The CSRF token,
which differs per request, is put in afterwards; a bound form (what someone sent, errors and all)
is always drawn afresh.
"""

import hashlib
from collections.abc import Iterable
from typing import Any, cast

from crispy_forms.utils import render_crispy_form
from django import forms, template
from django.core.cache import caches
from django.db.models import Model, QuerySet
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from .lookups import is_lookup, lookup_rows

register = template.Library()

CSRF_PLACEHOLDER = "csrf-token-of-this-request"


def unbound_render_key(form: forms.BaseForm) -> str:
    """The key of this form's drawing, or "" when it must be drawn now.

    Everything the drawing depends on is in it: the form's class and prefix, its initial values,
    the choices of every choice field (areas, kinds of help: rows staff can change), and the day
    (hints give example dates).
    """
    if form.is_bound:
        return ""
    parts = [type(form).__qualname__, str(form.prefix), timezone.localdate().isoformat()]
    for name, field in form.fields.items():
        parts.append(repr((name, form.get_initial_for_field(field, name))))
        if isinstance(field, forms.ModelChoiceField):
            # A lookup table from the cache, or one plain query: iterating field.choices
            # would open a server-side cursor (four round trips on PostgreSQL).
            queryset = cast(QuerySet, field.queryset)
            rows: Iterable[Model]
            if not queryset.query.where and is_lookup(queryset.model):
                (rows,) = lookup_rows(queryset.model)
            else:
                rows = queryset.all()
            parts.append(repr([(str(obj.pk), field.label_from_instance(obj)) for obj in rows]))
        elif isinstance(field, forms.ChoiceField):
            choices = cast(Iterable[tuple[Any, Any]], field.choices)
            parts.append(repr([(str(value), str(label)) for value, label in choices]))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@register.simple_tag(takes_context=True)
def crispy_cached(context: template.Context, form: forms.BaseForm) -> SafeString:
    key = unbound_render_key(form)
    if not key:
        return render_crispy_form(form, context=context.flatten())
    cache = caches["forms"]
    html = cache.get(key)
    if html is None:
        html = render_crispy_form(
            form, context={**context.flatten(), "csrf_token": CSRF_PLACEHOLDER}
        )
        cache.set(key, html, 24 * 3600)
    token = get_token(context["request"])
    return mark_safe(html.replace(CSRF_PLACEHOLDER, token))  # noqa: S308 (our own HTML, and a token)
