# careerbot: the Telegram bot. Build: docker build -t careerbot .
# Run:   docker run -d --name careerbot --env-file .env -v careerbot-data:/data careerbot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY intents ./intents
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin careerbot \
    && mkdir -p /data && chown careerbot:careerbot /data && chmod 0700 /data

USER careerbot
# Conversation context, feedback, unanswered questions and the install key live here.
VOLUME ["/data"]
# Only used in webhook mode (WEBHOOK_ENABLED=true), behind a TLS-terminating proxy.
EXPOSE 8443
# The knowledge base is read from the source tree copied above, not from site-packages.
ENV CAREERBOT_KNOWLEDGE_DIR=/app/knowledge CAREERBOT_INTENTS_DIR=/app/intents
STOPSIGNAL SIGTERM
CMD ["career-bot", "run"]
