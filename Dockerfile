# Pact in a container: `docker build -t pact .`, then `docker run pact web` (or worker, run,
# db upgrade, doctor). compose.yaml runs PostgreSQL, one web, two workers and the migration.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PORT=3000
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY scheduling ./scheduling
RUN pip install . && useradd --system --uid 10001 --no-create-home pact \
  && mkdir /data && chown pact /data
USER pact
# The working directory is the user's own: `pact run` with the default SQLite database keeps
# it here (mount a volume on /data); with PostgreSQL nothing is written.
WORKDIR /data

EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '3000')}/healthz\", timeout=4)"]
ENTRYPOINT ["pact"]
CMD ["web"]
