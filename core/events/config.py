"""Events: the constants of the event model and the webhook worker's configuration."""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from dataclasses import dataclass, replace
from typing import Any

log = logging.getLogger("qingdan.events")

EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")

TYPE_PATTERN = re.compile(r"^([a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+|[a-z][a-z0-9_]*\.\*)$")

SIGNATURE_HEADER = "Qingdan-Signature"

NOTIFY_CHANNEL = "qingdan_webhooks"

STATES = ("pending", "delivered", "failed")


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _networks(raw: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(n.strip(), strict=False) for n in raw.split(",") if n.strip())
    except ValueError as exc:
        raise SystemExit(f"QINGDAN_WEBHOOK_ALLOWED_NETWORKS: {exc}") from exc


@dataclass(frozen=True)
class WebhookConfig:
    """Delivery settings (environment variables in brackets; see README)."""

    worker: bool = True  # [QINGDAN_EVENT_WORKER] run the delivery loop in the app process
    max_attempts: int = 10  # [QINGDAN_WEBHOOK_MAX_ATTEMPTS] then the delivery is `failed`
    backoff_seconds: float = 10.0  # [QINGDAN_WEBHOOK_BACKOFF_SECONDS] first retry; doubles
    backoff_max_seconds: float = 3600.0  # longest wait between two attempts
    timeout_seconds: float = 10.0  # [QINGDAN_WEBHOOK_TIMEOUT_SECONDS] per request
    poll_seconds: float = 2.0  # [QINGDAN_WEBHOOK_POLL_SECONDS] between polls when idle
    batch: int = 50  # deliveries claimed per round
    per_subscription: int = 25  # of which at most this many for one subscription
    concurrency: int = 16  # requests in flight per worker
    # [QINGDAN_WEBHOOK_ALLOWED_NETWORKS] non-public networks receivers may be on (an
    # intranet's 10.0.0.0/8, loopback for tests); public addresses are always allowed.
    allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @property
    def lease_seconds(self) -> float:
        return self.timeout_seconds * 3 + 30


def load_config() -> WebhookConfig:
    try:
        cfg = WebhookConfig(
            worker=_env("QINGDAN_EVENT_WORKER", "on").lower() not in ("0", "off", "false", "no"),
            max_attempts=int(_env("QINGDAN_WEBHOOK_MAX_ATTEMPTS", "10")),
            backoff_seconds=float(_env("QINGDAN_WEBHOOK_BACKOFF_SECONDS", "10")),
            timeout_seconds=float(_env("QINGDAN_WEBHOOK_TIMEOUT_SECONDS", "10")),
            poll_seconds=float(_env("QINGDAN_WEBHOOK_POLL_SECONDS", "2")),
            allowed_networks=_networks(_env("QINGDAN_WEBHOOK_ALLOWED_NETWORKS", "")),
        )
    except ValueError as exc:
        raise SystemExit(f"webhook settings: {exc}") from exc
    if cfg.max_attempts < 1 or min(cfg.backoff_seconds, cfg.timeout_seconds, cfg.poll_seconds) <= 0:
        raise SystemExit("webhook settings: attempts must be at least 1 and every duration positive")
    return cfg


_config: WebhookConfig | None = None


def config() -> WebhookConfig:
    global _config
    if _config is None:
        _config = load_config()
    return _config


def configure(**changes: Any) -> WebhookConfig:
    """Change settings for this process (tests: loopback receivers, short backoff)."""
    global _config
    if "allowed_networks" in changes and isinstance(changes["allowed_networks"], str):
        changes["allowed_networks"] = _networks(changes["allowed_networks"])
    _config = replace(config(), **changes)
    return _config
