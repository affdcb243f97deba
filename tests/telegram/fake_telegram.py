"""A fake Telegram Bot API server for offline tests and benchmarks.

Runs tornado on 127.0.0.1 (free port) in its own thread, so the bot under test can run in
another thread with its own event loop and tests stay plain synchronous functions. It accepts
requests the way Telegram does (form-urlencoded, multipart or JSON bodies), enforces the limits
the bot could break (message length after entity parsing, HTML entities, callback_data size,
command names) and answers ``400 Bad Request`` like Telegram when they are broken.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tornado.http1connection
import tornado.httpserver
import tornado.netutil
import tornado.web
from tornado.httputil import parse_body_arguments

from tests.telegram.telegram_html import EntityError, parse_html, utf16_len

BOT_ID = 7000001
BOT_USERNAME = "careerbot_test_bot"
TEST_TOKEN = "123456789:AAHk2x9vQf8LwZp3RtYbN7mCdEe5GhJsKuT"  # looks real, is not
_JSON_FIELDS = {"reply_markup", "commands", "allowed_updates", "entities", "link_preview_options",
                "reply_parameters", "scope"}
_INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "cache_time"}
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_MENTION = re.compile(r"@[A-Za-z0-9_]{5,32}")


class ApiError(Exception):
    def __init__(self, description: str, code: int = 400) -> None:
        super().__init__(description)
        self.description = description
        self.code = code


@dataclass
class Call:
    """One Bot API request the bot made."""

    method: str
    params: dict[str, Any]
    ok: bool
    result: Any = None
    error: str | None = None
    at: float = field(default_factory=time.monotonic)


def _user(user_id: int, first_name: str = "Alex") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}


def _entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram would attach: a leading bot command and @mentions."""
    entities: list[dict[str, Any]] = []
    if text.startswith("/"):
        word = text.split(maxsplit=1)[0]
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(word)})
    for m in _MENTION.finditer(text):
        entities.append({
            "type": "mention",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group()),
        })
    return entities


