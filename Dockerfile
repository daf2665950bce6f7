# The app under gunicorn; see docker-compose.yml for the PostgreSQL service beside it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/data/media

WORKDIR /app
COPY pyproject.toml README.md ./
COPY yongkang ./yongkang
COPY benchmarking ./benchmarking
RUN pip install --no-cache-dir .
COPY . .
# collectstatic needs settings to load; this throwaway key exists only during the build.
RUN DJANGO_SECRET_KEY=build-only-not-used-at-runtime python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 app && mkdir -p /data/media && chown -R app /data
USER app
EXPOSE 8000
# Workers and timeout: gunicorn.conf.py (GUNICORN_WORKERS, GUNICORN_TIMEOUT).
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn yongkang.wsgi --bind 0.0.0.0:8000 --access-logfile -"]
