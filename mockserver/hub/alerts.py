"""Alerts (H110), with the ``SiteHealth`` alert a ``node_offline`` scenario makes: "No workers are joined" (the
published alert) for a site, shown while none of its nodes is online (H96) and cleared when one is back. Its row
is stored when the scenario is added (``_site_health``: the site's id, so its id is stable); its ``created`` and
``timestamp`` are the instant the last of the site's nodes went offline, derived when read, so the list and its
filters see the alert as the Hub would at that instant."""
from __future__ import annotations

from ..dialects.drf.call import Call
from ..dialects.drf.lists import row_filter
from ..dialects.drf.results import OperationList, OperationReply
from ..dialects.drf.views import item_schema, named
from ..errors import ApiError
from . import HUB
from .common import Row, configuration, iso_z, now_us, ref, rows
from .outages import Outages, heartbeat_us


def raised(call: Call, alert: Row, outages: Outages, now: int) -> Row | None:
    """The alert as it stands now; a site's SiteHealth alert only while every node of the site is offline."""
    if "_site_health" not in alert:
        return alert
    site = ref(call.world.state, "sites", alert["_site_health"])
    nodes = [n for n in rows(call.world.state, "nodes")
             if site is not None and (ref(call.world.state, "sites", n.get("site")) or {}).get("id") == site["id"]]
    interval = configuration(call.world.state, "node_health_last_heartbeat_interval", 120) * 1_000_000
    beats = [heartbeat_us(n, now, outages) for n in nodes]
    if not beats or any(b is not None and now - b <= interval for b in beats):
        return None
    at = iso_z(max((b + interval for b in beats if b is not None), default=now))
    return {**alert, "created": at, "timestamp": at}


@HUB.operation("alerts_list")
def alerts_list(call: Call) -> OperationList:
    state, now = call.world.state, now_us(call.world.state)
    outages = Outages(state)
    shown = [r for r in (raised(call, a, outages, now) for a in rows(state, "alerts")) if r is not None]
    accept = row_filter(call.world, "alerts", call.op.params, call.query) or (lambda row: True)
    schema = item_schema(call)
    return OperationList([call.render(r, schema) for r in sorted(shown, key=lambda r: r["id"]) if accept(r)])


@HUB.operation("alerts_retrieve")
def alerts_retrieve(call: Call) -> OperationReply:
    alert = raised(call, named(call), Outages(call.world.state), now_us(call.world.state))
    if alert is None:
        raise ApiError(404, {"detail": "No Alert matches the given query."})
    return OperationReply(200, call.render(alert))
