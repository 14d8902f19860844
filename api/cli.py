"""The ``qingdan`` command: serve, demo, migrate, tenants, API keys, plugins, contracts."""

from __future__ import annotations

import argparse
import asyncio
import errno
import ipaddress
import json
import os
import signal
import socket
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from api.runtime import open_database
from core import install
from core.platform import db
from core.platform.errors import QingdanError
from core.platform.settings import Settings, is_local_url, load_settings
from core.security.access import Principal, Role

PLATFORM = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="command line")
CONTRACTS = Path(__file__).resolve().parent.parent / "openapi"


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(getattr(args, "data_dir", None))


def _run(args: argparse.Namespace, work: Callable[[], Awaitable[None]], *, current: bool = True) -> None:
    """Run ``work`` with the database open; report domain errors plainly."""

    async def main() -> None:
        await open_database(_settings(args), require_current=current)
        try:
            await work()
        finally:
            await db.disconnect()

    try:
        asyncio.run(main())
    except QingdanError as exc:
        sys.exit(f"error: {exc.detail}")


# --- database -------------------------------------------------------------------------


def cmd_migrate(args: argparse.Namespace) -> None:
    async def work() -> None:
        applied = await install.migrate(progress=print)
        if applied:
            for migration in applied:
                print(f"applied {migration}")
        else:
            print("schema is current; nothing to do")

    _run(args, work, current=False)


# --- tenants and keys -------------------------------------------------------------------


def cmd_tenant_create(args: argparse.Namespace) -> None:
    from tenants.provisioning import TenantCreate, create_tenant

    async def work() -> None:
        data = TenantCreate(
            slug=args.slug, name=args.name, division_code=args.division_code, plugin=args.plugin, kind=args.kind
        )
        tenant = await create_tenant(PLATFORM, data, progress=print)
        print(f"created tenant {tenant.slug}")

    _run(args, work)


def cmd_tenant_list(args: argparse.Namespace) -> None:
    from core.security.tenancy import all_tenants

    async def work() -> None:
        tenants = await all_tenants()
        if not tenants:
            print("no tenants yet: `qingdan tenant create` or `qingdan demo`")
        for t in tenants:
            print(f"{t.slug:<16} {t.division_code:<12} {t.plugin or '-':<10} {t.name}")

    _run(args, work)


async def _tenant_access(slug: str) -> Any:
    from tenants.access import open_access

    return await open_access(PLATFORM, slug)


def cmd_apikey_create(args: argparse.Namespace) -> None:
    from tenants import keys

    async def work() -> None:
        if args.platform:
            issued = await keys.create_platform_key(args.name)
        else:
            if not args.tenant or not args.role:
                sys.exit("error: give --tenant and --role, or --platform")
            data = keys.ApiKeyCreate(name=args.name, role=Role(args.role), scope_code=args.scope)
            issued = await keys.create_key(await _tenant_access(args.tenant), data)
        print(f"id:   {issued.api_key.id}")
        print(f"role: {issued.api_key.role.value}  scope: {issued.api_key.scope_code or '-'}")
        print(f"key:  {issued.key}")
        print("The key is shown only now; store it safely.")

    _run(args, work)


def cmd_apikey_list(args: argparse.Namespace) -> None:
    from tenants import keys

    async def work() -> None:
        if args.platform or not args.tenant:
            found = await keys.list_platform_keys()
        else:
            found = (await keys.list_keys(await _tenant_access(args.tenant), limit=500)).items
        for k in found:
            state = "revoked" if k.revoked_at else "active"
            used = k.last_used_at.isoformat(timespec="seconds") if k.last_used_at else "never"
            print(f"{k.id}  {k.prefix}…  {k.role.value:<10} {k.scope_code or '-':<14} {state:<8} used {used}  {k.name}")

    _run(args, work)


def cmd_apikey_revoke(args: argparse.Namespace) -> None:
    from tenants import keys

    async def work() -> None:
        key_id = uuid.UUID(args.id)
        if args.tenant:
            view = await keys.revoke_key(await _tenant_access(args.tenant), key_id)
        else:
            view = await keys.revoke_platform_key(key_id)
        print(f"revoked {view.id} ({view.name})")

    _run(args, work)


# --- plugins ---------------------------------------------------------------------------


def cmd_plugins_list(args: argparse.Namespace) -> None:
    from core.plugin_api import registry as plugins

    found = plugins.registry()
    if not found:
        print("no jurisdiction plugins installed")
    for name, info in sorted(found.items()):
        try:
            meta = plugins.jurisdiction(name)
            where = f"{meta.division_code} {meta.name}"
        except QingdanError as exc:
            where = f"BROKEN: {exc.detail}"
        print(f"{name:<10} {info.version:<8} {where}")
        print(f"{'':<10} hooks: {', '.join(info.hooks)}")


