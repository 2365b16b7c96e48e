# Image for `zulip-standup run`: a slim Python base, the wheel built in a first stage with the
# hash-pinned development lock (it has the build backend), then only the runtime lock and the
# wheel in the final stage, run as a non-root user. Not yet built in CI (issue 15).
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY requirements-dev.lock pyproject.toml README.md ./
COPY src ./src
RUN pip install --require-hashes --no-deps -r requirements-dev.lock \
 && python -m build --wheel --no-isolation --outdir /dist

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY requirements.lock ./
COPY --from=build /dist/ /dist/
RUN pip install --require-hashes --no-deps -r requirements.lock \
 && pip install --no-deps /dist/*.whl \
 && rm -rf /dist \
 && useradd --create-home --uid 10001 standup
USER standup
ENV DATABASE_URL=sqlite:////home/standup/data/standup.db STANDUP_HTTP_BIND=0.0.0.0:9191
EXPOSE 9191
ENTRYPOINT ["zulip-standup"]
CMD ["run"]
