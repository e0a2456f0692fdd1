# Slate's image: the same commands as `make run`, one process per container (web or worker).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SLATE_VAR_DIR=/var/lib/slate
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=false SECRET_KEY=build ALLOWED_HOSTS=build .venv/bin/python manage.py collectstatic --noinput \
 && useradd --system --home /var/lib/slate slate && mkdir -p /var/lib/slate && chown slate /var/lib/slate
USER slate
EXPOSE 8000
CMD [".venv/bin/daphne", "-b", "0.0.0.0", "-p", "8000", "project.asgi:application"]
