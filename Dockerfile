# careerbot: the Telegram bot. Build: docker build -t careerbot .
# Run:   docker run -d --name careerbot --env-file .env -v careerbot-data:/data careerbot

# Stage 1: build the wheel (the bot with knowledge/ and intents/ as package data).
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY intents ./intents
RUN pip wheel --no-deps --wheel-dir /dist .

# Stage 2: install the wheel; no source tree in the image.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data
COPY --from=build /dist /tmp/dist
RUN pip install /tmp/dist/careerbot-*.whl \
    && rm -rf /tmp/dist \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin careerbot \
    && mkdir -p /data && chown careerbot:careerbot /data && chmod 0700 /data

USER careerbot
WORKDIR /data
# Conversation context, feedback, unanswered questions and the install key live here.
VOLUME ["/data"]
# Only used in webhook mode (WEBHOOK_ENABLED=true), behind a TLS-terminating proxy.
EXPOSE 8443
STOPSIGNAL SIGTERM
CMD ["career-bot", "run"]
