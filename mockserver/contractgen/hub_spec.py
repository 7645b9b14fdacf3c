"""What the Hub behaviour spec (docs/behaviour/hub.md) fixes and the reference does not say.

Small tables, each tagged with the rule it comes from. Everything else in the contract is parsed from the
reference. Response bodies the spec defines (section 4.2 and a few H rules) are built by the functions at the
end from a :class:`Context` that hands out reference-derived schemas of other operations.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

# --- 4.1 route table: resource key → (404 model name, schema name base, list shape, staff-only writes) -------
# The key is the path under /api/ up to the lookup; every operation belongs to the longest key its path
# starts with. Shares (D18) are not in 4.1: their model names follow the reference's wording ("nfs share",
# "NFSClients") and their list shape is read from the reference (a bare array).
RESOURCES: dict[str, tuple[str | None, str, str | None, bool]] = {
    "actions": ("Action", "Action", "env", False),
    "alerts": ("Alert", "Alert", "arr", False),
    "analytics": (None, "AnalyticsEntry", "env", False),
    "auth/clientkeys": ("ClientKey", "ClientKey", "env", False),
    "auth/token": (None, "Token", None, False),
    "automatedschedules": (None, "AutomatedSchedule", "env", False),
    "buckets": ("Bucket", "Bucket", "env", False),
    "configurations": (None, "Configuration", "obj", True),
    "datastores": ("DataStore", "DataStore", "env", False),
    "external_targets": ("ExternalTarget", "ExternalTarget", "env", False),
    "features": ("Feature", "Feature", "env", True),
    "file": (None, "File", "obj", False),
    "filesets": (None, "Fileset", "arr", False),
    "filestatustypes": ("FileStatusType", "FileStatusType", "env", False),
    "filesystems": ("Filesystem", "Filesystem", "env", False),
    "groups": ("Group", "Group", "env", True),
    "ipaddresses": ("IPAddress", "IPAddress", "env", False),
    "jobs": ("Job", "Job", "env", False),
    "jobstats": ("JobStat", "JobStat", "env", False),
    "my-permissions": (None, "UserPermissions", "arr", False),
    "nodes": ("Node", "Node", "env", False),
    "permissions": ("Permission", "Permission", "env", False),
    "pki/lifetime": ("CertificateLifetime", "CertificateLifetime", "arr", True),
    "pki/site": (None, "SiteCertificate", None, True),
    "policies": ("Policy", "Policy", "env", False),
    "queues": ("Queue", "Queue", "env", False),
    "schedules": ("Schedule", "Schedule", "env", False),
    "schedules/{parent_lookup_schedule}/workflows": ("ScheduleWorkflow", "ScheduleWorkflow", "env", False),
    "search": ("Search", "Search", "env", False),
    "servers": ("Server", "Server", "env", False),
    "settings": (None, "Setting", "arr", True),
    "settingstasks": ("SettingsTask", "SettingsTask", "env", False),
    "shares/nfs": ("NFSShare", "NFSShare", None, False),
    "shares/samba": ("SambaShare", "SambaShare", None, False),
    "sitelinks": ("SiteLink", "SiteLink", "env", False),
    "sites": ("Site", "Site", "env", True),
    "spaces": ("Space", "Space", "env", False),
    "storagepools": ("StoragePool", "StoragePool", "env", False),
    "tags": (None, "Tag", "arr", False),
    "tasks": ("Task", "Task", "env", False),
    "users": ("User", "User", "env", True),
    "workflows": ("Workflow", "Workflow", "env", False),
}

# D13: lookups other than the integer id. H3: router patterns.
# Store tables (and seed files) are named after the resource key, except where the key has a "/".
TABLES = {"auth/clientkeys": "clientkeys", "pki/lifetime": "pki_lifetime",
          "schedules/{parent_lookup_schedule}/workflows": "schedule_workflows", "shares/nfs": "shares_nfs",
          "shares/samba": "shares_samba"}
LOOKUPS = {"features": "name", "filestatustypes": "key", "users": "username"}
LOOKUP_PATTERNS = {"username": "[^/]+"}
DEFAULT_LOOKUP_PATTERN = "[^/.]+"

# H25: the one write on a staff-only resource open to every user.
STAFF_EXEMPT = frozenset({("POST", "/users/change_password/")})

# 4.5: unique fields and their messages.
UNIQUE = {
    "sites": {"name": "site with this name already exists."},
    "spaces": {"name": "space with this name already exists."},
    "workflows": {"name": "workflow with this name already exists."},
    "groups": {"name": "group with this name already exists."},
    "buckets": {"name": "bucket with this name already exists."},
    "datastores": {"name": "data store with this name already exists."},
    "external_targets": {"name": "external target with this name already exists."},
    "nodes": {"name": "node with this name already exists."},
    "users": {"username": "A user with that username already exists."},
}

# Issue 13: fields holding a secret, per resource (x-secret; the journal and recordings mask them): passwords
# (H11, H100, H101), the token pair and the tokens sent back (H11, H15-H17), a client key (H21), bucket and data
# store credentials (H108, H116; an external target nests its bucket).
SECRETS = {
    "auth/token": frozenset({"password", "access", "refresh", "token"}),
    "users": frozenset({"password", "old_password", "new_password"}),
    "auth/clientkeys": frozenset({"api_key"}),
    "buckets": frozenset({"access_key", "access_key_id", "secret_access_key", "credentials_json"}),
    "external_targets": frozenset({"access_key", "access_key_id", "secret_access_key", "credentials_json"}),
    "datastores": frozenset({"accesskey", "accesskeyid", "secretaccesskey"}),
}

# D2: served although absent from the reference.
EXTRA_OPERATIONS = (("GET", "/jobs/{id}/"),)

# D18: the ten headless operations, in the reference's order (NFS, then Samba; list, create, retrieve,
# update, delete). The kind is recognised from the operation's own text, the verb from its blocks.
SHARE_PATHS = {"nfs": "/shares/nfs/", "samba": "/shares/samba/"}
SHARE_MARKERS = {"nfs": ("nfs share", "clients[]"), "samba": ("samba share", "admin_users")}
SHARE_VERBS = ("list", "create", "retrieve", "update", "delete")

# Success statuses the reference leaves out and the H rules fix (create 201, PATCH 200, DELETE 204 and
# the documented 202s are general rules in hub.py).
STATUS = {
    ("POST", "/file/workflow/"): 201,  # H74
    ("POST", "/pki/site/"): 201,  # H105
    ("POST", "/sites/{id}/refresh/"): 202,  # H94
}

# Errors beyond the general rules: H90 (a policy without site), H106 (immutable spaces).
EXTRA_400 = frozenset({("POST", "/policies/{id}/run/")})
EXTRA_403 = frozenset({("PATCH", "/spaces/{id}/"), ("DELETE", "/spaces/{id}/")})

# Query parameters typed "array": repeated or comma lists (H38); ids are integers.
ARRAY_ITEM_TYPES = {"owner_ids": "integer", "clientkey_ids": "integer", "schedule_ids": "integer"}

# H35: `page=last` selects the last page.
PAGE_SCHEMA = {"anyOf": [{"type": "integer"}, {"type": "string", "enum": ["last"]}]}

# Choices: H52 (discovery), H17 (token type).
ENUMS: dict[tuple[str, str], list[str | None]] = {
    ("schedules", "discovery"): ["recursive", "snapdiff", None],
    ("workflows", "discovery"): ["recursive", "snapdiff", None],
    ("file", "discovery"): ["recursive", "snapdiff", None],
    ("auth/token", "type"): ["access", "refresh"],
}

# H92, H93: `values` is required on the settings PATCHes.
EXTRA_REQUIRED = {("PATCH", "/settings/"): ["values"], ("PATCH", "/sites/{id}/settings/"): ["values"]}

# H108: the nested `bucket` of an external target is read-only (it reflects `bucket_instance`).
# Request fields the reference documents as writable that the spec makes read-only: (fields, why).
READ_ONLY = {
    ("POST", "/external_targets/"): (["bucket"], "read-only (H108: it reflects bucket_instance)"),
    ("PATCH", "/external_targets/{id}/"): (["bucket"], "read-only (H108: it reflects bucket_instance)"),
    ("POST", "/file/workflow/"): (["job"], "read-only (H74: the server sets the job it creates)"),
}

# H65: single references a delete leaves null, so nullable in every response schema of the resource even where
# the reference marks them (required): (resource, field path) → the model whose delete nulls it. The 4.4 table
# plus the references the contract carries (hub_relations REFERENCES, many=False), less the rows deleted with
# their target (CASCADES: nodes, queues, filesystems, storagepools, servers, schedule workflows) and references
# to permissions (the API cannot delete one). Arrays lose the id instead (H65) and need nothing here.
DELETED_REFERENCES: dict[tuple[str, str], str] = {
    ("alerts", "site"): "Site",
    ("auth/clientkeys", "user"): "User",
    ("automatedschedules", "site_name"): "Site",  # the site of its schedule or policy (H114)
    ("external_targets", "space"): "Space",  # the whole {name, …} object
    ("external_targets", "backup_site"): "Site",
    ("external_targets", "bucket_instance"): "Bucket",
    ("ipaddresses", "datastore"): "DataStore",
    ("policies", "site"): "Site",
    ("schedules", "site"): "Site",
    ("schedules", "space"): "Space",
    ("shares/nfs", "space"): "Space",
    ("shares/samba", "space"): "Space",
    ("sitelinks", "site"): "Site",
    ("sitelinks", "datastore"): "DataStore",
    ("users", "nas_user.primary_group"): "Group",
    ("users", "profile.default_site"): "Site",
    ("users", "profile.home_site"): "Site",
}

# Query parameters the reference types as plain strings that the spec reads otherwise: (rule, schema keys).
QUERY_TYPES = {
    ("GET", "/alerts/", "timestamp"): ("H38, H110", {"format": "date-time"}),
    ("GET", "/alerts/", "suppressed"): ("H38, H110", {"type": "boolean"}),
}

# H51, H53: field rules the spec states in prose, in the contract's own terms: (resource, field) → (rule,
# schema keys). They go on every request schema of the resource that has the field; the keys that describe
# every stored value (REPRESENTATION_KEYS) also go on its response schemas.
FIELD_RULES: dict[tuple[str, str], tuple[str, dict]] = {
    ("workflows", "name"): ("H53, H117", {"maxLength": 100}),
    ("workflows", "label"): ("H53, H117", {"maxLength": 100}),
    # Django's "\Z" is no ECMA regex; "$(?!\n)" is the same end of text (a "$" alone allows a final newline).
    ("users", "username"): ("H53", {
        "maxLength": 150, "pattern": r"^[\w.@+-]+$(?!\n)",
        "x-pattern-message": "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ "
                             "characters."}),
    ("users", "email"): ("H53", {"format": "email"}),
    ("auth/clientkeys", "name"): ("H53", {"maxLength": 50}),
    ("ipaddresses", "ipaddr"): ("H53", {"format": "ipv4"}),
    ("sites", "name"): ("H53, H107", {"pattern": "^[a-zA-Z0-9-_]+$"}),
    ("spaces", "mountpoint"): ("H106", {"pattern": "^/", "x-pattern-message": "Enter an absolute path."}),
    ("external_targets", "local_file_regex"): ("H53", {"format": "regex"}),
    ("pki/lifetime", "days"): ("H53", {"minimum": 1}),
    ("nodes", "last_heartbeat"): ("H51", {"format": "date-time"}),
    ("search", "path"): ("H73", {"pattern": "^/", "x-pattern-message": "Enter an absolute path."}),
}
# H114: fields showing another resource's writable values, which may be null (H46): resource → (rule, fields).
MIRRORED_NULLABLE = {
    "automatedschedules": ("H114, H46", ("minute", "hour", "day_of_month", "month_of_year", "day_of_week",
                                         "enabled")),
}

# Integer fields a 64-bit column holds (byte counts); every other writable integer holds what a 32-bit one does.
BIG_INTEGERS = frozenset({("spaces", "size"), ("spaces", "sites.usage")})

# Patterns and bounds are validators run on input only (users/sync, H102, brings names none checked).
REPRESENTATION_KEYS = ("format", "maxLength")
INPUT_ONLY = frozenset({("users", "email")})  # a stored email may be blank, its default (H100)

# Documented values a create stores for fields the body leaves out: resource → (rule, {field: value}). On the
# POST body where it has the field, else on the response schemas (fields the create cannot write). Everything
# else unset is null (H8).
CREATE_DEFAULTS: dict[str, tuple[str, dict[str, object]]] = {
    "workflows": ("H117", {"enabled": True, "visible": True, "external_only": False, "schedule_only": False}),
    "external_targets": ("H108", {"enabled": True}),
    # enabled: automatedschedules/ (H114) shows it as a non-null boolean.
    "schedules": ("H114", {"minute": "*", "hour": "*", "day_of_month": "*", "month_of_year": "*",
                           "day_of_week": "*", "enabled": True}),
    "schedules/{parent_lookup_schedule}/workflows": ("H67", {"fields": {}}),
    "spaces": ("H106", {"immutable": False}),  # only the seeded default space is immutable
    # Django's; the blank email stays with the mock: a default must satisfy the field's format (email).
    "users": ("H100", {"is_active": True, "first_name": "", "last_name": "", "groups": []}),
    "groups": ("H8, H103", {"permissions": [], "object_permissions": []}),
    # enabled: as for schedules (automatedschedules/ shows it non-null).
    "policies": ("H8, H114", {"enabled": True, "spaces": [], "triggers": [], "condition_groups": []}),
    # H107: a new site has an empty file system, so no files of any state.
    "sites": ("H8, H107", {"color": [], "include": [], "exclude": [], "files_count": 0, "directories_count": 0,
                           "files_stubbed_count": 0, "files_hydrated_count": 0}),
}


class Context(Protocol):
    def ref(self, name: str) -> dict: ...
    def item(self, method: str, path: str, computed: bool = True) -> dict: ...  # response item, from the reference
    def request(self, method: str, path: str) -> dict: ...  # reference-derived request schema
    def as_drf_reads(self, schema: dict) -> dict: ...  # a request object schema with the forms DRF accepts


def _obj(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties, "required": list(properties) if required is None else required}


STRING = {"type": "string"}
NULL_STRING = {"type": "string", "nullable": True}
INTEGER = {"type": "integer"}
NULL_INTEGER = {"type": "integer", "nullable": True}
COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}


def _file_children(ctx: Context) -> dict:
    # H69: a directory's entries, paginated (or a bare array with page_size=0); null for a file.
    child: dict[str, Any] = {"type": "object",
                             "properties": dict(ctx.item("GET", "/spaces/{id}/files/", computed=False)["properties"])}
    child["properties"].pop("children", None)
    return {"anyOf": [
        {**envelope({"type": "array", "items": child}), "nullable": True},
        {"type": "array", "items": child},
    ]}


# --- 4.3: computed read-only fields the reference types as string: (resource, field path) → schema -------
COMPUTED: dict[tuple[str, str], dict | Callable[[Context], dict]] = {
    ("sites", "editable"): {"type": "boolean"},
    ("spaces", "editable"): {"type": "boolean"},
    ("spaces", "is_ready"): {"type": "boolean"},
    ("external_targets", "is_ready"): {"type": "boolean"},
    ("spaces", "nested_shares"): {"type": "array", "items": {}},
    ("spaces", "relationships"): {"type": "array", "items": {}},
    ("spaces", "sites[].id"): {"type": "integer"},
    ("nodes", "online"): {"type": "boolean"},
    ("nodes", "has_default_queue"): {"type": "boolean"},
    ("queues", "nodes"): {"type": "array", "items": {"type": "string"}},
    ("tasks", "parents"): {"type": "array", "items": {}},
    ("tasks", "runtime"): {"type": "number", "nullable": True},
    ("settingstasks", "runtime"): {"type": "number", "nullable": True},
    ("settingstasks", "request"): {"type": "object"},
    ("settingstasks", "results"): {"type": "object", "nullable": True},
    ("actions", "results"): {"type": "object", "nullable": True},
    ("policies", "triggers"): lambda ctx: ctx.item("POST", "/policies/", computed=False)["properties"]["triggers"],
    ("automatedschedules", "spaces"): {"type": "array", "items": {"type": "string"}},
    ("automatedschedules", "discovery_managed_paths"): {},
    ("spaces", "children"): _file_children,
}


def envelope(results: dict, extra: dict | None = None) -> dict:
    """H31: the paginated envelope around a results array."""
    properties = {
        "count": {"type": "integer"},
        "next": {"type": "string", "nullable": True},
        "previous": {"type": "string", "nullable": True},
        "results": results,
        **(extra or {}),
    }
    return _obj(properties)


@dataclass(frozen=True)
class Body:
    """A success body: ``item`` is a schema or a named schema's ``$ref``; ``shape`` env/arr/obj."""

    shape: str
    item: dict
    extra: dict = field(default_factory=dict)  # more envelope keys (jobs: stats)
    alternative: dict | None = None  # another accepted body (flat site settings)
    csv: bool = False  # also text/csv (analytics download)


