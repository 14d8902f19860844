"""The litestar application factory."""

from __future__ import annotations

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme, Server

from api.auth import DEPENDENCIES
from api.docs import assets_router, render_plugins
from api.errors import EXCEPTION_HANDLERS
from api.graphql.endpoint import graphql_controller
from api.limits import body_timeouts, rate_limits
from api.middleware import configure_logging, request_context
from api.openapi_contract import install as finish_openapi
from api.portal import portal_router
from api.rest.accountability import AccountabilityController
from api.rest.calendar import CalendarController
from api.rest.calls import CallController
from api.rest.catalog import CatalogController
from api.rest.evaluation import EvaluationController
from api.rest.events import EventController, WebhookController
from api.rest.exchange import ExchangeController
from api.rest.files import download
from api.rest.handbooks import ROUTES as HANDBOOK_ROUTES
from api.rest.health import healthz, readyz
from api.rest.jurisdictions import JurisdictionController
from api.rest.legal import LegalController
from api.rest.lookup import LookupController
from api.rest.oversight import (
    CountyIndicatorController,
    OverseenCountyController,
    OversightComparisonController,
    OversightGrantController,
)
from api.rest.portal_figures import PortalFiguresController
from api.rest.portal_footer import PortalFooterController
from api.rest.posts import PostController
from api.rest.publications import ROUTES as PUBLICATION_ROUTES
from api.rest.search import SearchController
from api.rest.tenants import ApiKeyController, AuditController, TenantController
from api.rest.township_list_index import ROUTES as LIST_INDEX_ROUTES
from api.rest.township_lists import TownshipListController
from api.rest.units import UnitController
from api.rest.workflows import AdjustmentApplicationController, AdmissionController, WorkflowController
from api.runtime import open_database
from api.security_headers import security_headers
from core.events import service as events
from core.events.service import DeliveryWorker
from core.exchange import tables
from core.exchange.retention import ExportSweeper
from core.exchange.retention import configure as configure_export_retention
from core.exchange.unpack import WorkbookLimits
from core.lists import item_views
from core.platform import db
from core.platform.settings import Settings, load_settings
from core.platform.storage import make_storage
from core.publication import bodies as published_bodies
from core.publication import lookup, portal
from tenants.deadlines import DeadlineSweeper
from tenants.lookup_warmup import LookupWarmer

API_DESCRIPTION = """\
Qingdan keeps township duty-item lists (乡镇(街道)履职事项清单) for county governments.

Authenticate with `Authorization: Bearer <API key>`. Tenant-owned resources live under
`/api/v1/tenants/{tenant}/…`; another tenant's resources answer 404. Errors are RFC 9457
`application/problem+json`. Lists are cursor-paginated (`limit`, `cursor` → `next_cursor`).
Updates take `If-Match: "<version>"` (or a `version` field) and answer 412 when stale.
The same data is available over GraphQL at `/graphql`.
"""


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Litestar:
    """Build the app. With ``manage_database`` the app opens and closes the pool itself;
    tests that share one pool across apps pass ``False``."""
    settings = settings or load_settings()
    storage = make_storage(settings)
    configure_logging()
    published_bodies.cache.max_entries = settings.cache_lists
    published_bodies.cache.max_bytes = settings.cache_list_bytes
    published_bodies.cache.tenant_share = settings.cache_tenant_share
    published_bodies.store_enabled = settings.store_list_bodies
    item_views.cache.max_items = settings.cache_item_views
    lookup.configure_cache(settings.cache_lookup_bytes, settings.cache_tenant_share)
    portal.page_cache.size = settings.cache_pages
    configure_export_retention(settings.export_retention_hours)
    tables.configure(
        WorkbookLimits(
            settings.workbook_max_uncompressed_bytes,
            settings.workbook_max_ratio,
            settings.workbook_max_rows,
            settings.workbook_max_columns,
        )
    )

    workers: list[DeliveryWorker | DeadlineSweeper | ExportSweeper | LookupWarmer] = []

    async def startup() -> None:
        await open_database(settings, app=True)
        if events.config().worker:  # webhook deliveries (QINGDAN_EVENT_WORKER=off disables)
            workers.append(DeliveryWorker())
            await workers[-1].start()
        if settings.deadline_sweep_seconds > 0:  # expired workflow deadlines
            sweeper = DeadlineSweeper(settings.deadline_sweep_seconds)
            sweeper.start()
            workers.append(sweeper)
        if settings.lookup_warmup_seconds > 0:  # the lookup's dictionary and indexes, in the background
            warmer = LookupWarmer(settings.lookup_warmup_seconds)
            warmer.start()
            workers.append(warmer)
        if settings.export_retention_hours > 0:  # stored exports past their retention
            exports = ExportSweeper(storage)
            exports.start()
            workers.append(exports)

    async def shutdown() -> None:
        while workers:
            await workers.pop().stop()
        await db.disconnect()

    graphql = Router(path="/", route_handlers=[graphql_controller(settings)], include_in_schema=False)
    app = Litestar(
        route_handlers=[
            healthz,
            readyz,
            download,
            *HANDBOOK_ROUTES,
            *PUBLICATION_ROUTES,
            *LIST_INDEX_ROUTES,
            TenantController,
            ApiKeyController,
            AuditController,
            JurisdictionController,
            UnitController,
            CatalogController,
            CallController,
            ExchangeController,
            TownshipListController,
            LegalController,
            EvaluationController,
            AccountabilityController,
            PostController,
            PortalFooterController,
            PortalFiguresController,
            OversightGrantController,
            OverseenCountyController,
            OversightComparisonController,
            CountyIndicatorController,
            LookupController,
            SearchController,
            portal_router,
            CalendarController,
            WebhookController,
            EventController,
            WorkflowController,
            AdmissionController,
            AdjustmentApplicationController,
            graphql,
            assets_router(),  # /docs/assets: Redoc, Swagger UI and GraphiQL offline (api/docs.py)
        ],
        dependencies=DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,
        # Outermost first: body timeouts cover every read of the body (request_context's JSON guard reads first).
        middleware=[body_timeouts(settings), request_context, rate_limits(settings)],
        before_send=[security_headers(settings.public_base_url)],  # every response, routed or not
        on_startup=[startup] if manage_database else [],
        on_shutdown=[shutdown] if manage_database else [],
        request_max_body_size=settings.max_request_bytes,
        state=State({"settings": settings, "storage": storage}),
        openapi_config=OpenAPIConfig(
            title="Qingdan API",
            version="1.0.0",
            description=API_DESCRIPTION,
            servers=[Server(url="/")],
            components=Components(
                security_schemes={"apiKey": SecurityScheme(type="http", scheme="bearer", description="qd_… API key")}
            ),
            security=[{"apiKey": []}],
            path="/docs",
            render_plugins=render_plugins(),
        ),
        debug=False,
    )
    return finish_openapi(app)  # the served and committed document: api/openapi_contract.py
