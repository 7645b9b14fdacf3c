"""One routed request, as the views see it: the operation, who asks, the parsed parts, the store's view.
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .product import Hooks
from .render import Renderer
from .request import Query
from .results import OperationCall
from .spec import Operation, Route
from .world import Row, World


@dataclass
class Call:
    world: World
    route: Route
    op: Operation
    path_params: dict[str, str]
    query: Query
    url: str  # the absolute request URL, for pagination links
    user: Row | None
    client_key: Row | None
    body: Any = None  # parsed JSON (None when the operation takes no body)
    obj: Row | None = None  # the object the path names, once looked up
    parent: Row | None = None  # the parent of a nested route, when it exists
    renderer: Renderer = field(init=False)

    def __post_init__(self) -> None:
        self.renderer = Renderer(self.world, self.world.renderings)

    @property
    def resource(self) -> str | None:
        return self.route.resource

    @property
    def resource_spec(self) -> dict[str, Any]:
        return self.world.spec.resources.get(self.route.resource or "", {})

    @property
    def hooks(self) -> Hooks:
        return self.world.product.hooks_for(self.route.resource)

    def operation_call(self) -> OperationCall:
        return OperationCall(operation_id=self.op.op_id, method=self.op.method, path_params=dict(self.path_params),
                       query=self.query, body=self.body, user=self.user, base_url=self.world.base_url,
                       state=self.world.state, client_key=self.client_key)

    def render(self, row: Row, schema: dict[str, Any] | None = None, resource: str | None = None) -> dict[str, Any]:
        """A row in the shape of ``schema`` (default: the resource's detail schema)."""
        resource = resource or self.resource or ""
        spec = self.world.spec.resources.get(resource, {})
        return self.renderer.row(resource, row, schema or self.world.spec.schema(spec.get("schema")))

    def render_write(self, row: Row) -> dict[str, Any]:
        """A write response: the operation's fields, then the rest of the detail representation (H8)."""
        body = self.render(row, self.op.response)
        spec = self.world.spec
        detail_schema = spec.schema(spec.resources.get(self.resource or "", {}).get("schema"))
        if detail_schema is not None and body.keys() >= spec.resolve(detail_schema).get("properties", {}).keys():
            return body  # the operation's fields hold every field of the detail already
        detail = self.render(row)
        return {**body, **{k: v for k, v in detail.items() if k not in body}}