@dataclass(frozen=True)
class Override:
    rule: str
    reference_says: str | None  # None: nothing to record (the reference is only completed)
    body: Callable[[Context], Body] | None = None  # None: the reference's body is kept
    name: str | None = None  # component name of the item schema
    status: int | None = None


def _job(ctx: Context) -> dict:
    # H76, in this key order.
    return _obj({
        "url": STRING, "id": INTEGER, "workflow": STRING, "state": STRING, "site": STRING, "queue": STRING,
        "owner": NULL_INTEGER, "clientkey": NULL_INTEGER, "schedule": NULL_INTEGER, "created": STRING,
        "started": NULL_STRING, "completed": NULL_STRING, "runtime": {"type": "number", "nullable": True},
        "paths": {"type": "array", "items": {}}, "fields": {},
        "discovery": {"type": "string", "nullable": True, "enum": ["recursive", "snapdiff", None]},
        "tasks_count": INTEGER, "progress": {"type": "integer", "minimum": 0, "maximum": 100},
    })


def _job_stats(ctx: Context) -> dict:
    return _obj({"type": COUNTS, "state": COUNTS, "created": COUNTS, "site": COUNTS})  # H83


def _task_map(ctx: Context) -> dict:
    return {"type": "object", "description": "The task id (a UUID) fired for each affected site, by site name.",
            "additionalProperties": {"type": "string", "format": "uuid"}}  # H91