class FakeTelegram:
    """The fake server plus helpers to inject updates and await what the bot sends."""

    def __init__(self, token: str = TEST_TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self._by_method: dict[str, list[Call]] = {}
        self._sent: dict[int, list[dict[str, Any]]] = {}
        self.commands: list[dict[str, Any]] = []  # the default (public) command menu
        self.scoped_commands: dict[str, list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.delays: dict[str, float] = {}  # method -> seconds to wait before answering
        # (method, predicate on the parameters, seconds): delay only the matching calls.
        self.hangs: list[tuple[str, Callable[[dict[str, Any]], bool], float]] = []
        self.started: list[str] = []  # methods whose request arrived (answered or not)
        self._cond = threading.Condition()
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._cursor: dict[tuple[str, int], int] = {}
        self._faults: list[tuple[str, Callable[[dict[str, Any]], bool], int, str]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._new_update: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._server: tornado.httpserver.HTTPServer | None = None
        self.port = 0

    # ----------------------------------------------------------------- lifecycle
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeTelegram:
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            self._new_update = asyncio.Event()
            app = tornado.web.Application([(r"/bot([^/]+)/(\w+)", _Handler, {"fake": self})])
            self._server = tornado.httpserver.HTTPServer(app)
            self._server.add_sockets(sockets)
            loop.call_soon(ready.set)
            loop.run_forever()
            loop.run_until_complete(self._server.close_all_connections())
            loop.close()

        self._thread = threading.Thread(target=serve, name="fake-telegram", daemon=True)
        self._thread.start()
        ready.wait(5)
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        loop = self._loop

        def halt() -> None:
            assert self._server is not None
            self._server.stop()
            if self._new_update is not None:
                self._new_update.set()
            loop.stop()

        loop.call_soon_threadsafe(halt)
        self._thread.join(5)
        self._loop = None

    # ----------------------------------------------------------------- injecting updates
    def _push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), kind: payload}
        with self._cond:
            self._updates.append(update)
        if self._loop is not None and self._new_update is not None:
            self._loop.call_soon_threadsafe(self._new_update.set)
        return update

    def _chat(self, chat_id: int, chat_type: str, user: dict[str, Any]) -> dict[str, Any]:
        if chat_type == "private":
            chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        else:
            chat = {"id": chat_id, "type": chat_type, "title": "Coders' lounge"}
        self._chats[chat_id] = chat
        return chat

    def message_dict(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        reply_to: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        user = _user(user_id if user_id is not None else chat_id)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id, chat_type, user),
            "from": user,
        }
        if text is not None:
            message["text"] = text
            if entities := _entities(text):
                message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(extra or {})
        return message

    def send_text(self, chat_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
        """A user sends ``text`` (commands and @mentions get entities like in Telegram)."""
        return self._push("message", self.message_dict(chat_id, text, **kwargs))

    def send_sticker(self, chat_id: int, **kwargs: Any) -> dict[str, Any]:
        sticker = {"file_id": "CAACAgIAAxkBAAI", "file_unique_id": "AgADeAAD", "width": 512,
                   "height": 512, "is_animated": False, "is_video": False, "type": "regular",
                   "emoji": "😀"}
        return self._push(
            "message", self.message_dict(chat_id, extra={"sticker": sticker}, **kwargs)
        )

    def send_photo(self, chat_id: int, caption: str | None = None,
                   **kwargs: Any) -> dict[str, Any]:
        photo = [{"file_id": "AgACAgIAAxkBAAI", "file_unique_id": "AQADx", "width": 90,
                  "height": 90, "file_size": 1200}]
        extra: dict[str, Any] = {"photo": photo}
        if caption is not None:
            extra["caption"] = caption
            if entities := _entities(caption):
                extra["caption_entities"] = entities
        return self._push("message", self.message_dict(chat_id, extra=extra, **kwargs))

    def send_update(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Any update, as given (plus the next update_id): malformed ones included."""
        update = {"update_id": next(self._update_ids), **fields}
        with self._cond:
            self._updates.append(update)
        if self._loop is not None and self._new_update is not None:
            self._loop.call_soon_threadsafe(self._new_update.set)
        return update

    def edit_text(self, chat_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
        message = self.message_dict(chat_id, text, **kwargs)
        message["edit_date"] = int(time.time())
        return self._push("edited_message", message)

    def channel_post(self, chat_id: int, text: str) -> dict[str, Any]:
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "channel", "title": "News"}, "text": text}
        return self._push("channel_post", message)

    def press(
        self, message: dict[str, Any], data: str, *, user_id: int | None = None
    ) -> dict[str, Any]:
        """A user presses the inline button with ``callback_data`` ``data`` under ``message``."""
        chat_id = message["chat"]["id"]
        query = {
            "id": str(next(self._update_ids) * 7919),
            "from": _user(user_id if user_id is not None else chat_id),
            "message": message,
            "chat_instance": f"ci{chat_id}",
            "data": data,
        }
        return self._push("callback_query", query)

    def inject_fault(
        self, method: str, description: str, when: Callable[[dict[str, Any]], bool] = bool,
        code: int = 400,
    ) -> None:
        """Make the next ``method`` call matching ``when`` fail with ``description``.

        ``code`` 0 drops the connection without an answer (a reset).
        """
        with self._cond:
            self._faults.append((method, when, code, description))

    # ----------------------------------------------------------------- observing the bot
    def calls_of(self, method: str) -> list[Call]:
        with self._cond:
            return list(self._by_method.get(method, ()))

    def count(self, method: str) -> int:
        with self._cond:
            return len(self._by_method.get(method, ()))

    def wait_started(self, method: str, timeout: float = 5.0) -> None:
        """Block until a request for ``method`` has arrived (maybe still being answered)."""
        self.wait_for(lambda _: method in self.started, timeout)

    def wait_for(
        self, predicate: Callable[[list[Call]], Any], timeout: float = 5.0
    ) -> Any:
        """Block until ``predicate(calls)`` is truthy and return its value."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate(self.calls)
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout}s; calls: {self.summary()}")
                self._cond.wait(remaining)

    def sent(self, chat_id: int) -> list[dict[str, Any]]:
        """Every message the bot sent successfully to ``chat_id`` (the returned Message)."""
        with self._cond:
            return list(self._sent.get(chat_id, ()))

    def replies(self, chat_id: int, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Wait for ``count`` new messages to ``chat_id`` since the last call; return them."""
        key = ("sendMessage", chat_id)

        def new(_: list[Call]) -> list[dict[str, Any]] | None:
            fresh = self.sent(chat_id)[self._cursor.get(key, 0):]
            return fresh if len(fresh) >= count else None

        fresh = self.wait_for(new, timeout)
        self._cursor[key] = self._cursor.get(key, 0) + len(fresh)
        return list(fresh)

    def reply(self, chat_id: int, timeout: float = 5.0) -> dict[str, Any]:
        return self.replies(chat_id, 1, timeout)[0]

    def summary(self) -> str:
        return ", ".join(f"{c.method}{'' if c.ok else '!'}" for c in self.calls[-30:])

    def pending_updates(self) -> int:
        with self._cond:
            return len(self._updates)

    # ----------------------------------------------------------------- API methods
    def handle(self, token: str, method: str, params: dict[str, Any]) -> Any:
        if token != self.token:
            raise ApiError("Unauthorized", 401)
        with self._cond:
            for fault in self._faults:
                if fault[0] == method and fault[1](params):
                    self._faults.remove(fault)
                    raise ApiError(fault[3], fault[2])
        handler = getattr(self, f"api_{method.lower()}", None)
        if handler is None:
            raise ApiError("Not Found", 404)
        return handler(params)

    def record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)
            self._by_method.setdefault(call.method, []).append(call)
            if call.method == "sendMessage" and call.ok:
                self._sent.setdefault(call.result["chat"]["id"], []).append(call.result)
            self._cond.notify_all()

    def api_getme(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "CareerBot",
                "username": BOT_USERNAME, "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False}

    def api_deletewebhook(self, _: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    def api_setwebhook(self, params: dict[str, Any]) -> bool:
        if not str(params.get("url", "")).startswith("https://"):
            raise ApiError("Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise ApiError("Bad Request: secret token contains unallowed characters")
        self.webhook = params
        return True

    def api_getwebhookinfo(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    def api_setmycommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError("Bad Request: commands must be a list of at most 100 commands")
        for command in commands:
            if not _COMMAND_NAME.match(str(command.get("command", ""))):
                raise ApiError("Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError("Bad Request: command description is empty or too long")
        scope = params.get("scope") or {"type": "default"}
        self.scoped_commands[json.dumps(scope, sort_keys=True)] = commands
        if scope.get("type") == "default":
            self.commands = commands
        return True

    def api_getmycommands(self, _: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands

    def api_sendchataction(self, params: dict[str, Any]) -> bool:
        self._require_chat(params)
        return True

    def api_answercallbackquery(self, params: dict[str, Any]) -> bool:
        if not params.get("callback_query_id"):
            raise ApiError("Bad Request: query is too old and response timeout expired")
        if len(str(params.get("text", ""))) > 200:
            raise ApiError("Bad Request: MESSAGE_TOO_LONG")
        return True

    def api_close(self, _: dict[str, Any]) -> bool:
        return True

    def api_logout(self, _: dict[str, Any]) -> bool:
        return True

    def _require_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chats.get(params.get("chat_id"))  # type: ignore[arg-type]
        if chat is None:
            raise ApiError("Bad Request: chat not found")
        return chat

    def _check_markup(self, params: dict[str, Any]) -> Any:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        if rows is None:
            return markup
        if not isinstance(rows, list):
            raise ApiError("Bad Request: can't parse inline keyboard button")
        for row in rows:
            for button in row:
                if not str(button.get("text", "")).strip():
                    raise ApiError("Bad Request: BUTTON_TEXT_INVALID")
                if "callback_data" in button:
                    data = str(button["callback_data"]).encode()
                    if not 1 <= len(data) <= 64:
                        raise ApiError("Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _text(self, params: dict[str, Any]) -> str:
        text = str(params.get("text", ""))
        mode = str(params.get("parse_mode") or "")
        if mode.upper() == "HTML":
            try:
                text = parse_html(text)
            except EntityError as err:
                raise ApiError(str(err)) from None
        elif mode:
            raise ApiError(f"Bad Request: unsupported parse_mode {mode} in the fake")
        if not text.strip():
            raise ApiError("Bad Request: message text is empty")
        if utf16_len(text.strip()) > 4096:
            raise ApiError("Bad Request: message is too long")
        return text.strip()

    def api_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._require_chat(params)
        text = self._text(params)
        markup = self._check_markup(params)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
            "from": self.api_getme({}), "text": text,
            "html": params.get("text") if params.get("parse_mode") else None,
        }
        if markup is not None:
            message["reply_markup"] = markup
        self._messages[(chat["id"], message["message_id"])] = message
        return message

    def _stored(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._messages.get((params.get("chat_id"), params.get("message_id")))  # type: ignore[arg-type]
        if message is None:
            raise ApiError("Bad Request: message to edit not found")
        return message

    def api_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._stored(params)
        text = self._text(params)
        markup = self._check_markup(params)
        if text == message["text"] and markup == message.get("reply_markup"):
            raise ApiError("Bad Request: message is not modified")
        message.update(text=text, edit_date=int(time.time()))
        message["reply_markup"] = markup
        return message

    def api_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._stored(params)
        markup = self._check_markup(params)
        if markup == message.get("reply_markup"):
            raise ApiError("Bad Request: message is not modified")
        message["reply_markup"] = markup
        return message

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Long polling: return updates at or after ``offset``, waiting up to ``timeout``."""
        offset = int(params.get("offset") or 0)
        allowed = params.get("allowed_updates") or []
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 30.0)
        assert self._new_update is not None
        while True:
            with self._cond:
                if offset:
                    # Like Telegram: confirming an offset forgets the earlier updates.
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                # One pass (not a membership test per update): with thousands waiting,
                # a quadratic filter made this server, not the bot, the bottleneck.
                ready = [u for u in self._updates
                         if not allowed or any(k in u for k in allowed)]
                if len(ready) < len(self._updates):  # Telegram drops the kinds not allowed
                    self._updates = ready
                self._new_update.clear()
            limit = int(params.get("limit") or 100)
            if ready or time.monotonic() >= deadline:
                return ready[:limit]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._new_update.wait(), max(0.0, deadline - time.monotonic())
                )


