# Minimal image for `zulip-standup run`: a slim Python base, dependencies from the hash-pinned
# lock file, and a non-root user. (Not built in CI: no container engine is available there.)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
COPY src ./src
RUN pip install --require-hashes --no-deps -r requirements.lock \
 && pip install --no-deps --no-build-isolation . \
 && useradd --create-home --uid 10001 standup
USER standup
ENV DATABASE_URL=sqlite:////home/standup/data/standup.db STANDUP_HTTP_BIND=0.0.0.0:9191
EXPOSE 9191
ENTRYPOINT ["zulip-standup"]
CMD ["run"]
