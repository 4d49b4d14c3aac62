"""A fake Telegram Bot API: one in-memory state, reachable as an httpx.MockTransport (for an
Application inside the test) or as a loopback aiohttp server (for `recall-bot telegram` in a
subprocess). It validates what real Telegram validates where our bot could get it wrong: HTML
that must parse, text ≤ 4096 characters, callback_data ≤ 64 bytes, ≤ 50 inline results."""

from __future__ import annotations

import asyncio
import html
import json
import re
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
from aiohttp import web

# Telegram's HTML parse mode: these tags only; everything else must be escaped.
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
}
_TOKEN_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-z-]+(?:=\"[^\"<>]*\")?)*)\s*>"
    r"|&(#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot);"
)
_STRING_PARAMS = {
    "text", "query", "callback_query_id", "inline_query_id", "language_code", "url",
    "secret_token", "parse_mode", "next_offset", "certificate", "ip_address",
}

_ADMIN_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
    "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
)


class BadRequest(Exception):
    """What Telegram would answer with 400."""


def telegram_html_text(source: str) -> str:
    """The visible text of Telegram-HTML `source`; raises BadRequest where Telegram would."""
    visible: list[str] = []
    stack: list[str] = []
    pos = 0
    for match in _TOKEN_RE.finditer(source):
        between = source[pos:match.start()]
        if any(c in between for c in "<>&"):
            raise BadRequest(f"can't parse entities: unescaped character near {between[-20:]!r}")
        visible.append(between)
        pos = match.end()
        if match.group(4):
            visible.append(html.unescape(match.group(0)))
            continue
        closing, tag = match.group(1), match.group(2).lower()
        if tag not in ALLOWED_TAGS:
            raise BadRequest(f"can't parse entities: unsupported start tag {tag!r}")
        if closing:
            if not stack or stack.pop() != tag:
                raise BadRequest(f"can't parse entities: unmatched end tag {tag!r}")
        else:
            stack.append(tag)
    rest = source[pos:]
    if any(c in rest for c in "<>&"):
        raise BadRequest(f"can't parse entities: unescaped character near {rest[:20]!r}")
    if stack:
        raise BadRequest(f"can't parse entities: unclosed tag {stack[-1]!r}")
    visible.append(rest)
    return "".join(visible)


def _check_text(text: Any, parse_mode: Any) -> str:
    if not isinstance(text, str):
        raise BadRequest("message text is empty")
    shown = telegram_html_text(text) if parse_mode == "HTML" else text
    if not shown.strip():
        raise BadRequest("message text is empty")
    if len(shown) > 4096:
        raise BadRequest("message is too long")
    return shown


def _check_markup(markup: Any) -> None:
    if not markup:
        return
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= 64:
                raise BadRequest("BUTTON_DATA_INVALID")
            if data is None and not str(button.get("url", "")).startswith(("https://", "http://")):
                raise BadRequest("inline keyboard button without callback_data or url")


@dataclass
class Call:
    """One Bot API request as the bot sent it."""

    method: str
    params: dict[str, Any]
    status: int = 0
    result: Any = None
    at: float = field(default_factory=time.monotonic)  # when the bot made the call


