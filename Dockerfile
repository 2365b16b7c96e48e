# Image for `zulip-standup run`. BASE is any image with Python >= 3.11 as `python3` and its venv
# module: the public python:3.11-slim by default, a debootstrapped Debian minbase with Debian's
# python3 in CI (.ci/container-stage). Python is used only to make a venv in /opt/standup, so
# Debian's externally managed python3 (no pip) works as well as the official image's.
#   build stage: the wheel, built with only the build backend (requirements-build.lock, hashed)
#   venv stage:  the runtime lock + the wheel in /opt/standup, pruned and stripped
#   final stage: the base + that venv; no pip, no build tools, no secrets, a non-root user,
#                a data volume and a HEALTHCHECK on /healthz
# Builds reach PyPI: behind a TLS-inspecting proxy, mount its CA bundle at build time
# (podman build -v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro).
ARG BASE=python:3.11-slim

FROM ${BASE} AS build
# pip verifies PyPI against the system bundle (the one a build may mount), not its own certifi.
ARG PIP_CERT=/etc/ssl/certs/ca-certificates.crt
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python3 -m venv /opt/build
WORKDIR /src
COPY requirements-build.lock ./
RUN /opt/build/bin/pip install --require-hashes -r requirements-build.lock
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/build/bin/pip wheel --no-deps --no-build-isolation --wheel-dir /dist .

# venv stage: the runtime lock and the wheel in /opt/standup (the final path; a venv cannot
# move), then everything the bot never loads goes: pip, setuptools, test suites, C sources and
# headers, type stubs, bytecode, and the debug symbols of the compiled modules (strip, from
# binutils, which stays in this stage). The wheels' bundled libraries (*.libs/) are left alone:
# auditwheel patched them, and strip makes them unloadable.
FROM ${BASE} AS venv
ARG PIP_CERT=/etc/ssl/certs/ca-certificates.crt
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN command -v strip >/dev/null || { apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -qq -y --no-install-recommends binutils \
       >/dev/null; }
COPY requirements.lock /tmp/requirements.lock
COPY --from=build /dist/ /tmp/dist/
RUN python3 -m venv /opt/standup \
 && /opt/standup/bin/pip install --quiet --require-hashes --no-deps -r /tmp/requirements.lock \
 && /opt/standup/bin/pip install --quiet --no-deps /tmp/dist/*.whl \
 && /opt/standup/bin/pip uninstall --quiet --yes pip setuptools \
 && cd /opt/standup/lib/python3*/site-packages \
 && find . -depth -type d \( -name tests -o -name __pycache__ \) -exec rm -rf {} + \
 && find . -type f \( -name '*.pyi' -o -name '*.pyx' -o -name '*.pxd' -o -name '*.c' -o -name '*.h' \) -delete \
 && find . -type f -name '*.so*' -not -path '*.libs/*' -exec strip --strip-unneeded {} +

FROM ${BASE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY --from=venv /opt/standup /opt/standup
RUN mkdir -p /var/lib/zulip-standup \
 && echo 'standup:x:10001:10001:zulip-standup:/var/lib/zulip-standup:/usr/sbin/nologin' >> /etc/passwd \
 && echo 'standup:x:10001:' >> /etc/group \
 && chown 10001:10001 /var/lib/zulip-standup && chmod 0700 /var/lib/zulip-standup
ENV PATH=/opt/standup/bin:$PATH HOME=/var/lib/zulip-standup \
    DATABASE_URL=sqlite:////var/lib/zulip-standup/standup.db STANDUP_HTTP_BIND=0.0.0.0:9191
VOLUME /var/lib/zulip-standup
WORKDIR /var/lib/zulip-standup
USER 10001:10001
EXPOSE 9191
# Liveness only (/readyz names failing dependencies; use it for load balancers). The port is the
# one of STANDUP_HTTP_BIND; minbase has no curl, so Python's urllib asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request; port = os.environ.get('STANDUP_HTTP_BIND', '0.0.0.0:9191').rsplit(':', 1)[1]; urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)"]
ENTRYPOINT ["zulip-standup"]
CMD ["run"]
