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
RUN useradd --system --uid 1000 sitesel && chown -R sitesel /app
USER sitesel
EXPOSE 8000
# gthread, 2 workers x 4 threads: the configuration measured in docs/reliability.md §6 (2 cores).
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--workers", "2", "--threads", "4", "--timeout", "60"]
