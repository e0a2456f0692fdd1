# Slate's image: one image for every Slate process of docker-compose.yml — web (`manage.py run_web`, the default
# command), worker (`manage.py run_huey`) and nginx (`manage.py nginx_conf` renders deploy/nginx/ as `make run`
# does, then Debian's nginx runs it) — each as the unprivileged user `slate` (uid 10001). The worker container runs
# supervisord with deploy/docker/worker.supervisord.conf; deploy/docker/healthcheck.py is every Slate container's
# healthcheck.
#
# Two stages: Node builds the browser app (frontend/ → static/app/, as `make frontend` does), then the Python
# stage installs the runtime part of requirements.txt (the lines above "# Tests"), ffmpeg, the DejaVu font of
# the selects reels, nginx and PostgreSQL's client tools (bookworm's 15, the major version of docker-compose.yml's
# postgres: `manage.py backup` runs pg_dump of the server's major version), and collects the static files (the
# built app included) into STATIC_ROOT.
# Checked in `make test` by hadolint (tests/ops/test_deploy_files.py; its settings in .hadolint.yaml).

FROM node:22-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
# vite.config.ts writes the build to ../static/app, i.e. /src/static/app.
RUN npx vite build --logLevel warn

FROM python:3.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/app/.venv/bin:$PATH \
    SLATE_VAR_DIR=/var/lib/slate \
    MEDIA_ROOT=/var/lib/slate/media \
    STATIC_ROOT=/app/staticfiles
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg fonts-dejavu-core nginx postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/slate --shell /usr/sbin/nologin slate \
 && mkdir -p /var/lib/slate/media /var/lib/slate/backups \
 && chown -R slate:slate /var/lib/slate
WORKDIR /app
COPY requirements.txt ./
RUN sed '/^# Tests/,$d' requirements.txt > /tmp/runtime-requirements.txt \
 && python -m venv /app/.venv \
 && pip install --no-cache-dir -r /tmp/runtime-requirements.txt \
 && rm /tmp/runtime-requirements.txt
COPY . .
COPY --from=frontend /src/static/app ./static/app
RUN DEBUG=false SECRET_KEY=collectstatic ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput --verbosity 0

USER 10001:10001
# web: 8000 (run_web); nginx: 8080 (unprivileged, in front of the web replicas).
EXPOSE 8000 8080
# Adds the container's own address to ALLOWED_HOSTS (Prometheus scrapes each replica by its address), then execs CMD.
ENTRYPOINT ["/app/deploy/docker/entrypoint.sh"]
CMD ["python", "manage.py", "wait_for_services", "--then", "python", "manage.py", "run_web", "--host", "0.0.0.0", "--port", "8000"]