@dataclass
class FakeBotApi:
    """State of a fake Bot API for one bot token."""

    token: str
    username: str = "recall_test_bot"
    bot_id: int = 4242
    calls: list[Call] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)
    chat_members: dict[tuple[int, int], str] = field(default_factory=dict)
    failures: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    chat_failures: dict[tuple[str, int], list[tuple[int, dict[str, Any]]]] = field(
        default_factory=dict)  # (method, chat id) → answers for that chat only
    webhook: dict[str, Any] = field(default_factory=dict)
    rejections: list[tuple[str, str]] = field(default_factory=list)  # (method, 400 description)
    poll_cap: float = 1.0  # seconds a long poll may hang here, whatever timeout the bot asks
    _next_update: int = 1
    _next_message: int = 100
    _chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    # ---- building updates -------------------------------------------------------------
    def user(self, user_id: int = 7, language_code: str | None = "en") -> dict[str, Any]:
        """A Telegram User object."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if language_code:
            user["language_code"] = language_code
        return user

    def chat(self, chat_id: int = 7, kind: str = "private") -> dict[str, Any]:
        """A Chat object (remembered, so replies to it carry the right chat type)."""
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind != "private":
            chat["title"] = "Power bank owners"
        self._chats[chat_id] = chat
        return chat

    def message(
        self, text: str, *, user: dict[str, Any] | None = None,
        chat: dict[str, Any] | None = None, reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An update with a text message; bot_command and mention entities filled in."""
        user = user or self.user()
        chat = chat or self.chat(user["id"])
        entities: list[dict[str, Any]] = []
        if text.startswith("/"):
            entities.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
        for match in re.finditer(r"@\w+", text):
            if match.start() > 0 or not text.startswith("/"):
                entities.append({"type": "mention", "offset": match.start(),
                                 "length": match.end() - match.start()})
        message: dict[str, Any] = {
            "message_id": self._message_id(), "date": int(time.time()), "chat": chat,
            "from": user, "text": text,
        }
        if entities:
            message["entities"] = entities
        if reply_to:
            message["reply_to_message"] = reply_to
        return self._update("message", message)

    def callback(self, data: str, message: dict[str, Any], *,
                 user: dict[str, Any] | None = None) -> dict[str, Any]:
        """An update for pressing a button with `data` under `message` (a sent message)."""
        query = {"id": f"cq{self._next_update}", "from": user or self.user(),
                 "chat_instance": "ci1", "data": data, "message": message}
        return self._update("callback_query", query)

    def inline_query(self, query: str, *, user: dict[str, Any] | None = None) -> dict[str, Any]:
        """An update for `@bot query` typed in any chat."""
        inline = {"id": f"iq{self._next_update}", "from": user or self.user(),
                  "query": query, "offset": ""}
        return self._update("inline_query", inline)

    def _update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_update, kind: payload}
        self._next_update += 1
        return update

    def _message_id(self) -> int:
        self._next_message += 1
        return self._next_message

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates."""
        self.pending.append(update)
        self._changed.set()

    def fail_next(self, method: str, retry_after: int = 1) -> None:
        """The next call of `method` gets 429 Too Many Requests with retry_after."""
        body = {"ok": False, "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after}}
        self.failures.setdefault(method, []).append((429, body))

    def fail_next_in_chat(self, method: str, chat_id: int, retry_after: int = 1) -> None:
        """The next call of `method` for `chat_id` gets 429 (other chats are unaffected)."""
        body = {"ok": False, "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after}}
        self.chat_failures.setdefault((method, chat_id), []).append((429, body))

    def break_next(self, method: str) -> None:
        """The next call of `method` fails with 400 (as if Telegram refused it)."""
        body = {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
        self.failures.setdefault(method, []).append((400, body))

    # ---- inspecting -----------------------------------------------------------------------
    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call to `method`, oldest first."""
        return [c.params for c in self.calls if c.method == method]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Accepted sendMessage calls (to one chat if given), with the message Telegram made."""
        return [c for c in self.calls if c.method == "sendMessage" and c.status == 200
                and (chat_id is None or int(c.params["chat_id"]) == chat_id)]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `predicate()` holds (the bot under test runs meanwhile)."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                methods = [c.method for c in self.calls]
                raise AssertionError(f"timed out; calls so far: {methods}")
            await asyncio.sleep(0.02)

    # ---- the API --------------------------------------------------------------------------
    async def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API request: (HTTP status, JSON body)."""
        call = Call(method, params)
        self.calls.append(call)
        queued = self.failures.get(method)
        if not queued and "chat_id" in params:
            with suppress(TypeError, ValueError):
                queued = self.chat_failures.get((method, int(params["chat_id"])))
        if queued:
            call.status, body = queued.pop(0)
            return call.status, body
        handler = getattr(self, f"_api_{method}", None)
        try:
            call.result = await handler(params) if handler else True
        except BadRequest as exc:
            self.rejections.append((method, str(exc)))
            call.status = 400
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
        call.status = 200
        return 200, {"ok": True, "result": call.result}

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Recall Bot",
                "username": self.username, "supports_inline_queries": True}

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:  # "confirmed as soon as getUpdates is called with an offset higher than its id"
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        timeout = min(float(params.get("timeout") or 0), self.poll_cap)
        if not self.pending and timeout > 0:
            self._changed.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)
        return self.pending[: int(params.get("limit") or 100)]

    def _bot_message(self, chat_id: Any, text: str, markup: Any) -> dict[str, Any]:
        chat = self._chats.get(int(chat_id), {"id": int(chat_id), "type": "private"})
        message: dict[str, Any] = {
            "message_id": self._message_id(), "date": int(time.time()), "chat": chat,
            "from": {"id": self.bot_id, "is_bot": True, "first_name": "Recall Bot",
                     "username": self.username},
            "text": text,
        }
        if markup:
            message["reply_markup"] = markup
        return message

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        shown = _check_text(params.get("text"), params.get("parse_mode"))
        _check_markup(params.get("reply_markup"))
        return self._bot_message(params["chat_id"], shown, params.get("reply_markup"))

    async def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        shown = _check_text(params.get("text"), params.get("parse_mode"))
        _check_markup(params.get("reply_markup"))
        return self._bot_message(params["chat_id"], shown, params.get("reply_markup"))

    async def _api_answerInlineQuery(self, params: dict[str, Any]) -> bool:
        results = params.get("results") or []
        if len(results) > 50:
            raise BadRequest("RESULTS_TOO_MUCH")
        ids = [r["id"] for r in results]
        if len(set(ids)) != len(ids) or any(not 1 <= len(i.encode()) <= 64 for i in ids):
            raise BadRequest("RESULT_ID_INVALID")
        for result in results:
            content = result["input_message_content"]
            _check_text(content.get("message_text"), content.get("parse_mode"))
            _check_markup(result.get("reply_markup"))
        return True

    async def _api_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (int(params["chat_id"]), int(params["user_id"]))
        status = self.chat_members.get(key, "member")
        member: dict[str, Any] = {"status": status, "user": self.user(key[1])}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(dict.fromkeys(_ADMIN_RIGHTS, False), can_manage_chat=True,
                          can_delete_messages=True)
        return member

    async def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands") or []
        if not 1 <= len(commands) <= 100:
            raise BadRequest("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]):
                raise BadRequest("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise BadRequest("BOT_COMMAND_DESCRIPTION_INVALID")
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = dict(params)
        return True

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    # ---- transports -----------------------------------------------------------------------
    def _route(self, path: str) -> str | None:
        prefix = f"/bot{self.token}/"
        return path[len(prefix):] if path.startswith(prefix) else None

    def transport(self) -> httpx.MockTransport:
        """An httpx transport for PTB's HTTPXRequest: no sockets at all."""

        async def handler(request: httpx.Request) -> httpx.Response:
            method = self._route(request.url.path)
            if method is None:
                return httpx.Response(401, json={"ok": False, "error_code": 401,
                                                 "description": "Unauthorized"})
            params = decode_params(dict(parse_qsl((await request.aread()).decode())))
            status, body = await self.call(method, params)
            return httpx.Response(status, json=body)

        return httpx.MockTransport(handler)

    @asynccontextmanager
    async def serve(self) -> AsyncIterator[str]:
        """Serve on 127.0.0.1 (a free port); yields the base URL (PTB base_url form)."""

        async def handle(request: web.Request) -> web.Response:
            method = self._route(request.path)
            if method is None:
                return web.json_response({"ok": False, "error_code": 401,
                                          "description": "Unauthorized"}, status=401)
            form = await request.post()
            params = decode_params({k: str(v) for k, v in form.items()})
            status, body = await self.call(method, params)
            return web.json_response(body, status=status)

        app = web.Application()
        app.router.add_route("POST", "/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        site = web.SockSite(runner, sock)
        await site.start()
        try:
            yield f"http://127.0.0.1:{sock.getsockname()[1]}/bot"
        finally:
            self._changed.set()
            await runner.cleanup()


def decode_params(form: dict[str, str]) -> dict[str, Any]:
    """PTB sends form fields: strings as-is, everything else JSON-encoded."""
    params: dict[str, Any] = {}
    for key, value in form.items():
        if key in _STRING_PARAMS:
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
