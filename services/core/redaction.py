"""A logging filter that masks configured secrets (API keys, HMAC key) in every log record."""

from __future__ import annotations

import logging

MASK = "***"


class SecretRedactingFilter(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if len(s) >= 4]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if any(s in message for s in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, MASK)
            record.msg, record.args = message, None
        return True


def install_redaction(secrets: list[str]) -> None:
    """Attach the filter to the root logger's handlers and to the loggers BentoML and uvicorn use."""
    flt = SecretRedactingFilter(secrets)
    root = logging.getLogger()
    for handler in root.handlers:
        handler.addFilter(flt)
    for name in ("", "bentoml", "bentoml.access", "uvicorn", "uvicorn.error", "uvicorn.access", "services"):
        logging.getLogger(name).addFilter(flt)
