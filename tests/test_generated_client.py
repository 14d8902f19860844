"""A client generated from openapi/openapi.json by openapi-python-client, as county IT would make one.

The generator must not warn (every dropped response, schema or operation is a gap in the
contract), and the typed client must run a real flow over the app: read the catalog, claim,
submit, file and publish a township list, read it back as a model, get a typed problem for a
422, download the catalog as .xlsx (through its signed link, and as a typed ``File`` from the
workbook operation) and upload it again."""

from __future__ import annotations

import datetime
import importlib
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import httpx
import pytest
from openapi_python_client import generate
from openapi_python_client.config import Config, ConfigFile, MetaType
from openpyxl import load_workbook

from core.exchange.excel import XLSX
from tests.catalog_fixtures import DOMAIN, PATROL, PERMIT, RECOVERED, add_items, build_county, publish
from tests.conftest import TenantFixture, issue_key

DOCUMENT = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"
PACKAGE = "qingdan_client"
LIUCHENG = "510115001000"


@pytest.fixture
def generated(tmp_path: Path) -> Iterator[str]:
    """Generate the client package into tmp_path and make it importable; fail on any warning."""
    config = Config.from_sources(
        # no post hooks: they only run ruff over the generated code (formatting, import order)
        ConfigFile(post_hooks=[]),
        MetaType.NONE,
        document_source=DOCUMENT,
        file_encoding="utf-8",
        overwrite=True,
        output_path=tmp_path / PACKAGE,
    )
    problems = generate(config=config)
    # each is what the CLI prints as a warning or an error ("Cannot parse response", a dropped schema …)
    assert [f"{p.level}: {p.header} {p.detail}" for p in problems] == []
    sys.path.insert(0, str(tmp_path))
    try:
        yield PACKAGE
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


def typed_client(app: Any, key: str) -> Any:
    """The generated AuthenticatedClient over the app in process (the httpx client replaces its own,
    headers included, so the key goes on it)."""
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://qingdan.test",
        headers={"Authorization": f"Bearer {key}"},
    )
    return module("client").AuthenticatedClient(base_url="http://qingdan.test", token=key).set_async_httpx_client(http)


