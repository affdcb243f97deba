"""python-telegram-bot handlers: commands, free text, buttons, admin commands, errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import Forbidden
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import commands, payloads
from bot.commands import COMMANDS, UNKNOWN_COMMAND
from bot.config import Settings
from bot.errors import DataError
from bot.reply import Reply
from bot.state import ConversationState
from bot.telegram import addressing, work
from bot.telegram.admin import as_plain, reload_failed, stats_message
from bot.telegram.flood import FloodGuard, Verdict
from bot.telegram.inbox import describe
from bot.telegram.keyboards import CallbackCodec, Keyboards, without_feedback
from bot.telegram.persistence import ChatStore
from bot.telegram.ports import EngineLike
from bot.telegram.render import Chunk, render, render_text
from bot.telegram.sender import message_calls, perform
from bot.telegram.work import Call

_LOG = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
Step = Callable[[ConversationState], tuple[Reply, ConversationState]]

FORGOTTEN = (
    "Done: I deleted everything I had stored about you (our conversation context, your "
    "feedback and the questions I could not answer). Send /start whenever you like."
)
FORGOTTEN_IN_GROUP = (
    "Done: I deleted your feedback and the questions of yours I could not answer. The "
    "conversation context of this group is shared, so it stays."
)
SOMETHING_WRONG = "Sorry, something went wrong on my side. Please try again in a moment."
STATS_UNAVAILABLE = "Statistics cannot be read just now (see the bot's log)."
BUTTON_EXPIRED = "This button has expired. Send /topics for the menu."
THANKS = "Thanks for the feedback!"
_MAX_STORED_QUESTION = 1000  # characters of an unanswered question kept for editors


FLOOD_OVER = (
    "Thanks for waiting: you can write to me again. I skipped the messages you sent during "
    "the break, so send again anything I haven't answered."
)


def flood_notice(cooldown_seconds: float) -> str:
    """The one notice a user gets when flood control pauses them."""
    seconds = round(cooldown_seconds)
    if seconds >= 90:
        wait = f"{round(seconds / 60)} minutes"
    else:
        wait = f"{seconds} second{'' if seconds == 1 else 's'}"
    return (
        "You're sending messages faster than I can keep up with. "
        f"I'll take a short break of about {wait} and tell you here when I'm reading again."
    )


class CareerBot:
    """All handlers of the bot; holds the engine (swappable by /reload) and the chat store."""

    def __init__(
        self,
        settings: Settings,
        engine: EngineLike,
        load_engine: Callable[[], EngineLike],
        store: ChatStore,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self._load_engine = load_engine
        self.store = store
        self.codec = CallbackCodec()
        self.keyboards = Keyboards(self.codec)
        self.flood = FloodGuard(
            settings.flood_max_messages,
            settings.flood_window_seconds,
            settings.flood_cooldown_seconds,
            burst=settings.flood_burst,
        )
        self._timers: set[asyncio.Task[None]] = set()  # "the pause is over" messages

    # ------------------------------------------------------------------ wiring
    def register(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Add every handler to ``app``: the guard first, then commands, text, buttons."""
        only_new = filters.UpdateType.MESSAGE  # edited messages and channel posts are ignored
        admins = filters.User(user_id=self.settings.admin_ids) if self.settings.admin_ids else None
        app.add_handler(TypeHandler(Update, self.guard), group=-1)
        callbacks: dict[str, Callable[[Update, Context], Any]] = {
            "start": self.cmd_start, "help": self.cmd_help, "topics": self.cmd_topics,
            "schools": self.cmd_schools, "sources": self.cmd_sources,
            "forget": self.cmd_forget, "stats": self.cmd_stats, "reload": self.cmd_reload,
        }
        for command in COMMANDS:  # the one command table (bot/commands.py)
            if not command.admin:
                app.add_handler(CommandHandler(command.name, callbacks[command.name],
                                               filters=only_new))
            elif admins is not None:
                app.add_handler(CommandHandler(command.name, callbacks[command.name],
                                               filters=only_new & admins))
        app.add_handler(MessageHandler(only_new & filters.COMMAND, self.unknown_command))
        app.add_handler(MessageHandler(only_new & filters.TEXT, self.on_text))
        app.add_handler(
            MessageHandler(only_new & ~filters.TEXT & ~filters.StatusUpdate.ALL, self.on_other)
        )
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_error_handler(self.on_error)

    # ------------------------------------------------------------------ helpers
    # Handlers do not write or send: they add changes and calls to the update's work, which
    # the inbox commits and then sends (updates of one chat are handled one at a time).
    @staticmethod
    def _where(message: Message) -> tuple[int | None, int | None]:
        """``(reply_to, thread_id)``: in groups quote the question; keep forum threads."""
        reply_to = None if message.chat.type == ChatType.PRIVATE else message.message_id
        thread = message.message_thread_id if message.is_topic_message else None
        return reply_to, thread

    async def _send(
        self, context: Context, message: Message, reply: Reply, quote: bool = True
    ) -> None:
        """Queue ``reply`` as messages with its keyboard, quoting the question in groups."""
        reply_to, thread = self._where(message)
        work.current().calls.extend(message_calls(
            message.chat_id,
            render(reply),
            self.keyboards.for_reply(reply),
            reply_to if quote else None,
            thread,
        ))

    async def _send_text(self, context: Context, message: Message, chunks: list[Chunk]) -> None:
        """Queue plain-text chunks without buttons."""
        reply_to, thread = self._where(message)
        work.current().calls.extend(
            message_calls(message.chat_id, chunks, None, reply_to, thread))

    @staticmethod
    def _answer_query(query: CallbackQuery, text: str | None = None,
                      alert: bool = False) -> None:
        """Stop the button's spinner (optional: pointless once the query has expired)."""
        params: dict[str, Any] = {"callback_query_id": query.id}
        if text:
            params["text"] = text
        if alert:
            params["show_alert"] = True
        work.current().calls.append(Call("answerCallbackQuery", params, optional=True))

    async def _converse(
        self,
        context: Context,
        message: Message,
        user_id: int,
        step: Step,
        question: str | None = None,
        quote: bool = True,
    ) -> None:
        """Run one engine step with the chat's stored state, save the new state, reply."""
        chat_id = message.chat_id
        state = await self.store.state(chat_id)
        reply, new_state = step(state)
        unanswered = question[:_MAX_STORED_QUESTION] if question and reply.unanswered else None
        await self.store.save_turn(
            chat_id, user_id, new_state, reply.intent, not reply.unanswered, unanswered
        )
        await self._send(context, message, reply, quote)

    # ------------------------------------------------------------------ flood control
    def _counts(self, update: Update, context: Context) -> bool:
        """Whether an update is something the bot would act on (only those count as flood)."""
        if update.callback_query is not None:
            return True
        message = update.message
        if message is None:
            return False
        if addressing.is_private(message):
            return True
        if message.text and message.text.startswith("/"):
            return True
        username = context.bot.username or ""
        return addressing.addressed(message, context.bot.id, username)

    async def guard(self, update: Update, context: Context) -> None:
        """Runs before every handler: drops ignored updates and enforces flood control."""
        user = update.effective_user
        if user is None or not self._counts(update, context):
            return
        verdict = self.flood.check(user.id)
        if verdict is Verdict.ALLOW:
            return
        if verdict is Verdict.NOTICE:
            _LOG.info("flood control: pausing a user for %ss", self.flood.cooldown_seconds)
            notice = flood_notice(self.flood.cooldown_seconds)
            if update.callback_query is not None:
                self._answer_query(update.callback_query, notice, alert=True)
            elif update.message is not None:
                await self._send_text(context, update.message, render_text(notice))
            self._tell_when_over(context, update)
        elif update.callback_query is not None:
            self._answer_query(update.callback_query)  # stop the spinner, say nothing
        raise ApplicationHandlerStop

    def _tell_when_over(self, context: Context, update: Update) -> None:
        """Schedule the one message saying the pause is over (lost if the bot stops first:
        a restart forgives everyone anyway)."""
        query = update.callback_query
        message = update.message or (
            query.message if query is not None and isinstance(query.message, Message) else None)
        if message is None:
            return
        reply_to, thread = self._where(message)
        if query is not None:
            reply_to = None  # a button's message is the bot's own: do not quote it
        [call] = message_calls(message.chat_id, render_text(FLOOD_OVER), None, reply_to, thread)
        task = asyncio.create_task(self._send_later(context, call), name="flood-over")
        self._timers.add(task)
        task.add_done_callback(self._timers.discard)

    async def _send_later(self, context: Context, call: Call) -> None:
        """Send ``call`` once the flood pause is over (best effort)."""
        await asyncio.sleep(self.flood.cooldown_seconds)
        try:
            await perform(context.bot, call)
        except Exception as err:  # Telegram may refuse it (blocked bot): nothing to repeat
            _LOG.info("could not say that a flood pause is over: %s", describe(err))

    async def close(self) -> None:
        """Cancel the scheduled messages (at shutdown)."""
        for task in list(self._timers):
            task.cancel()
        if self._timers:
            await asyncio.wait(set(self._timers), timeout=1)

    # ------------------------------------------------------------------ commands
    async def cmd_start(self, update: Update, context: Context) -> None:
        """/start: the greeting and topic menu, or a deep link's topic answered at once."""
        message, user = update.message, update.effective_user
        if message is None or user is None:
            return
        deep_link = " ".join(context.args or ())
        await self._converse(context, message, user.id,
                             lambda s: commands.in_chat(self.engine, "start", deep_link, s))

    async def cmd_help(self, update: Update, context: Context) -> None:
        """/help: how to ask."""
        if update.message is not None:
            await self._send(context, update.message, self.engine.help())

    async def cmd_topics(self, update: Update, context: Context) -> None:
        """/topics: the topic menu."""
        if update.message is not None:
            await self._send(context, update.message, self.engine.topics_menu())

    async def cmd_sources(self, update: Update, context: Context) -> None:
        """/sources: where the facts come from and how current they are."""
        if update.message is not None:
            await self._send(context, update.message, self.engine.sources())

    async def cmd_schools(self, update: Update, context: Context) -> None:
        """/schools [level]: the schools, filtered by a level or "online" named in any words."""
        message, user = update.message, update.effective_user
        if message is None or user is None:
            return
        wanted = " ".join(context.args or ())
        await self._converse(
            context, message, user.id, lambda s: self.engine.schools_asked(wanted, s)
        )

    async def cmd_forget(self, update: Update, context: Context) -> None:
        """/forget: delete what is stored about the user (in groups: their own data only)."""
        message, user = update.message, update.effective_user
        if message is None or user is None:
            return
        # In a group the context belongs to everyone in it: one member forgets only their own.
        private = addressing.is_private(message)
        await self.store.forget(message.chat_id, user.id, whole_chat=private)
        await self._send_text(context, message,
                              render_text(FORGOTTEN if private else FORGOTTEN_IN_GROUP))

    async def unknown_command(self, update: Update, context: Context) -> None:
        """Any other command addressed to this bot: say so and point to /help."""
        message = update.message
        if message is None or not addressing.command_for_us(message, context.bot.username or ""):
            return
        await self._send_text(context, message, render_text(UNKNOWN_COMMAND))

    # ------------------------------------------------------------------ admin commands
    async def cmd_stats(self, update: Update, context: Context) -> None:
        """/stats (admins): usage, feedback and inbox health; unanswered questions in private."""
        message = update.message
        if message is None:
            return
        found = await self.store.stats()
        if found is None:
            await self._send_text(context, message, render_text(STATS_UNAVAILABLE))
            return
        stats, unanswered = found
        # Unanswered questions are what users typed: shown in a private chat only.
        private = addressing.is_private(message)
        text = stats_message(stats, unanswered if private else None,
                             self.settings.retention_days)
        reply_to, thread = self._where(message)
        work.current().calls.extend(message_calls(
            message.chat_id, [Chunk(html=text, plain=as_plain(text))], None, reply_to, thread))

    async def cmd_reload(self, update: Update, context: Context) -> None:
        """/reload (admins): re-read the YAML, keeping the running data if it is broken."""
        message = update.message
        if message is None:
            return
        try:
            engine = await asyncio.to_thread(self._load_engine)
        except DataError as err:
            _LOG.warning("reload failed with %d problem(s)", len(err.problems))
            await self._send_text(context, message, reload_failed(str(err)))
            return
        except Exception as err:  # any loader failure must leave the running bot intact
            _LOG.exception("reload failed")
            await self._send_text(context, message, reload_failed(f"{type(err).__name__}: {err}"))
            return
        self.engine = engine
        _LOG.info("knowledge base reloaded")
        text = f"Reloaded the knowledge base: {len(engine.topic_ids)} topics."
        await self._send_text(context, message, render_text(text))

    # ------------------------------------------------------------------ conversation
    async def on_text(self, update: Update, context: Context) -> None:
        """Free text: answered by the engine in the chat's context (groups: when addressed)."""
        message, user = update.message, update.effective_user
        if message is None or user is None or message.text is None:
            return
        await self._answer_text(context, message, user.id, message.text)

    async def _answer_text(self, context: Context, message: Message, user_id: int,
                           text: str) -> None:
        """Answer ``text`` if it is addressed to the bot, without the @mention."""
        username = context.bot.username or ""
        if not addressing.addressed(message, context.bot.id, username):
            return
        if not addressing.is_private(message):
            text = addressing.strip_mention(text, username)
        await self._converse(
            context, message, user_id, lambda s: self.engine.respond(text, s), question=text
        )

    async def on_other(self, update: Update, context: Context) -> None:
        """Stickers, photos, voice, files: say that only text is understood."""
        message, user = update.message, update.effective_user
        if message is None:
            return
        if message.caption and user is not None:  # a photo with a question under it
            await self._answer_text(context, message, user.id, message.caption)
            return
        if not addressing.addressed(message, context.bot.id, context.bot.username or ""):
            return
        await self._send(context, message, self.engine.not_text())

    async def on_button(self, update: Update, context: Context) -> None:
        """A button press: a vote is recorded and thanked, anything else is answered."""
        query, user = update.callback_query, update.effective_user
        if query is None or user is None:
            return
        payload = self.codec.decode(query.data)
        message = query.message if isinstance(query.message, Message) else None
        # Callback data comes from the client: act only on payloads this bot could have issued.
        if payload is None or message is None or not self.engine.issued(payload):
            self._answer_query(query, BUTTON_EXPIRED, alert=True)
            return
        vote = payloads.parse(payload)
        if vote is not None and vote.kind == payloads.VOTE:
            for answered in payloads.voted(vote):  # a reply may answer several questions
                await self.store.feedback(user.id, answered, payloads.helpful(vote),
                                          answer=(message.chat_id, message.message_id))
            self._answer_query(query, THANKS)
            # Optional: e.g. "message is not modified" after a double tap.
            markup = without_feedback(message.reply_markup, self.codec)
            params: dict[str, Any] = {"chat_id": message.chat_id,
                                      "message_id": message.message_id}
            if markup is not None:
                params["reply_markup"] = markup.to_dict()
            work.current().calls.append(
                Call("editMessageReplyMarkup", params, optional=True))
            return
        self._answer_query(query)
        await self._converse(
            context, message, user.id, lambda s: self.engine.select(payload, s), quote=False
        )

    # ------------------------------------------------------------------ errors
    async def on_error(self, update: object, context: Context) -> None:
        """Mark the update failed (the inbox logs it once and records it) and apologise."""
        error = context.error or RuntimeError("unknown error")
        if not isinstance(update, Update):
            _LOG.error("error outside an update: %s", type(error).__name__, exc_info=error)
            return
        apology: list[Call] = []
        chat = update.effective_chat
        if chat is not None and not isinstance(error, Forbidden):
            # A message, not a callback answer: the button press may already be answered.
            apology.append(Call("sendMessage", {"chat_id": chat.id, "text": SOMETHING_WRONG}))
        _LOG.debug("handling update %d failed", update.update_id, exc_info=error)
        work.current().fail(error, apology)