def cmd_plugins_new(args: argparse.Namespace) -> None:
    from tenants.scaffold import scaffold

    try:
        root = scaffold(args.name, args.dir, division_code=args.division_code, title=args.title)
    except QingdanError as exc:
        sys.exit(f"error: {exc.detail}")
    print(f"created {root}")
    print(f"next: pip install -e {root} && (cd {root} && pytest); then replace the placeholder data")


# --- serving ---------------------------------------------------------------------------


def _check_port(host: str, port: int) -> None:
    """Refuse a port that is taken now, before minutes of migrating and provisioning."""
    if port == 0:  # the system picks a free one
        return
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        sys.exit(f"error: cannot listen on --host {host}: {exc.strerror}")
    with socket.socket(family, kind, proto) as probe:
        # As uvicorn binds: a port whose old connections linger in TIME_WAIT is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                sys.exit(
                    f"error: port {port} on {host} is already in use; stop what listens there or choose another --port"
                )
            sys.exit(f"error: cannot listen on {host}:{port}: {exc.strerror}")


def _served_url(host: str, port: int) -> str:
    """The base URL of ``--host``/``--port``; an unspecified host (all interfaces) is reached
    on this machine at loopback."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"http://{host}:{port}"
    if address.is_unspecified:
        address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    return f"http://[{address}]:{port}" if address.version == 6 else f"http://{address}:{port}"


def _serving_settings(args: argparse.Namespace, *, demo: bool) -> Settings:
    """Settings for serve/demo. Without QINGDAN_PUBLIC_URL, links and QR codes follow
    ``--host``/``--port``; it is put into the environment, which uvicorn's worker processes
    (``--workers N``) inherit and read their settings from. The demo makes handbooks even
    with a loopback public URL (with a warning); ``serve`` refuses them."""
    if not os.environ.get("QINGDAN_PUBLIC_URL"):
        os.environ["QINGDAN_PUBLIC_URL"] = _served_url(args.host, args.port)
    if demo and not os.environ.get("QINGDAN_ALLOW_LOOPBACK_PUBLIC_URL"):
        os.environ["QINGDAN_ALLOW_LOOPBACK_PUBLIC_URL"] = "1"
    return _settings(args)


def _warn_local_public_url(settings: Settings) -> None:
    if not is_local_url(settings.public_base_url):
        return
    consequence = (
        "handbooks are made anyway (demo), but their QR codes open nothing on a phone"
        if settings.allow_loopback_public_url
        else "handbooks are refused, since their QR codes would open nothing on a phone"
    )
    print(
        f"warning: the public URL {settings.public_base_url} is reached only from this machine; {consequence}. "
        "Set QINGDAN_PUBLIC_URL to the address phones and browsers reach this service at.",
        file=sys.stderr,
    )


def _serve(settings: Settings, host: str, port: int, workers: int) -> None:
    import uvicorn

    from api.limits import http_protocol

    _warn_local_public_url(settings)
    print(f"Qingdan on http://{host}:{port}  (API docs /docs, GraphQL /graphql, health /healthz)", flush=True)
    # With several workers uvicorn's supervisor stays in this process and its children build the
    # app from the environment: they find QINGDAN_DATABASE_URL (set by open_database) and so
    # connect to this process's embedded server rather than starting their own. This process
    # stops that server when uvicorn returns (main()).
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        http=http_protocol(),  # uvicorn's own choice plus a deadline for request headers (api/limits.py)
    )


def cmd_serve(args: argparse.Namespace) -> None:
    settings = _serving_settings(args, demo=False)
    _check_port(args.host, args.port)

    async def check() -> None:
        await open_database(settings)
        await db.disconnect()

    try:
        asyncio.run(check())
    except QingdanError as exc:
        sys.exit(f"error: {exc.detail}")
    _serve(settings, args.host, args.port, args.workers)


def cmd_demo(args: argparse.Namespace) -> None:
    from api.demo import provision_demo

    settings = _serving_settings(args, demo=True)
    if not args.no_serve:
        _check_port(args.host, args.port)

    async def prepare() -> None:
        await open_database(settings, require_current=False)
        try:
            await install.migrate(progress=print)
            await provision_demo(f"http://{args.host}:{args.port}")
        finally:
            await db.disconnect()

    asyncio.run(prepare())
    if not args.no_serve:
        _serve(settings, args.host, args.port, args.workers)


# --- citus ----------------------------------------------------------------------------


def _cluster(args: argparse.Namespace) -> Any:
    from core.platform import citus

    root = Path(args.dir) if args.dir else _settings(args).data_dir / "citus"
    return citus.Cluster(root, workers=args.workers)


def cmd_citus_start(args: argparse.Namespace) -> None:
    url = _cluster(args).start()
    print(f"Citus cluster running; coordinator: {url}")
    print(f"  QINGDAN_DATABASE_URL={url} qingdan migrate   # migrates and distributes")
    print(f"  qingdan citus stop{' --dir ' + args.dir if args.dir else ''}")


def cmd_citus_stop(args: argparse.Namespace) -> None:
    _cluster(args).stop()
    print("Citus cluster stopped")


def cmd_citus_add_worker(args: argparse.Namespace) -> None:
    import asyncio

    node = asyncio.run(_cluster(args).add_worker())
    print(f"worker {node.name} on port {node.port} joined; it holds no shards until a rebalance:")
    print("  SELECT citus_rebalance_start(shard_transfer_mode => 'block_writes'); SELECT citus_rebalance_wait();")


def cmd_citus_distribute(args: argparse.Namespace) -> None:
    from core.platform import distribution

    async def work() -> None:
        conn = await db.acquire()
        try:
            if not await distribution.is_citus(conn):
                print("not a Citus database (no citus extension): nothing to distribute")
                return
            placed = await distribution.distribute(conn, db.app_role())
        finally:
            await db.DB.pool.release(conn)  # type: ignore[union-attr]
        for line in placed or ["every table is already in place"]:
            print(line)

    _run(args, work)


# --- contracts -------------------------------------------------------------------------


def contracts() -> dict[str, str]:
    """The OpenAPI document and GraphQL SDL as the code defines them now."""
    from strawberry.printer import print_schema

    from api.app import create_app
    from api.graphql.endpoint import schema as graphql_schema
    from api.openapi_contract import document as openapi_document

    app = create_app(manage_database=False)
    document = openapi_document(app)
    return {
        "openapi.json": json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        "schema.graphql": print_schema(graphql_schema) + "\n",
    }


def cmd_openapi(args: argparse.Namespace) -> None:
    out = Path(args.output)
    drift = []
    for name, text in contracts().items():
        path = out / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                drift.append(name)
        else:
            out.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if drift:
        sys.exit(f"contracts drifted from the code: {', '.join(drift)}; run `qingdan openapi`")
    if args.check:
        print("contracts are current")


# --- parser ----------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qingdan", description=__doc__)
    p.add_argument("--data-dir", help="where the embedded database and files live (QINGDAN_DATA_DIR)")
    sub = p.add_subparsers(dest="command", required=True)

    def server_options(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--host", default="127.0.0.1")
        sp.add_argument("--port", type=int, default=8000)
        sp.add_argument("--workers", type=int, default=1)

    sp = sub.add_parser("serve", help="serve the API (refuses an outdated schema)")
    server_options(sp)
    sp.set_defaults(func=cmd_serve)

    sp = sub.add_parser("demo", help="migrate, load one demo tenant per plugin, print keys, serve")
    server_options(sp)
    sp.add_argument("--no-serve", action="store_true", help="prepare and print keys only")
    sp.set_defaults(func=cmd_demo)

    sub.add_parser("migrate", help="bring the database schema up to date").set_defaults(func=cmd_migrate)

    tenant = sub.add_parser("tenant", help="tenants").add_subparsers(dest="action", required=True)
    sp = tenant.add_parser("create", help="create a tenant, empty or from a plugin")
    sp.add_argument("--slug", required=True)
    sp.add_argument("--name", required=True)
    sp.add_argument("--division-code")
    sp.add_argument("--plugin", help="provision the plugin's jurisdiction tree and units")
    sp.add_argument(
        "--kind",
        choices=["county", "city", "province"],
        default="county",
        help="a county keeps lists; a city or province oversees counties that grant it (docs/oversight.md)",
    )
    sp.set_defaults(func=cmd_tenant_create)
    tenant.add_parser("list", help="list tenants").set_defaults(func=cmd_tenant_list)

    apikey = sub.add_parser("apikey", help="API keys").add_subparsers(dest="action", required=True)
    sp = apikey.add_parser("create", help="issue a key (shown once)")
    sp.add_argument("--tenant")
    sp.add_argument("--role", choices=[r.value for r in Role if r is not Role.PLATFORM])
    sp.add_argument("--scope", help="township division code or department unit code")
    sp.add_argument("--name", default="command line")
    sp.add_argument("--platform", action="store_true", help="a platform key reaching every tenant")
    sp.set_defaults(func=cmd_apikey_create)
    sp = apikey.add_parser("list", help="list keys (never their secrets)")
    sp.add_argument("--tenant")
    sp.add_argument("--platform", action="store_true")
    sp.set_defaults(func=cmd_apikey_list)
    sp = apikey.add_parser("revoke", help="revoke a key by id")
    sp.add_argument("id")
    sp.add_argument("--tenant", help="the key's tenant (omit for a platform key)")
    sp.set_defaults(func=cmd_apikey_revoke)

    plugins = sub.add_parser("plugins", help="jurisdiction plugins").add_subparsers(dest="action", required=True)
    plugins.add_parser("list", help="installed plugins and their hooks").set_defaults(func=cmd_plugins_list)
    new = plugins.add_parser("new", help="scaffold a plugin package whose conformance tests pass as written")
    new.add_argument("name", help="the plugin's name (what tenant create --plugin takes), e.g. anxi")
    new.add_argument("--dir", type=Path, default=Path("."), help="where to create qingdan-NAME (default: here)")
    new.add_argument("--division-code", default="350524", help="the county's 6-digit GB/T 2260 code")
    new.add_argument("--title", default="示例县", help="the county's name")
    new.set_defaults(func=cmd_plugins_new)

    citus = sub.add_parser("citus", help="a Citus cluster (docs/scale-out.md)").add_subparsers(
        dest="action", required=True
    )
    for name, func, text in (
        ("start", cmd_citus_start, "start a coordinator and workers on loopback (builds Citus when missing)"),
        ("stop", cmd_citus_stop, "stop the cluster started by `citus start`"),
        ("add-worker", cmd_citus_add_worker, "start one more worker and register it (then rebalance)"),
    ):
        sp = citus.add_parser(name, help=text)
        sp.add_argument("--dir", help="where the nodes' data lives (default: DATA_DIR/citus)")
        sp.add_argument("--workers", type=int, default=2)
        sp.set_defaults(func=func)
    citus.add_parser(
        "distribute", help="reference and distribute the tables (migrate does it too); nothing on one PostgreSQL"
    ).set_defaults(func=cmd_citus_distribute)

    sp = sub.add_parser("openapi", help="write openapi/openapi.json and openapi/schema.graphql")
    sp.add_argument("--check", action="store_true", help="exit non-zero if the files drifted")
    sp.add_argument("--output", default=str(CONTRACTS))
    sp.set_defaults(func=cmd_openapi)
    return p


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C's KeyboardInterrupt so that every command unwinds the same
    way. (Python's default SIGTERM action ends the process on the spot: no ``finally``, no exit
    hooks, and the embedded PostgreSQL left running. uvicorn re-raises the signal after its
    graceful shutdown, which is how ``serve`` used to leave it.)"""