async def test_a_generated_client_runs_the_list_flow_with_typed_errors_and_workbooks(
    generated: str, app: Any, client: httpx.AsyncClient, tenant: TenantFixture, tmp_path: Path
) -> None:
    await build_county(client, tenant)
    await add_items(client, tenant, DOMAIN, PATROL, PERMIT, RECOVERED)
    await publish(client, tenant)
    township_key = await issue_key(tenant, client, "township", LIUCHENG)
    models = module("models")
    File = module("types").File
    catalog = module("api.catalog.list_catalog_items")
    claim = module("api.township_lists.claim_item")
    submit = module("api.township_lists.submit_list")
    file_list = module("api.township_lists.file_list")
    publish_list = module("api.township_lists.publish_list")
    published = module("api.township_lists.get_published_list")
    export = module("api.exchange.export_catalog_version")
    download = module("api.files.download_file")
    workbook_of_version = module("api.exchange.download_catalog_workbook")
    import_catalog = module("api.exchange.import_catalog")

    async with typed_client(app, tenant.admin) as county, typed_client(app, township_key) as township:
        items = await catalog.asyncio_detailed(tenant.slug, client=county, version="1")
        assert items.status_code == 200 and isinstance(items.parsed, models.ItemViewPage), items.content
        assert sorted(i.code for i in items.parsed.items) == ["CON-01", "SAF", "SAF-01", "SAF-02"]

        claimed = await claim.asyncio_detailed(
            tenant.slug,
            LIUCHENG,
            client=township,
            body=models.Claim(item_code="CON-01", justification="辖区内有农村建房需求"),
            idempotency_key="claim-1",
        )
        assert claimed.status_code == 201 and isinstance(claimed.parsed, models.TownshipList), claimed.content

        # a typed problem: the item does not exist (422, a domain rule)
        refused = await claim.asyncio_detailed(
            tenant.slug, LIUCHENG, client=township, body=models.Claim(item_code="NOPE", justification="想要")
        )
        assert refused.status_code == 422 and isinstance(refused.parsed, models.Problem), refused.content
        assert refused.parsed.status == 422 and refused.parsed.code and "NOPE" in refused.parsed.detail
        assert [e.field for e in refused.parsed.errors] == ["item_code"]

        assert (await submit.asyncio(tenant.slug, LIUCHENG, client=township)).status == "submitted"
        assert (await file_list.asyncio(tenant.slug, LIUCHENG, client=county)).status == "filed"
        done = await publish_list.asyncio_detailed(
            tenant.slug, LIUCHENG, client=county, body=models.ListPublish(effective_date=datetime.date(2025, 2, 1))
        )
        assert done.status_code == 200, done.content
        lst = await published.asyncio(tenant.slug, LIUCHENG, client=county)
        assert isinstance(lst, models.TownshipList) and lst.version == 1 and lst.township_name == "柳城街道"
        assert sorted(e.item.code for e in lst.entries) == ["CON-01", "SAF", "SAF-01", "SAF-02"]

        # the workbook: a signed link (typed), then the file through the generated download
        link = await export.asyncio(tenant.slug, "1", client=county)
        assert isinstance(link, models.ExportLink) and link.rows == 4, link
        token = link.url.rsplit("/files/", 1)[1].split("?")[0]
        workbook = await download.asyncio_detailed(token, client=county)
        assert workbook.status_code == 200 and isinstance(workbook.parsed, File)
        data = workbook.parsed.payload.read()
        # or in one call: the workbook operation's answer is a File (not JSON decoded from bytes)
        direct = await workbook_of_version.asyncio_detailed(tenant.slug, "1", client=county)
        assert direct.status_code == 200 and isinstance(direct.parsed, File), direct.content[:200]
        assert direct.headers["content-type"] == XLSX and "attachment" in direct.headers["content-disposition"]
        assert [[c.value for c in row] for row in load_workbook(direct.parsed.payload).worksheets[0].iter_rows()] == [
            [c.value for c in row] for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows()
        ]
        missing = await workbook_of_version.asyncio_detailed(tenant.slug, "99", client=county)
        assert missing.status_code == 404 and isinstance(missing.parsed, models.Problem), missing.content
        book = load_workbook(io.BytesIO(data))
        rows = list(book.worksheets[0].iter_rows())
        header = [c.value for c in rows[0]]
        assert len(rows) == 5 and "事项名称" in header
        edited = rows[1][header.index("事项名称")]
        edited.value = f"{edited.value}（修订）"
        buffer = io.BytesIO()
        book.save(buffer)
        changed_code = rows[1][header.index("编码")].value

        # and back in. An async upload needs an async file (httpx streams a plain BinaryIO only
        # synchronously; openapi-python-client issue #1239): anyio's, as that issue advises.
        path = tmp_path / "catalog.xlsx"
        path.write_bytes(buffer.getvalue())
        async with await anyio.open_file(path, "rb") as upload:
            report = await import_catalog.asyncio_detailed(
                tenant.slug, client=county, body=File(payload=upload, file_name="catalog.xlsx"), dry_run=True
            )
        assert report.status_code == 200 and isinstance(report.parsed, models.ImportReport), report.content
        assert report.parsed.dry_run and not report.parsed.applied and report.parsed.rows == 4
        assert report.parsed.added == [] and [c.code for c in report.parsed.changed] == [changed_code]
        async with await anyio.open_file(path, "rb") as upload:  # a published catalog changes only with a reason
            unexplained = await import_catalog.asyncio_detailed(tenant.slug, client=county, body=File(payload=upload))
        assert unexplained.status_code == 422 and isinstance(unexplained.parsed, models.Problem), unexplained.content
        assert unexplained.parsed.code and unexplained.parsed.errors
