"""A shorter path through graphql-core for plain fields.

A whole township list is about 27,500 fields, nearly all of them plain attributes (no
resolver, no arguments, no permission classes) holding strings, numbers, lists of them or
nested plain objects. graphql-core runs each field through its general machinery — a path
entry, a resolve-info object, the resolver call, an awaitable check and value completion —
at a few microseconds per field, which made a 500-entry list six times slower over GraphQL
than over REST.

For a plain field this context reads the attribute itself: a leaf is coerced in place, an
object (or a list of objects) has its sub-selection executed directly. Everything else —
resolvers, abstract types, ``@defer``, resolver middleware, a null where the schema forbids
one, a value that fails coercion — takes graphql-core's own path, so results and errors are
the same as without the shortcut (tests/test_graphql_execution.py compares both).

A published list never changes. Shown as a :class:`Frozen` list, its completed value for a
selection is kept, encoded as JSON, and the next request asking the same selection gets those
bytes (a ``msgspec.Raw``, which the endpoint's msgspec encoder writes as they are) without
the views being decoded, wrapped or completed again — when the completion touched plain fields
only (no resolver, so nothing depends on the caller) and raised no error. Where the bytes are
kept is the list's to say (:class:`Renderings`: for a published township list, beside its
stored body in core.publication.bodies' per-process cache, within its byte budget).

A list that is not kept yet for a selection is *transcoded* when its views are shown as they are
(``Frozen(..., same_fields=True)``: every plain field of the wrapped object holds the view's
attribute of the same name, nested objects too) and the selection has plain fields only, of the
built-in scalars and JSON: the selection becomes a :class:`~core.publication.renderings.Shape`
(per field the response name, the view's attribute, the leaf kind), which core renders with
msgspec Struct types in C — no wrapping, no per-field Python. A value the Struct types refuse (a
null where the schema forbids one, an Int beyond 32 bits, a string where a number is due …) sends
the list down the path above, which answers or reports it as graphql-core does.

A published list's parts (:class:`SharedRenderings`) also store a transcoded selection for every
process, by its shape: a selection this process has not kept is asked of PostgreSQL (the list's
own transaction already fetched the shapes expected), rendered from the body only when nobody
stored it yet, and then stored (core.publication.renderings; docs/decisions.md).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar, Protocol, runtime_checkable

import msgspec
from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    is_leaf_type,
    print_ast,
)
from graphql.pyutils import Path, Undefined
from graphql.pyutils.gather_with_cancel import gather_with_cancel
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext, validate_document

from core.publication import renderings as rendered
from core.publication.renderings import Field, Shape

_SLOW = object()  # the marker for "take graphql-core's path"

#: Values of exactly these classes are already what the built-in scalars output (not ``Int`` nor
#: ``Float``: graphql-core refuses an int beyond 32 bits and a float that is not finite).
_EXACT = {"String": str, "ID": str, "Boolean": bool}


class _Plain:
    """What a plain field returns: ``kind`` (a leaf or an object type), whether it is a list
    (of non-null items) and whether it may be null."""

    __slots__ = ("coerce", "exact", "kind", "listed", "name", "nullable", "scalar", "type")

    def __init__(self, field: GraphQLField) -> None:
        self.name = field.extensions["strawberry-definition"].python_name
        self.type: GraphQLOutputType = field.type
        self.nullable = not isinstance(field.type, GraphQLNonNull)
        kind = field.type if self.nullable else field.type.of_type
        self.listed = isinstance(kind, GraphQLList)
        if self.listed:
            if not isinstance(kind.of_type, GraphQLNonNull):  # nullable items: graphql-core's path
                raise TypeError
            kind = kind.of_type.of_type
        self.exact: type | None = None
        if is_leaf_type(kind):
            self.coerce = kind.coerce_output_value
            self.exact = _EXACT.get(kind.name)
        elif isinstance(kind, GraphQLObjectType) and kind.is_type_of is None:
            self.coerce = None
        else:
            raise TypeError
        self.kind = kind
        #: For a single built-in scalar: the class whose values need no coercion.
        self.scalar = None if self.listed else self.exact


#: The plan's marker for ``__typename``.
_TYPENAME: Any = object()


def _plain(field: GraphQLField) -> _Plain | None:
    """The shortcut for a field strawberry resolves with its default ``getattr``."""
    definition = field.extensions.get("strawberry-definition")
    if definition is None or definition.default_resolver is not getattr:
        return None
    if not getattr(field.resolve, "_is_default", False) or field.args:
        return None
    try:
        return _Plain(field)
    except TypeError:
        return None


class Renderings(Protocol):
    """Where a :class:`Frozen` list's completed selections are kept, by name."""

    def rendered(self, name: str) -> bytes | None: ...

    def keep(self, name: str, data: bytes) -> None: ...


