"""Process configuration, read once from the environment.

Every setting has a sensible default so that ``qingdan demo`` works on a fresh machine:
no ``QINGDAN_DATABASE_URL`` means an embedded PostgreSQL under the data directory, and
no ``QINGDAN_STORAGE`` means objects are kept on the local filesystem there too.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from exc


def _env_flag(name: str) -> bool:
    return (_env(name, "") or "").lower() in ("1", "true", "yes", "on")


def _env_hours(name: str, default: int) -> int:
    hours = _env_int(name, default)
    if hours < 0:
        raise SystemExit(f"{name} must be 0 (keep forever) or a number of hours, got {hours}")
    return hours


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("qingdan", appauthor=False))


@dataclass(frozen=True)
class S3Settings:
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str
    region: str | None = None
    secure: bool = True


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str | None
    app_role: str
    storage_backend: str  # "local" or "s3"
    s3: S3Settings | None
    storage_max_bytes: int
    storage_content_types: tuple[str, ...]
    secret_key: str
    public_base_url: str
    max_request_bytes: int
    graphql_max_depth: int
    graphql_max_aliases: int
    extra: dict[str, str] = field(default_factory=dict)
    handbook_font: str | None = None  # a CJK TrueType font for handbooks: "/path/font.ttc[#face]"
    deadline_sweep_seconds: int = 60  # apply expired workflow deadlines this often; 0: never
    lookup_warmup_seconds: int = 300  # build missing lookup indexes at start and this often; 0: never
    cache_lists: int = 100_000  # published township-list bodies each process keeps at most; 0: none
    cache_list_bytes: int = 256 * 1024 * 1024  # ... and the bytes they may take (JSON, plus decoded objects)
    cache_tenant_share: float = 0.25  # the share of cache_list_bytes one tenant's lists may take
    cache_item_views: int = 20_000  # catalog items whose views each process keeps for publish answers; 0: none
    store_list_bodies: bool = True  # keep encoded published bodies in PostgreSQL, shared by processes
    cache_lookup_bytes: int = 512 * 1024 * 1024  # lookup's catalog indexes per process, by estimated bytes
    cache_pages: int = 2000  # rendered portal pages each process keeps (~12 KB an item page); 0: none
    export_retention_hours: int = 24  # stored exports are deleted this long after written; 0: kept forever
    max_json_depth: int = 32  # JSON bodies nesting deeper are refused (400) before decoding
    db_connect_timeout: float | None = 5.0  # seconds to open a database connection; None: no limit
    db_acquire_timeout: float | None = 5.0  # seconds a request waits for a pooled connection
    db_statement_timeout: float | None = 30.0  # PostgreSQL statement_timeout of request transactions
    ready_timeout: float = 2.0  # /readyz answers 503 when the database takes longer than this
    allow_loopback_public_url: bool = False  # make handbooks although phones cannot open their QR codes (demo)
    # Limits (api/limits.py, core/exchange/unpack.py); per process: with N workers a client gets N times the rates.
    header_timeout: float | None = 10.0  # seconds to send the request line and headers; None: no limit
    body_timeout: float | None = 120.0  # seconds to send a whole request body
    body_idle_timeout: float | None = 15.0  # seconds a request body may pause between two chunks
    rate_limit_per_minute: int = 60_000  # requests per API key, bursts up to a minute's worth; 0: no limit
    auth_failures_per_minute: int = 20  # failed authentications per client address; 0: no limit
    trusted_proxies: tuple[str, ...] = ()  # addresses/networks whose X-Forwarded-For names the client
    workbook_max_uncompressed_bytes: int = 64 * 1024 * 1024  # what an uploaded .xlsx may unpack to
    workbook_max_ratio: int = 100  # compression ratio of a workbook's parts (Excel's are ~5-20)
    workbook_max_rows: int = 20_000  # item rows one import or merge reads
    workbook_max_columns: int = 100  # columns a sheet may use


def is_local_url(url: str) -> bool:
    """Whether ``url`` names this machine only: a loopback or unspecified host (``localhost``,
    ``127.0.0.1``, ``::1``, ``0.0.0.0``, ``::``) that a phone scanning a QR code cannot reach."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost") or not host:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


# SVG is left out on purpose: it is a document that can carry scripts. Added to
# QINGDAN_STORAGE_CONTENT_TYPES, SVGs are accepted only without scripts, handlers or
# external references (core.platform.content_check).
DEFAULT_CONTENT_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/csv",
    "image/png",
    "image/jpeg",
    "application/json",
    "text/plain",
)