def _health(ctx: Context) -> dict:
    node = _obj({"name": STRING, "health": {"type": "string", "enum": ["ok", "critical"]},
                 "online": {"type": "boolean"}})
    return _obj({"site": STRING, "health": {"type": "string", "enum": ["ok", "warning", "critical"]},
                 "nodes": {"type": "array", "items": node}})  # H95


def _permission_arrays(ctx: Context) -> dict:
    # H113: each of the four keys holds an array of the permission objects the reference lists.
    listed = ctx.item("GET", "/my-permissions/")
    properties = {}
    for key, value in listed["properties"].items():
        permission = {k: v for k, v in value.items() if k != "nullable"}
        properties[key] = {"type": "array", "items": permission}
    return _obj(properties)


def _search_result(ctx: Context) -> dict:
    item = ctx.item("GET", "/search/{id}/")
    grouped = {"type": "object", "description": "group_by_name=true: the results that share a name.",
               "additionalProperties": {"type": "array", "items": item}}
    return {"anyOf": [item, grouped]}  # H73


def _with(properties: dict) -> Callable[[dict], dict]:
    def add(schema: dict) -> dict:
        schema["properties"].update(properties)
        schema["required"] = list(schema["properties"])
        return schema
    return add


def _analytics_entry(ctx: Context) -> dict:
    counts = _obj({"MIGRATED": INTEGER, "PREMIGRATED": INTEGER, "UNMANAGED": INTEGER})
    return _obj({"path": STRING, "name": STRING, "type": STRING, "size": INTEGER,
                 "total_files": NULL_INTEGER, "status_counts": counts})  # H72