@runtime_checkable
class SharedRenderings(Renderings, Protocol):
    """Renderings also stored for every process, by the selection's shape (a published list's
    parts: core.lists.service.PublishedParts). The views may need reading first (``load``): the
    list's transaction read only the renderings it expected."""

    @property
    def loaded(self) -> bool: ...

    async def load(self) -> None: ...

    def seen(self, shape: Shape) -> None: ...

    def asked(self, shape: Shape) -> bool: ...

    async def fetch(self, shape: Shape) -> bytes | None: ...

    async def share(self, shape: Shape, data: bytes) -> None: ...


class Frozen(Sequence[Any]):
    """Immutable views shown to GraphQL as ``wrap(view)`` items, built only when a completion
    needs them; ``views`` is the sequence or a function loading it (called at most once).
    The views must never change, and ``wrap`` must put nothing caller-specific into a plain
    field (resolvers may use the caller: they are not reused). Completed selections are kept
    in ``renderings`` under ``name`` + the selection; without one, in a small map of this
    process keyed by the views' identity (:class:`_Completed`). ``same_fields`` says that
    ``wrap`` only copies: a plain field of ``wrap(view)`` holds ``view``'s attribute of the
    same name, and so on down nested objects — the views can then be transcoded without being
    wrapped (module docstring). The views and their nested objects must be objects, not
    mappings: msgspec would match a mapping's keys against the response names.
    """

    __slots__ = ("_items", "_load", "_views", "_wrap", "name", "renderings", "same_fields")

    def __init__(
        self,
        views: Sequence[Any] | Callable[[], Sequence[Any]],
        wrap: Callable[[Any], Any],
        renderings: Renderings | None = None,
        name: str = "",
        *,
        same_fields: bool = False,
    ) -> None:
        self._views, self._load = (None, views) if callable(views) else (views, None)
        self._wrap = wrap
        self._items: list[Any] | None = None
        self.renderings = renderings
        self.name = name
        self.same_fields = same_fields

    @property
    def views(self) -> Sequence[Any]:
        if self._views is None:
            assert self._load is not None
            self._views = self._load()
        return self._views

    def _wrapped(self) -> list[Any]:
        if self._items is None:
            self._items = [self._wrap(v) for v in self.views]
        return self._items

    def __len__(self) -> int:
        return len(self.views)

    def __getitem__(self, index: Any) -> Any:
        return self._wrapped()[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._wrapped())


