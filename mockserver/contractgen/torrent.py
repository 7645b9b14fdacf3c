"""Ion Torrent Suite rundb API v1 (django-tastypie 0.11.1): vendor references → OpenAPI 3.0.3 contract.

``build(source_dir)`` reads every reference page in ``source_dir`` that documents a ``/rundb/api/v1/``
resource (fields table, example response, allowed methods) and returns ``(document, drifts)``.
The field tables are parsed, never copied (torrent_parse); ``torrent_spec.SPEC`` holds only what the
behaviour spec (docs/behaviour/torrent.md) adds beyond the references. Table rows become schemas and
the drifts are recorded in torrent_schema; operations, components and ``x-resources`` come from torrent_paths.

The document carries a top-level ``x-resources`` extension that the mock's engine reads::

    x-resources:
      <resource URL name>:                    # filemonitor, compositedatamanagement, PluginResultJob, message
        schema: <name in components.schemas>  # the object as the server returns it
        write_schema: <name>                  # request body of a create (its `required` = required fields)
        update_schema: <name>                 # request body of PUT/PATCH on an existing object
        list_path: /rundb/api/v1/<r>/
        detail_path: /rundb/api/v1/<r>/{id}/
        set_path: /rundb/api/v1/<r>/set/{ids}/
        schema_path: /rundb/api/v1/<r>/schema/
        model_name: <Django model name, used for permissions>
        list_allowed_methods: [get, post, put, delete, patch]
        detail_allowed_methods: [get, put, delete, patch]   # POST is a 405 there (T38)
        table: torrent/<r>                    # the rows' table in the store
        key: id                               # the field a detail path names
        default_order: [[id, false]]          # [field, descending] pairs, most significant first
        orderable: [<field>, ...]             # what order_by may name (T27); [] when none
        filters: {<param>: {field, lookup, type}}   # every filter param (T23-T26, T68): see torrent_filters
        example: <the documented example object>
        example_meta: <the documented meta>
        total_count: <documented meta.total_count>
        schema_endpoint: <the exact body of GET <r>/schema/>
        state_times: {<datetime field>: [<state>, ...]}  # only PluginResultJob (T65): see torrent_spec
        file_sets: {prefixes, states, missing, ...}    # only compositedatamanagement (T66-T68): see torrent_spec
    x-group-permissions: {<group>: [<model name>, ...]}  # models each group may write (T11)
    x-versions: {default: <version>, versions: {<version>: {realm, default_order}}}  # --torrent-version (D1)
"""
from __future__ import annotations

import json
from pathlib import Path

from . import Drift
from .torrent_parse import read_references
from .torrent_paths import components, resource_paths, top_level, x_resource
from .torrent_schema import SHARED_SCHEMAS, check, common_drifts, resource_drifts, resource_schemas
from .torrent_spec import API_ROOT, GROUP_PERMISSIONS, SPEC, VERSIONS


def build(source_dir: Path) -> tuple[dict, list[Drift]]:
    refs = read_references(source_dir)
    found = [ref.resource for ref in refs]
    if sorted(found) != sorted(SPEC):
        raise ValueError(f"reference pages document {found}, the spec covers {sorted(SPEC)}")
    paths: dict[str, dict] = {API_ROOT: top_level(found)}
    schemas: dict[str, dict] = {}
    drifts = common_drifts()
    for ref in refs:
        facts = SPEC[ref.resource]
        check(ref, facts)
        schemas.update(resource_schemas(ref, facts))
        paths.update(resource_paths(ref, facts, schemas))
        drifts.extend(resource_drifts(ref, facts))
    document = {
        "openapi": "3.0.3",
        "info": {
            "title": "Ion Torrent Suite rundb API v1",
            "version": "v1",
            "description": "The Torrent Suite rundb REST API (django-tastypie 0.11.1, as served by Torrent Suite "
            "5.10) for the resources " + ", ".join(found) + ".",
        },
        "servers": [{"url": "/"}],
        "security": [{"basic": []}, {"apiKeyHeader": []}, {"apiKeyQuery": []}],
        "tags": [{"name": "api"}] + [{"name": ref.resource, "description": ref.title} for ref in refs],
        "paths": paths,
        "components": {"schemas": {**schemas, **SHARED_SCHEMAS}, **components()},
        "x-resources": {ref.resource: x_resource(ref, SPEC[ref.resource], schemas) for ref in refs},
        "x-group-permissions": GROUP_PERMISSIONS,
        "x-versions": VERSIONS,
    }
    # A JSON round trip unshares repeated objects, which YAML would otherwise write as anchors and aliases.
    return json.loads(json.dumps(document)), drifts