def parse_params(content_type: str, body: bytes, query: dict[str, list[bytes]]) -> dict[str, Any]:
    """Read Bot API parameters the way Telegram accepts them: query, form, multipart or JSON."""
    params: dict[str, Any] = {k: v[-1].decode() for k, v in query.items()}
    if content_type.startswith("application/json"):
        params.update(json.loads(body or b"{}"))
        return params
    arguments: dict[str, list[bytes]] = {}
    parse_body_arguments(content_type, body, arguments, {})
    for key, values in arguments.items():
        params[key] = values[-1].decode()
    for key in _JSON_FIELDS & params.keys():
        if isinstance(params[key], str):
            try:
                params[key] = json.loads(params[key])
            except ValueError:
                raise ApiError(f"Bad Request: can't parse {key} JSON object") from None
    for key in _INT_FIELDS & params.keys():
        try:
            params[key] = int(params[key])
        except (TypeError, ValueError):
            if key == "chat_id":
                raise ApiError("Bad Request: chat not found") from None
    return params


class _Handler(tornado.web.RequestHandler):
    def initialize(self, fake: FakeTelegram) -> None:
        self.fake = fake

    async def _serve(self, token: str, method: str) -> None:
        self.set_header("Content-Type", "application/json")
        try:
            params = parse_params(
                self.request.headers.get("Content-Type", ""),
                self.request.body,
                self.request.query_arguments,
            )
            if method.lower() != "getupdates":
                with self.fake._cond:
                    self.fake.started.append(method)
                    self.fake._cond.notify_all()
            if delay := self.fake.delays.get(method):
                await asyncio.sleep(delay)
            for hung, when, seconds in list(self.fake.hangs):
                if hung == method and when(params):
                    await asyncio.sleep(seconds)
            if token == self.fake.token and method.lower() == "getupdates":
                result = await self.fake.get_updates(params)
            else:
                result = self.fake.handle(token, method, params)
        except ApiError as err:
            if token == self.fake.token:
                self.fake.record(Call(method, locals().get("params", {}), False,
                                      error=err.description))
            if err.code == 0:  # a reset: close the connection without answering
                connection = self.request.connection
                assert isinstance(connection, tornado.http1connection.HTTP1Connection)
                connection.stream.close()
                return
            self.set_status(err.code)
            self.finish(json.dumps({"ok": False, "error_code": err.code,
                                    "description": err.description}))
            return
        if method.lower() != "getupdates" or result:
            self.fake.record(Call(method, params, True, result))
        self.finish(json.dumps({"ok": True, "result": result}))

    async def post(self, token: str, method: str) -> None:
        await self._serve(token, method)

    async def get(self, token: str, method: str) -> None:
        await self._serve(token, method)
