"""A loopback fake of Discord's REST API and gateway, enough for discord.py 2.7 to run against.

It records every REST request (method, path, JSON body, time) and answers with payloads shaped
like Discord's. The gateway speaks the real protocol: HELLO, IDENTIFY → READY, heartbeat ACK,
then any DISPATCH event the test queues (e.g. INTERACTION_CREATE).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

BOT_ID = 900000000000000001
APP_ID = 900000000000000002
OWNER_ID = 900000000000000003
TOKEN = "fake-token.for-tests-only"

BOT_USER = {
    "id": str(BOT_ID), "username": "recall-bot", "discriminator": "0", "global_name": None,
    "avatar": None, "bot": True, "verified": True, "mfa_enabled": False, "flags": 0,
    "locale": "en-US",
}
_ids = itertools.count(910000000000000000)


def snowflake() -> str:
    """A fresh, unique Discord-like id."""
    return str(next(_ids))


@dataclass
class Recorded:
    """One REST request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    at: float = field(default_factory=time.monotonic)

    @property
    def json(self) -> dict[str, Any]:
        return self.body if isinstance(self.body, dict) else {}


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py parses a body as JSON only for exactly "application/json" (no charset).
    return web.Response(body=json.dumps(data).encode(), status=status,
                        content_type="application/json")


class FakeDiscord:
    """Loopback REST (`base_url`) and gateway (`gateway_url`) server; see module docstring."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.messages: dict[str, dict[str, Any]] = {}  # every message the bot created
        self.synced: dict[str, list[dict[str, Any]]] = {}  # scope → command payloads
        self.gateway_events: list[dict[str, Any]] = []  # what the bot sent on the gateway
        self._changed = asyncio.Condition()
        self._dispatch: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        self._sequence = 0
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.slow_callbacks = 0.0
        self.identified = asyncio.Event()

    # ----- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ----- what tests use --------------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[Recorded], bool], *, count: int = 1,
                       timeout: float = 5.0) -> list[Recorded]:
        """Wait until `count` recorded requests match `predicate`; return them."""
        async def matched() -> list[Recorded]:
            async with self._changed:
                while True:
                    hits = [r for r in self.requests if predicate(r)]
                    if len(hits) >= count:
                        return hits
                    await self._changed.wait()
        return await asyncio.wait_for(matched(), timeout)

    def for_interaction(self, interaction: dict[str, Any]) -> list[Recorded]:
        """Requests answering one interaction: its callback, then edits and follow-ups."""
        token = interaction["token"]
        return [r for r in self.requests if f"/{token}" in r.path]

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Queue a gateway DISPATCH (e.g. INTERACTION_CREATE) for the connected bot."""
        self._dispatch.put_nowait((event, data))

    # ----- REST ------------------------------------------------------------------------------

    async def _record(self, request: web.Request) -> Recorded:
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json":
                body = json.loads(raw)
            else:
                body = raw.decode(errors="replace")
        recorded = Recorded(request.method, "/" + request.match_info["path"],
                            dict(request.query), body)
        async with self._changed:
            self.requests.append(recorded)
            self._changed.notify_all()
        return recorded

    def _message(self, body: dict[str, Any], *, channel_id: str, flags: int = 0,
                 message_id: str | None = None) -> dict[str, Any]:
        message = {
            "id": message_id or snowflake(), "channel_id": channel_id, "author": BOT_USER,
            "content": body.get("content") or "", "timestamp": "2026-01-01T00:00:00+00:00",
            "edited_timestamp": None, "tts": False, "mention_everyone": False, "mentions": [],
            "mention_roles": [], "attachments": [], "embeds": body.get("embeds") or [],
            "pinned": False, "type": 0, "flags": body.get("flags", flags) or 0,
            "components": body.get("components") or [], "application_id": str(APP_ID),
        }
        self.messages[message["id"]] = message
        return message

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        rec = await self._record(request)
        parts = rec.path.strip("/").split("/")
        body = rec.json
        if rec.path == "/users/@me":
            return _json(BOT_USER)
        if rec.path == "/oauth2/applications/@me":
            return _json({
                "id": str(APP_ID), "name": "recall-bot", "description": "", "icon": None,
                "bot_public": True, "bot_require_code_grant": False, "verify_key": "0" * 64,
                "owner": {**BOT_USER, "id": str(OWNER_ID), "bot": False, "username": "owner"},
                "flags": 0, "team": None, "summary": "", "rpc_origins": [],
            })
        if rec.path == "/gateway/bot":
            return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": {
                "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})
        if parts[0] == "applications" and parts[-1] == "commands" and rec.method == "PUT":
            scope = "global" if len(parts) == 3 else parts[3]
            self.synced[scope] = list(rec.body or [])
            answered = [{**c, "id": snowflake(), "application_id": str(APP_ID), "version": "1",
                         "default_member_permissions": c.get("default_member_permissions")}
                        for c in self.synced[scope]]
            return _json(answered)
        if parts[0] == "interactions" and parts[-1] == "callback":
            return await self._callback(rec, parts[1])
        if parts[0] == "webhooks" and rec.method == "POST":  # follow-up
            return _json(self._message(body, channel_id="0"))
        if parts[0] == "webhooks" and rec.method == "PATCH":  # edit @original
            return _json(self._message(body, channel_id="0"))
        if parts[0] == "webhooks" and rec.method == "DELETE":
            return web.Response(status=204)
        if parts[0] == "channels" and parts[-1] == "messages" and rec.method == "POST":
            return _json(self._message(body, channel_id=parts[1]))
        if parts[0] == "users" and parts[-1] == "channels":
            return _json({"id": snowflake(), "type": 1, "recipients": []})
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    async def _callback(self, rec: Recorded, interaction_id: str) -> web.Response:
        if self.slow_callbacks:
            await asyncio.sleep(self.slow_callbacks)
        kind = rec.json.get("type")
        data = rec.json.get("data") or {}
        flags = int(data.get("flags") or 0)
        answer: dict[str, Any] = {"interaction": {
            "id": interaction_id, "type": 2, "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(flags & 64),
        }}
        if kind in (4, 5, 7):
            message = self._message(data, channel_id="0", flags=flags)
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"] = {"type": kind, "message": message}
        return _json(answer)

    # ----- gateway ---------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        sender = asyncio.create_task(self._send_dispatches(ws))
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                self.gateway_events.append(payload)
                if payload["op"] == 1:  # heartbeat
                    await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
                elif payload["op"] == 2:  # identify
                    self.identified.set()
                    self._dispatch.put_nowait(("READY", {
                        "v": 10, "user": BOT_USER, "guilds": [], "session_id": "fake-session",
                        "resume_gateway_url": self.gateway_url, "shard": [0, 1],
                        "application": {"id": str(APP_ID), "flags": 0},
                    }))
        finally:
            sender.cancel()
        return ws

    async def _send_dispatches(self, ws: web.WebSocketResponse) -> None:
        while not ws.closed:
            event, data = await self._dispatch.get()
            self._sequence += 1
            await ws.send_json({"op": 0, "t": event, "s": self._sequence, "d": data})
