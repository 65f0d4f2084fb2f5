# The sitesel image: web (gunicorn), Celery worker and beat all run from it (docker-compose.yml).
# GDAL and GEOS come from the pyogrio and shapely wheels (config/geolibs.py), so no system GDAL.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DJANGO_DEBUG=true python manage.py collectstatic --noinput -v0
# .run holds the demo accounts' passwords (a volume in docker-compose.yml); the numeric user resolves anywhere.
RUN groupadd --system --gid 1000 sitesel && useradd --system --uid 1000 --gid 1000 sitesel \
    && mkdir -p /app/.run && chown -R 1000:1000 /app
USER 1000:1000
EXPOSE 8000
# gthread, 2 workers x 4 threads (config/gunicorn.conf.py, the same file `make demo` serves with): measured in
# docs/reliability.md (Load) on 2 cores.
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
