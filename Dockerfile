# syntax=docker/dockerfile:1
# PSF Helpdesk: one image for web (gunicorn), worker and beat (celery). See docker-compose.yml.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PATH=/app/.venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=psf_helpdesk.settings.prod

RUN pip install --no-cache-dir uv

WORKDIR /app

# Dependencies first, so source changes don't reinstall them.
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --frozen --no-dev --no-cache --python /usr/local/bin/python3

COPY . .

# Build-only values: prod settings refuse to load without them; nothing here reaches runtime.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://build-only.invalid:6379/0 \
    python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3

RUN useradd --system --create-home --uid 1000 app \
    && mkdir -p /app/var \
    && chown app:app /app/var
USER app

EXPOSE 8000
# No gunicorn access log: the app logs each request as JSON, by URL pattern (tokens stay out).
CMD ["gunicorn", "psf_helpdesk.wsgi:application", "-b", "0.0.0.0:8000"]