def _file_object(ctx: Context) -> dict:
    return ctx.item("GET", "/spaces/{id}/files/")  # H69: the fields of spaces/{id}/files/ (url included)


def _job_ref(shape: str, **kw) -> Callable[[Context], Body]:
    return lambda ctx: Body(shape, ctx.ref("Job"), **kw)


# --- 4.2 (and H73, H70, D2): response bodies defined by the spec ---------------------------------------------
RESPONSES: dict[tuple[str, str], Override] = {
    ("POST", "/auth/token/"): Override("H11", "username, password", name="TokenPair", body=lambda ctx: Body(
        "obj", _obj({"refresh": STRING, "access": STRING}))),
    ("POST", "/auth/token/refresh/"): Override("H15", "access, refresh", name="AccessToken", body=lambda ctx: Body(
        "obj", _obj({"access": STRING}))),
    ("POST", "/auth/token/verify/"): Override("H17", "token, type", name="Empty", body=lambda ctx: Body(
        "obj", {"type": "object", "maxProperties": 0})),
    ("GET", "/auth/token/publickey/"): Override("H14", "nothing", name="PublicKey", body=lambda ctx: Body(
        "obj", _obj({"public_key": STRING}))),
    ("GET", "/analytics/"): Override("H72", "nothing", name="AnalyticsEntry", body=lambda ctx: Body(
        "env", _analytics_entry(ctx), csv=True)),
    ("GET", "/file/"): Override("H69", "nothing", name="FileObject", body=lambda ctx: Body("obj", _file_object(ctx))),
    ("GET", "/spaces/{id}/files/"): Override("H70", None, name="FileObject", body=lambda ctx: Body(
        "obj", _file_object(ctx))),
    ("GET", "/filesets/"): Override("H71", "nothing", name="Fileset", body=lambda ctx: Body(
        "arr", _obj({"name": STRING, "path": STRING, "site": STRING}))),
    ("GET", "/jobs/"): Override("H82", "nothing", name="Job", body=lambda ctx: Body(
        "env", _job(ctx), extra={"stats": ctx.ref("JobStats")})),
    ("POST", "/jobs/"): Override("H75", "nothing", body=_job_ref("obj")),
    ("GET", "/jobs/{id}/"): Override("D2", "no such operation", body=_job_ref("obj")),
    ("POST", "/jobs/{id}/cancel/"): Override("H81", "nothing", body=_job_ref("obj")),
    ("POST", "/jobs/{id}/pause/"): Override("H81", "nothing", body=_job_ref("obj")),
    ("POST", "/jobs/{id}/resume/"): Override("H81", "nothing", body=_job_ref("obj")),
    ("POST", "/jobs/{id}/resubmit/"): Override("H81", "nothing", body=_job_ref("obj")),
    ("GET", "/jobs/recent/"): Override("H84", "nothing", body=_job_ref("env")),
    ("GET", "/jobs/stats/"): Override("H83", "nothing", name="JobStats", body=lambda ctx: Body("obj", _job_stats(ctx))),
    ("GET", "/jobs/jobtype_choices/"): Override("H84", "nothing", name="JobTypeChoice", body=lambda ctx: Body(
        "env", _obj({"name": STRING, "label": STRING}))),
    ("GET", "/jobs/{id}/progress/"): Override("H85", "nothing", name="JobProgress", body=lambda ctx: Body(
        "obj", _obj({"progress": {"type": "integer", "minimum": 0, "maximum": 100}}))),
    ("GET", "/jobs/{id}/statistics/"): Override("H85", "nothing", name="JobStatistics", body=lambda ctx: Body(
        "obj", _obj({k: INTEGER for k in ("total", "processed", "failures", "skipped", "aborted", "inprogress")}))),
    ("GET", "/jobs/{id}/files/"): Override("H85", "nothing", name="JobStatListItem", body=lambda ctx: Body(
        "env", ctx.item("GET", "/jobstats/"))),
    ("PATCH", "/settings/"): Override("H91", "“Task id” (202), no body fields", name="TaskMap", body=lambda ctx: Body(
        "obj", _task_map(ctx))),
    ("POST", "/settings/sync/"): Override("H91", "“Task id” (202), no body fields", name="TaskMap",
                                          body=lambda ctx: Body("obj", _task_map(ctx))),
    ("PATCH", "/sites/{id}/settings/"): Override("H91", "“Task id” (202), no body fields", name="TaskMap",
                                                 body=lambda ctx: Body("obj", _task_map(ctx))),
    ("POST", "/sites/{id}/settings/refresh/"): Override("H91", "“Task id” (202), no body fields", name="TaskMap",
                                                        body=lambda ctx: Body("obj", _task_map(ctx))),
    ("POST", "/policies/{id}/run/"): Override("H90", "“Task id” (202), no body fields", name="TaskMap",
                                              body=lambda ctx: Body("obj", _task_map(ctx))),
    ("POST", "/sites/{id}/refresh/"): Override("H94", "the site's fields, no status", name="TaskMap",
                                               body=lambda ctx: Body("obj", _task_map(ctx))),
    ("GET", "/sites/{id}/health/"): Override("H95", "the site's fields", name="SiteHealth", body=lambda ctx: Body(
        "obj", _health(ctx))),
    ("GET", "/sites/{id}/settings/"): Override("H93", "a bare array only", name="SiteSetting", body=lambda ctx: Body(
        "arr", ctx.item("GET", "/sites/{id}/settings/"),
        alternative={"type": "object", "description": "flat=true: {key: value}", "additionalProperties": {}})),
    ("GET", "/tasks/{id}/files/"): Override("H88", "the task's fields", name="TaskFile", body=lambda ctx: Body(
        "env", _obj({"path": STRING, "type": NULL_STRING, "size": NULL_INTEGER, "state": {
            "type": "string", "enum": ["processed", "failures", "skipped", "aborted", "inprogress"]}}))),
    ("GET", "/my-permissions/"): Override("H113", "four nested objects", name="UserPermissions",
                                          body=lambda ctx: Body("arr", _permission_arrays(ctx))),
    ("POST", "/users/sync/"): Override("H102", "one user", body=lambda ctx: Body(
        "arr", ctx.item("POST", "/users/sync/"))),
    ("POST", "/groups/sync/"): Override("H102", "one group", body=lambda ctx: Body(
        "arr", ctx.item("POST", "/groups/sync/"))),
    ("POST", "/users/{username}/activate/"): Override("H102", "nothing", body=lambda ctx: Body(
        "obj", ctx.item("GET", "/users/{username}/"))),
    ("POST", "/users/{username}/deactivate/"): Override("H102", "nothing", body=lambda ctx: Body(
        "obj", ctx.item("GET", "/users/{username}/"))),
    ("POST", "/search/"): Override("H73", "no id, url", body=lambda ctx: Body("obj", _with({
        "id": {"type": "integer", "readOnly": True}, "url": {"type": "string", "readOnly": True},
    })(ctx.item("POST", "/search/")))),
    ("GET", "/search/{id}/"): Override("H73", "a single result object", name="SearchResult", body=lambda ctx: Body(
        "env", _search_result(ctx))),
    ("GET", "/search/metadata_fields/"): Override("H73", "id, url", body=lambda ctx: Body("env", _with({
        "name": STRING, "type": STRING,
    })(ctx.item("GET", "/search/metadata_fields/")))),
    ("PATCH", "/search/metadata/"): Override("H73", "id, url", name="Empty", body=lambda ctx: Body(
        "obj", {"type": "object", "maxProperties": 0})),
    ("POST", "/pki/site/"): Override("H105", "nothing", name="SiteCertificate", body=lambda ctx: Body(
        "obj", _obj({"site": STRING, "certificate": STRING}))),
    ("POST", "/file/workflow/"): Override("H74", "no status", status=201),
    ("POST", "/schedules/{id}/run/"): Override("H89", "the schedule's fields, no status", status=200),
}

# Request bodies the spec defines where the reference lists none.
REQUESTS: dict[tuple[str, str], tuple[str, Callable[[Context], dict]]] = {
    ("POST", "/jobs/"): ("H75: the body of POST /file/workflow/", lambda ctx: ctx.request("POST", "/file/workflow/")),
    ("POST", "/pki/site/"): ("H105: {site}, required", lambda ctx: ctx.as_drf_reads(_obj({
        "site": {"type": "string", "description": "Site name"}}))),
}

# Component schemas with a name of their own, built once and referred to by the overrides.
NAMED = {"Job": _job, "JobStats": _job_stats}
