# Image for web, worker and beat (see docker-compose.yml).

# Front-end assets from npm: KERN UX and htmx, copied into static/vendor as `make assets`
# does. devDependencies (axe-core, for the tests) stay out.
FROM node:22-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error
COPY scripts/copy-assets scripts/copy-assets
RUN ./scripts/copy-assets

# The portal's catalogues (locale/: English, and German wording for packages), compiled
# with GNU gettext's msgfmt.
FROM python:3.13-slim AS messages
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY locale locale
RUN find locale -name '*.po' -exec sh -c 'msgfmt --check-format -o "${1%.po}.mo" "$1"' _ {} \;

FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN useradd --system --uid 1000 --home-dir /app beweqo
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY . .
COPY --from=assets /src/static/vendor static/vendor
COPY --from=messages /src/locale locale
RUN python scripts/subset-fonts
# var/ holds collected static files, uploads (a volume) and beat's schedule.
RUN mkdir -p var/media var/staticfiles && chown -R beweqo var
USER beweqo
EXPOSE 8000
# Workers: gunicorn.conf.py (two per core this container may use; WEB_CONCURRENCY overrides).
CMD ["gunicorn", "beweqo.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
