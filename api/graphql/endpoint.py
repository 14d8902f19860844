"""Mounting the schema in litestar at ``/graphql``."""

from __future__ import annotations

import msgspec
from litestar import Controller
from strawberry.litestar import make_graphql_controller

from api.docs import graphiql_html
from api.graphql.context import context_getter
from api.graphql.schema import build_schema
from core.platform.settings import Settings

#: The schema with default limits, for ``strawberry export-schema api.graphql.endpoint:schema``.
schema = build_schema()


def graphql_controller(settings: Settings) -> type[Controller]:
    limited = build_schema(max_depth=settings.graphql_max_depth, max_aliases=settings.graphql_max_aliases)
    base = make_graphql_controller(limited, path="/graphql", context_getter=context_getter(settings))

    class GraphQLController(base):  # type: ignore[valid-type,misc]
        graphql_ide_html = graphiql_html()  # scripts from /docs/assets, not unpkg (api/docs.py)

        def encode_json(self, data: object) -> bytes:
            # msgspec writes UTF-8 rather than json.dumps' \u escapes: a Chinese list is a
            # third smaller, and encoded several times faster.
            return msgspec.json.encode(data)

    return GraphQLController
