# The one-shot kafka-setup job of docker-compose.yml (ADR 0021): the topics with their retention and every
# principal's ACLs, as admin, from deploy/broker_access.py, before any service starts. Build context: the
# repository root. Every service package is installed: the ACLs follow from each service's HANDLERS table.
# Pinned base image and tools (ADR 0027), as the services' images.
FROM python:3.11.13-slim-bookworm
RUN pip install --no-cache-dir uv==0.13.9 \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin svu
WORKDIR /app
COPY pyproject.toml uv.lock ./
COPY shared shared
COPY services services
RUN uv sync --frozen --no-dev
COPY deploy deploy
# Not root: it reads its code, two secrets and talks to the broker (ADR 0027).
USER 10001
CMD ["/app/.venv/bin/python", "-m", "deploy.broker_access", "provision", "--bootstrap", "kafka:9092"]