_terminated = False


def _terminate(signum: int, frame: Any) -> None:
    """Inside ``asyncio.run`` hand SIGTERM to the runner's own Ctrl-C handler, which cancels
    the main task so that it unwinds through its ``finally`` blocks (raising here, wherever the
    loop happens to be, could leave a task that never finished its cancellation and
    ``asyncio.run`` waiting for it forever); elsewhere raise it like Ctrl-C."""
    global _terminated
    _terminated = True
    on_sigint = signal.getsignal(signal.SIGINT)
    if callable(on_sigint) and on_sigint is not signal.default_int_handler:
        on_sigint(signal.SIGINT, frame)  # asyncio.Runner's: cancel the main task (or raise when repeated)
        return
    raise Terminated


def _stop_database() -> None:
    """Release the embedded PostgreSQL (stopping it unless another process uses it). A second
    Ctrl-C or SIGTERM while it stops is ignored, so the stop is not cut short."""
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        db.stop_embedded()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        args.func(args)
    except KeyboardInterrupt as exc:
        name = "SIGTERM" if isinstance(exc, Terminated) or _terminated else "SIGINT"
        if args.func in (cmd_serve, cmd_demo):  # the way to stop a server: a clean exit
            print(f"stopped ({name})", file=sys.stderr)
        else:
            print(f"interrupted ({name})", file=sys.stderr)
            raise SystemExit(128 + (signal.SIGTERM if name == "SIGTERM" else signal.SIGINT)) from None
    finally:
        _stop_database()
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    main()