class _Completed:
    """Completed values of :class:`Frozen` lists without renderings of their own, by (views,
    selection), least recently used first out. Each entry keeps its views alive, so an ``id``
    is never reused under it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[int, str], tuple[Sequence[Any], bytes]] = OrderedDict()

    def get(self, views: Sequence[Any], selection: str) -> bytes | None:
        found = self._entries.get((id(views), selection))
        if found is None or found[0] is not views:
            return None
        self._entries.move_to_end((id(views), selection))
        return found[1]

    def put(self, views: Sequence[Any], selection: str, completed: bytes) -> None:
        self._entries[(id(views), selection)] = (views, completed)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


def _coerced(plain: _Plain, value: Any) -> Any:
    coerce = plain.coerce
    if value.__class__ is plain.exact:
        return value
    if plain.listed:
        values = [coerce(v) for v in value]
        return _SLOW if any(v is None or v is Undefined for v in values) else values
    coerced = coerce(value)
    return _SLOW if coerced is None or coerced is Undefined else coerced


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution context with the plain-field shortcut."""

    _plains: ClassVar[dict[tuple[int, str, str], _Plain | None]] = {}
    completed: ClassVar[_Completed] = _Completed(16)
    _printed: ClassVar[dict[int, tuple[tuple[Any, ...], str]]] = {}
    #: Shapes of transcoded selections (None: this selection cannot be), by schema, type, the
    #: list's part and selection (see :meth:`_selection`).
    _shapes: ClassVar[OrderedDict[tuple[int, str, str, str], Shape | None]] = OrderedDict()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # strawberry always passes a manager; it wraps resolvers only when an extension
        # implements ``resolve`` (none of ours does, but the shortcut must not skip one).
        manager = self.middleware_manager
        self._has_middleware = bool(manager and getattr(manager, "_middleware_resolvers", True))
        self._plans: dict[int, tuple[Any, list[tuple[str, Any, _Plain | None]]]] = {}
        self._resolved = 0  # fields that went through graphql-core's path (a resolver, maybe)

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> list[tuple[str, Any, _Plain | None]]:
        """Each field of a selection with its shortcut; graphql-core memoizes sub-selections,
        so a list's items share one plan."""
        key = id(grouped_field_set)
        cached = self._plans.get(key)
        if cached is not None and cached[0] is grouped_field_set:
            return cached[1]
        plan = [(name, details, self._plain(parent_type, details)) for name, details in grouped_field_set.items()]
        self._plans[key] = (grouped_field_set, plan)
        return plan

    def _plain(self, parent_type: GraphQLObjectType, field_details_list: Any) -> _Plain | None:
        node = field_details_list[0].node
        if self._has_middleware or node.directives:
            return None
        if node.name.value == "__typename":  # clients such as Apollo add it everywhere
            return _TYPENAME
        key = (id(self.schema), parent_type.name, node.name.value)
        try:
            return self._plains[key]
        except KeyError:
            field = self.schema.get_field(parent_type, node.name.value)
            plain = self._plains[key] = _plain(field) if field else None
            return plain

    def _complete_plain(
        self, plain: _Plain, source: Any, field_details_list: Any, at: Any, position_context: Any
    ) -> Any:
        """The field's completed value, or ``_SLOW`` where graphql-core must decide. ``at``
        holds the arguments of the field's ``Path``, built only for objects: leaves need none."""
        value = getattr(source, plain.name)
        if value is None:
            return None if plain.nullable else _SLOW  # graphql-core raises the non-null error
        if plain.coerce is not None:
            return _coerced(plain, value)
        if plain.listed and isinstance(value, Frozen):
            return self._complete_frozen(plain, value, field_details_list, at, position_context)
        return self._complete_objects(plain, value, field_details_list, at, position_context)

    def _complete_frozen(
        self, plain: _Plain, value: Frozen, field_details_list: Any, at: Any, position_context: Any
    ) -> Any:
        selection = self._selection(field_details_list)
        kept = value.renderings
        shared = kept if isinstance(kept, SharedRenderings) else None
        shape = self._shape(plain, value, field_details_list, selection) if value.same_fields else None
        name = rendered.name(shape) if shape is not None else f"{value.name}\n{selection}"
        if shared is not None and shape is not None:
            shared.seen(shape)
        found = kept.rendered(name) if kept is not None else self.completed.get(value.views, selection)
        if found is not None:
            return msgspec.Raw(found)
        if shared is not None and (not shared.loaded or (shape is not None and not shared.asked(shape))):
            return self._shared_miss(shared, shape, plain, value, field_details_list, at, position_context)
        transcoded = rendered.render(shape, value.views) if shape is not None else None
        if transcoded is not None:
            if kept is None:
                self.completed.put(value.views, selection, transcoded)
                return msgspec.Raw(transcoded)
            kept.keep(name, transcoded)
            if shared is not None and shape is not None:
                return _shared(shared, shape, transcoded)
            return msgspec.Raw(transcoded)
        resolved, errors = self._resolved, len(self.collected_errors.errors)
        result = self._complete_objects(plain, value, field_details_list, at, position_context)
        pure = self._resolved == resolved and len(self.collected_errors.errors) == errors
        if pure and isinstance(result, list):
            try:
                encoded = msgspec.json.encode(result)
            except (TypeError, msgspec.EncodeError):  # not JSON as it stands: not kept
                return result
            if kept is not None:
                kept.keep(name, encoded)
            else:
                self.completed.put(value.views, selection, encoded)
        return result

    async def _shared_miss(
        self,
        shared: SharedRenderings,
        shape: Shape | None,
        plain: _Plain,
        value: Frozen,
        field_details_list: Any,
        at: Any,
        position_context: Any,
    ) -> Any:
        """A selection this process has not kept: its stored rendering, else :meth:`_complete_frozen`
        once the views are readable (it renders and shares the selection)."""
        if shape is not None and not shared.asked(shape):
            data = await shared.fetch(shape)
            if data is not None:
                return msgspec.Raw(data)
        await shared.load()
        result = self._complete_frozen(plain, value, field_details_list, at, position_context)
        return await result if self.is_awaitable(result) else result

    def _shape(self, plain: _Plain, value: Frozen, field_details_list: Any, selection: str) -> Shape | None:
        """The selection as a :class:`~core.publication.renderings.Shape` of ``value``'s part,
        or None where the selection or a value needs graphql-core's path."""
        key = (id(self.schema), plain.kind.name, value.name, selection)
        if key in self._shapes:
            self._shapes.move_to_end(key)
            return self._shapes[key]
        fields = self._fields(plain.kind, field_details_list)
        shape = self._shapes[key] = Shape(value.name, fields) if fields is not None else None
        if len(self._shapes) > 256:
            self._shapes.popitem(last=False)
        return shape

    def _fields(self, kind: GraphQLObjectType, field_details_list: Any) -> tuple[Field, ...] | None:
        """The sub-selection of ``kind`` in ``field_details_list`` as rendered fields: one per
        response name, in the response's order, read from the view's attribute; None when a
        field is not plain, not a built-in leaf, or read twice."""
        grouped, deferred, _ = self.collect_subfields(kind, field_details_list)
        if deferred:
            return None
        fields: list[Field] = []
        for response_name, details in grouped.items():
            plain = self._plain(kind, details)
            if plain is _TYPENAME:  # no view has it: the type's name
                fields.append(Field(response_name, "", constant=kind.name))
                continue
            if plain is None or any(f.key == plain.name for f in fields):
                return None
            if plain.coerce is not None:
                if plain.kind.name not in rendered.LEAVES:
                    return None
                leaf, nested = plain.kind.name, None
            else:
                leaf, nested = "", self._fields(plain.kind, details)
                if nested is None:
                    return None
            fields.append(Field(response_name, plain.name, leaf, nested, plain.listed, plain.nullable))
        return tuple(fields)

    def _selection(self, field_details_list: Any) -> str:
        """What decides a field's completed value besides its source: the printed field
        (alias, arguments, directives, sub-selection), the fragments it may spread and the
        variables it may read."""
        nodes = tuple(details.node for details in field_details_list)
        printed = self._printed.get(id(nodes[0]))
        if printed is None or printed[0] != nodes:  # parsed documents are cached: same nodes
            printed = self._printed[id(nodes[0])] = (nodes, "\n".join(print_ast(node) for node in nodes))
            if len(self._printed) > 256:
                self._printed.pop(next(iter(self._printed)))
        text = printed[1]
        if "..." in text:
            text += "".join(print_ast(f.definition) for _, f in sorted(self.fragments.items()))
        if "$" in text:
            text += repr(sorted(self.variable_values.coerced.items()))
        return text

    def _complete_objects(
        self, plain: _Plain, value: Any, field_details_list: Any, at: Any, position_context: Any
    ) -> Any:
        path = Path(*at)
        grouped, deferred, _ = self.collect_subfields(plain.kind, field_details_list)
        if deferred or self.is_awaitable(value):
            return _SLOW
        try:
            if not plain.listed:
                return self.execute_fields(plain.kind, value, path, grouped, position_context)
            if any(v is None for v in value):
                return _SLOW
            items = [
                self.execute_fields(plain.kind, v, Path(path, i, None), grouped, position_context)
                for i, v in enumerate(value)
            ]
        except Exception as error:
            # As graphql-core's execute_field: null this field, or bubble up if non-null.
            self.handle_field_error(error, plain.type, field_details_list, path)
            return None
        if not any(self.is_awaitable(item) for item in items):
            return items

        async def awaited() -> list[Any]:
            return await gather_with_cancel(*(item if self.is_awaitable(item) else _ready(item) for item in items))

        return awaited()

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's ``execute_fields``, with plain fields completed in place."""
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list, plain in self._plan(parent_type, grouped_field_set):
                if plain is _TYPENAME:  # on an object type, the type's own name
                    results[response_name] = parent_type.name
                    continue
                if plain is not None and plain.scalar is not None:  # the common case, inline
                    value = getattr(source_value, plain.name, _SLOW)
                    if value.__class__ is plain.scalar or (value is None and plain.nullable):
                        results[response_name] = value
                        continue
                result = _SLOW
                if plain is not None:
                    try:
                        result = self._complete_plain(
                            plain,
                            source_value,
                            field_details_list,
                            (path, response_name, parent_type.name),
                            position_context,
                        )
                    except Exception:
                        if plain.coerce is None:
                            raise  # an object's error, already located and bubbling up
                        result = _SLOW  # a leaf that failed coercion: graphql-core reports it
                if result is _SLOW:
                    self._resolved += 1
                    field_path = Path(path, response_name, parent_type.name)
                    result = self.execute_field(
                        parent_type, source_value, field_details_list, field_path, position_context
                    )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
            results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()


async def _ready(value: Any) -> Any:
    return value


async def _shared(kept: SharedRenderings, shape: Shape, data: bytes) -> msgspec.Raw:
    """``data`` as the field's value, once stored for every process."""
    await kept.share(shape, data)
    return msgspec.Raw(data)


def validation_cache(size: int = 256) -> Callable[[], SchemaExtension]:
    """An extension factory remembering validation results by query text, for one schema.

    Integrations send the same few documents over and over; validating the list query
    costs several milliseconds. The rules (graphql-core's, plus this schema's depth and
    alias limits) are the same for every request of one schema, so the text decides the
    result. strawberry's own ``ValidationCache`` keys on the parsed document and the rule
    classes, which our per-request limit extensions create anew, so it never hits.
    """
    results: OrderedDict[str, list[Any]] = OrderedDict()

    class ValidationResultCache(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            query = context.query
            if query is not None and context.graphql_document is not None:
                errors = results.get(query)
                if errors is None:
                    errors = validate_document(
                        context.schema._schema, context.graphql_document, context.validation_rules
                    )
                    results[query] = errors
                    if len(results) > size:
                        results.popitem(last=False)
                else:
                    results.move_to_end(query)
                context.pre_execution_errors = list(errors)
            yield

    return ValidationResultCache