def load_settings(data_dir: str | os.PathLike[str] | None = None) -> Settings:
    """Read settings from ``QINGDAN_*`` environment variables (see README)."""
    root = Path(data_dir or _env("QINGDAN_DATA_DIR") or default_data_dir()).expanduser()
    backend = (_env("QINGDAN_STORAGE", "local") or "local").lower()
    if backend not in ("local", "s3"):
        raise SystemExit(f"QINGDAN_STORAGE must be 'local' or 's3', got {backend!r}")
    s3 = None
    if backend == "s3":
        missing = [
            n for n in ("QINGDAN_S3_ENDPOINT", "QINGDAN_S3_ACCESS_KEY", "QINGDAN_S3_SECRET_KEY") if _env(n) is None
        ]
        if missing:
            raise SystemExit(f"QINGDAN_STORAGE=s3 needs {', '.join(missing)}")
        s3 = S3Settings(
            endpoint=_env("QINGDAN_S3_ENDPOINT") or "",
            access_key=_env("QINGDAN_S3_ACCESS_KEY") or "",
            secret_key=_env("QINGDAN_S3_SECRET_KEY") or "",
            bucket=_env("QINGDAN_S3_BUCKET", "qingdan") or "qingdan",
            region=_env("QINGDAN_S3_REGION"),
            secure=(_env("QINGDAN_S3_SECURE", "true") or "true").lower() in ("1", "true", "yes"),
        )
    types = _env("QINGDAN_STORAGE_CONTENT_TYPES")
    return Settings(
        data_dir=root,
        database_url=_env("QINGDAN_DATABASE_URL"),
        app_role=_env("QINGDAN_APP_ROLE", "qingdan_app") or "qingdan_app",
        storage_backend=backend,
        s3=s3,
        storage_max_bytes=_env_int("QINGDAN_STORAGE_MAX_BYTES", 50 * 1024 * 1024),
        storage_content_types=tuple(t.strip() for t in types.split(",")) if types else DEFAULT_CONTENT_TYPES,
        secret_key=_env("QINGDAN_SECRET_KEY") or _local_secret(root),
        public_base_url=(_env("QINGDAN_PUBLIC_URL", "http://127.0.0.1:8000") or "").rstrip("/"),
        max_request_bytes=_env_int("QINGDAN_MAX_REQUEST_BYTES", 1024 * 1024),
        graphql_max_depth=_env_int("QINGDAN_GRAPHQL_MAX_DEPTH", 8),
        graphql_max_aliases=_env_int("QINGDAN_GRAPHQL_MAX_ALIASES", 15),
        handbook_font=_env("QINGDAN_HANDBOOK_FONT"),
        deadline_sweep_seconds=_env_int("QINGDAN_DEADLINE_SWEEP_SECONDS", 60),
        lookup_warmup_seconds=_env_int("QINGDAN_LOOKUP_WARMUP_SECONDS", 300),
        cache_lists=_env_int("QINGDAN_CACHE_LISTS", 100_000),
        cache_list_bytes=_env_int("QINGDAN_CACHE_LIST_BYTES", 256 * 1024 * 1024),
        cache_tenant_share=min(100, max(1, _env_int("QINGDAN_CACHE_TENANT_PERCENT", 25))) / 100,
        cache_item_views=_env_int("QINGDAN_CACHE_ITEM_VIEWS", 20_000),
        store_list_bodies=(_env("QINGDAN_STORE_LIST_BODIES", "on") or "on").lower() not in ("0", "off", "false", "no"),
        cache_lookup_bytes=_env_int("QINGDAN_CACHE_LOOKUP_BYTES", 512 * 1024 * 1024),
        cache_pages=_env_int("QINGDAN_CACHE_PAGES", 2000),
        export_retention_hours=_env_hours("QINGDAN_EXPORT_RETENTION_HOURS", 24),
        max_json_depth=_env_int("QINGDAN_MAX_JSON_DEPTH", 32),
        db_connect_timeout=_env_seconds("QINGDAN_DB_CONNECT_TIMEOUT", 5.0),
        db_acquire_timeout=_env_seconds("QINGDAN_DB_ACQUIRE_TIMEOUT", 5.0),
        db_statement_timeout=_env_seconds("QINGDAN_DB_STATEMENT_TIMEOUT", 30.0),
        ready_timeout=_env_seconds("QINGDAN_READY_TIMEOUT", 2.0) or 2.0,
        allow_loopback_public_url=_env_flag("QINGDAN_ALLOW_LOOPBACK_PUBLIC_URL"),
        header_timeout=_env_seconds("QINGDAN_HEADER_TIMEOUT", 10.0),
        body_timeout=_env_seconds("QINGDAN_BODY_TIMEOUT", 120.0),
        body_idle_timeout=_env_seconds("QINGDAN_BODY_IDLE_TIMEOUT", 15.0),
        rate_limit_per_minute=_env_int("QINGDAN_RATE_LIMIT_PER_MINUTE", 60_000),
        auth_failures_per_minute=_env_int("QINGDAN_AUTH_FAILURES_PER_MINUTE", 20),
        trusted_proxies=_networks("QINGDAN_TRUSTED_PROXIES"),
        workbook_max_uncompressed_bytes=_env_int("QINGDAN_WORKBOOK_MAX_UNCOMPRESSED_BYTES", 64 * 1024 * 1024),
        workbook_max_ratio=_env_int("QINGDAN_WORKBOOK_MAX_RATIO", 100),
        workbook_max_rows=_env_int("QINGDAN_WORKBOOK_MAX_ROWS", 20_000),
        workbook_max_columns=_env_int("QINGDAN_WORKBOOK_MAX_COLUMNS", 100),
    )


def _networks(name: str) -> tuple[str, ...]:
    """A comma-separated list of addresses or networks (``10.0.0.5, 192.168.0.0/16``)."""
    found = []
    for part in (_env(name, "") or "").split(","):
        if part.strip():
            try:
                found.append(str(ipaddress.ip_network(part.strip(), strict=False)))
            except ValueError as exc:
                raise SystemExit(f"{name}: {part.strip()!r} is not an address or network ({exc})") from exc
    return tuple(found)


def _local_secret(root: Path) -> str:
    """A per-installation signing secret kept beside the data (used for download links)."""
    path = root / "secret.key"
    if path.exists():
        return path.read_text().strip()
    root.mkdir(parents=True, exist_ok=True)
    secret = os.urandom(32).hex()
    path.write_text(secret)
    path.chmod(0o600)
    return secret


def _env_seconds(name: str, default: float) -> float | None:
    """A duration in seconds (fractions allowed); ``0`` means no limit (``None``)."""
    raw = _env(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a number of seconds, got {raw!r}") from exc
    if value < 0 or value != value or value == float("inf"):
        raise SystemExit(f"{name} must be 0 (no limit) or a positive number of seconds, got {raw!r}")
    return value or None
