"""The python-telegram-bot Application: handlers that parse updates, ask the engine, render.

No ConversationHandler and no in-memory state: the engine stores every conversation, and buttons
carry the engine's action tokens, so a restart loses nothing.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from telegram import (
    BotCommand,
    ChatMember,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from adapters.telegram import parse, photos
from adapters.telegram.ratelimit import ChatRateLimiter, ReplyBudget
from adapters.telegram.render import FrozenLinkPreview, Outgoing, html_chunks, keyboard, render
from adapters.telegram.updates import ChatOrderedProcessor
from bot.inbound import COMMANDS, ChatKind, Inbound
from bot.replies import Button, PsaCard, Reply, TextReply, VerdictCard

log = logging.getLogger(__name__)
NO_PREVIEW = FrozenLinkPreview(is_disabled=True)  # immutable, so one for every message

# Opt in now to PTB 23's timedelta durations (RetryAfter.retry_after, ...): without it PTB 22
# itself emits a PTBDeprecationWarning every time Telegram answers 429. Nothing here reads them.
os.environ.setdefault("PTB_TIMEDELTA", "1")

# At most this many messages answer one message in a group (the rest: "continue privately").
GROUP_MESSAGES_PER_MESSAGE = 3
MAX_INLINE_RESULTS = 50  # "No more than 50 results per query are allowed."
INLINE_CACHE_SECONDS = 60  # answers depend on the knowledge files, which can be reloaded
RATE_LIMIT_RETRIES = 3
ALLOWED_UPDATES = ["message", "callback_query", "inline_query"]
_PAYLOAD_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")

TelegramApp = Application[Any, Any, Any, Any, Any, Any]


class CatalogLike(Protocol):
    """The part of bot.catalog.Catalog the adapter uses."""

    languages: tuple[str, ...]

    def text(self, lang: str, msgid: str, /, **kwargs: object) -> str: ...


class EngineLike(Protocol):
    """The part of bot.engine.Engine the adapter uses (see engine-api)."""

    @property
    def catalog(self) -> CatalogLike: ...

    async def handle(self, inbound: Inbound) -> list[Reply]: ...

    def language_for(self, locale: str | None) -> str: ...

    def inline_answers(self, query: str, lang: str) -> list[Reply]: ...

    async def close(self) -> None: ...


EngineOpener = Callable[[], Awaitable[EngineLike]]


def telegram_language_code(lang: str) -> str:
    """setMyCommands wants two-letter ISO 639-1 codes: zh-Hans → zh."""
    return lang.split("-")[0].lower()


class TelegramAdapter:
    """Handlers bound to one engine; the engine opens with the Application and closes with it."""

    def __init__(self, open_engine: EngineOpener) -> None:
        self._open_engine = open_engine
        self._engine: EngineLike | None = None
        self.group_budget = ReplyBudget()

    @property
    def engine(self) -> EngineLike:
        """The open engine (only between post_init and post_shutdown)."""
        if self._engine is None:
            raise RuntimeError("the engine is not open: start the Application first")
        return self._engine

    def install(self, app: TelegramApp) -> None:
        """Add the handlers to `app`."""
        app.add_handler(InlineQueryHandler(self.share_inline))
        app.add_handler(CallbackQueryHandler(self.press_button))
        photos.install(self, app)  # issue 17: label photos, before the catch-all below
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self.converse))
        app.add_error_handler(self.apologise)

    async def post_init(self, app: TelegramApp) -> None:
        """Open the engine and register the commands in every language."""
        self._engine = await self._open_engine()
        await self.register_commands(app)
        log.info("Telegram bot @%s is ready", app.bot.username)

    async def post_shutdown(self, app: TelegramApp) -> None:
        """Close the engine."""
        if self._engine is not None:
            await self._engine.close()
            self._engine = None

    async def register_commands(self, app: TelegramApp) -> None:
        """setMyCommands per language (one call at a time), English as the default list."""
        catalog = self.engine.catalog
        seen: set[str] = set()
        for lang in catalog.languages:
            code = telegram_language_code(lang)
            if code in seen:  # zh-Hans and zh-Hant share Telegram's "zh"; the first one wins
                continue
            seen.add(code)
            commands = [BotCommand(name, catalog.text(lang, f"cmd_{name}")) for name in COMMANDS]
            await app.bot.set_my_commands(commands, language_code=code)
            if lang == "en":
                await app.bot.set_my_commands(commands)

    async def converse(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A message: text, a command or a deep link; in groups only when addressed to us."""
        message = update.message
        if message is None:
            return
        inbound = parse.from_message(message, context.bot.username, context.bot.id)
        if inbound is None:
            return
        log.debug("update %s: %s in a %s chat", update.update_id,
                  f"/{inbound.command}" if inbound.command else "text", inbound.chat_kind)
        if inbound.chat_kind == "group" and inbound.command == "psa":
            allowed = await self.is_moderator(context, message)
            inbound = inbound.model_copy(update={"is_moderator": allowed})
        replies = await self.engine.handle(inbound)
        await self.send(context, message.chat.id, inbound.chat_kind, replies, message)

    async def press_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button press: answer the callback first (it stops the client's spinner)."""
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        inbound = parse.from_callback(query)
        if inbound is None or query.message is None:
            return
        log.debug("update %s: button in a %s chat", update.update_id, inbound.chat_kind)
        replies = await self.engine.handle(inbound)
        await self.send(context, query.message.chat.id, inbound.chat_kind, replies, None)

    async def share_inline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Inline mode (@bot query): the PSA card and a card per matching recalled model."""
        query = update.inline_query
        if query is None:
            return
        lang = self.engine.language_for(query.from_user.language_code)
        answers = self.engine.inline_answers(query.query, lang)[:MAX_INLINE_RESULTS]
        username = context.bot.username
        results = [self.inline_article(i, reply, lang, username) for i, reply in enumerate(answers)]
        button = InlineQueryResultsButton(
            self.engine.catalog.text(lang, "ui_check_button"), start_parameter="check"
        )
        await query.answer(
            results, cache_time=INLINE_CACHE_SECONDS, is_personal=True, button=button
        )

    def inline_article(
        self, index: int, reply: Reply, lang: str, username: str
    ) -> InlineQueryResultArticle:
        """One inline result; its message keeps only link buttons plus a check deep link."""
        catalog = self.engine.catalog
        model = reply.model if isinstance(reply, VerdictCard) else _checked_model(reply)
        description: str | None = None
        if isinstance(reply, PsaCard):
            title = catalog.text(lang, "ui_inline_psa_title")
            description = catalog.text(lang, "ui_inline_psa_description")
        else:
            title = getattr(reply, "title", None) or reply.plain_text().split("\n", 1)[0]
            if model:
                description = catalog.text(
                    lang, "ui_inline_model_description", model=model, name=title
                )
        # Callback buttons would reach the engine without a chat: keep links only.
        buttons = [b for b in reply.buttons if b.token is None]
        if not any(b.deep_link for b in buttons):
            payload = f"check-{_PAYLOAD_UNSAFE.sub('', model)}" if model else "check"
            label = catalog.text(lang, "ui_check_button")
            buttons.append(Button(label=label, deep_link=payload[:64]))
        return InlineQueryResultArticle(
            id=f"{index}-{reply.kind}",
            title=title[:256],
            description=description,
            input_message_content=InputTextMessageContent(
                html_chunks(reply)[0], parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
            ),
            reply_markup=keyboard(buttons, username),
        )

    async def send(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, kind: ChatKind,
        replies: list[Reply], trigger: Message | None,
    ) -> None:
        """Send replies one message at a time (never gathered: flood limits are per chat).

        In a group, one message gets at most GROUP_MESSAGES_PER_MESSAGE messages back (the last
        one inviting the user to continue privately when there was more), and the group's
        reply budget (Telegram's 20 a minute) is spent first: over budget, nothing is queued.
        """
        quote = (
            ReplyParameters(trigger.message_id, allow_sending_without_reply=True)
            if trigger is not None and kind == "group" else None
        )
        outgoing: list[Outgoing] = []
        for reply in replies:
            if reply.private and kind != "private":
                log.warning("dropped a private %s reply addressed to a group", reply.kind)
                continue
            outgoing.extend(render(reply, context.bot.username))
        if kind == "group":
            outgoing = self._fit_group(outgoing, trigger, context.bot.username)
        for out in outgoing:
            if kind == "group" and not self.group_budget.take(chat_id):
                log.info("a group's reply budget is spent: dropped %d message(s)",
                         len(outgoing) - outgoing.index(out))
                return
            await send_message(context.bot, chat_id, out.text, out.reply_markup, quote)
            quote = None

    def _fit_group(
        self, outgoing: list[Outgoing], trigger: Message | None, username: str
    ) -> list[Outgoing]:
        """At most GROUP_MESSAGES_PER_MESSAGE messages; the last one then points to a DM."""
        if len(outgoing) <= GROUP_MESSAGES_PER_MESSAGE:
            return outgoing
        user = trigger.from_user if trigger is not None else None
        lang = self.engine.language_for(user.language_code if user else None)
        catalog = self.engine.catalog
        more = TextReply(text=catalog.text(lang, "group_continue_privately"), buttons=[
            Button(label=catalog.text(lang, "ui_open_private_chat"), deep_link="check")])
        return outgoing[: GROUP_MESSAGES_PER_MESSAGE - 1] + render(more, username)[:1]

    async def is_moderator(self, context: ContextTypes.DEFAULT_TYPE, message: Message) -> bool:
        """Is the sender a chat admin right now? Asked every time (/psa is rare): a demoted
        admin loses the right at once. An anonymous admin posts as the group itself."""
        if message.sender_chat is not None and message.sender_chat.id == message.chat.id:
            return True
        user = message.from_user
        if user is None:
            return False
        try:
            member = await context.bot.get_chat_member(message.chat.id, user.id)
        except TelegramError as exc:
            log.warning("getChatMember failed (%s): treating the sender as a member", exc)
            return False
        return member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER)

    async def apologise(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure (the token is redacted by logsafety) and apologise to the user."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("error while handling update %s", update_id, exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None or self._engine is None:
            return
        user = update.effective_user
        lang = self._engine.language_for(user.language_code if user else None)
        try:
            await context.bot.send_message(
                update.effective_chat.id, self._engine.catalog.text(lang, "ui_error_apology")
            )
        except TelegramError as exc:
            log.error("could not send the apology either: %s", exc)


async def send_message(bot: ExtBot[Any], chat_id: int, text: str,
                       reply_markup: InlineKeyboardMarkup | None,
                       quote: ReplyParameters | None) -> None:
    """`bot.send_message(chat_id, text, parse_mode=HTML, reply_markup=..., link_preview_options=
    NO_PREVIEW, reply_parameters=quote)`, without parsing the answer into a Message.

    The answer's Message is never used, and PTB's `Message.de_json` of it was ~16 % of an
    update's time in `process_update` (docs/PERFORMANCE.md, run D). The request is the one
    send_message builds (same parameters in the same order: tests/adapters/telegram/
    test_send_fast.py compares the two) and goes the same way: `Bot._post` drops unset
    parameters, then ExtBot's `_do_post` applies the rate limiter; errors are the same
    TelegramErrors. With `Defaults` or arbitrary callback data (this bot uses neither),
    send_message's extra steps matter, so it is used then.
    """
    if bot.defaults is not None or bot.callback_data_cache is not None:
        await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML,
                               reply_markup=reply_markup, link_preview_options=NO_PREVIEW,
                               reply_parameters=quote)
        return
    await bot._post("sendMessage", {  # send_message's data, in its order; None is dropped
        "chat_id": chat_id, "text": text, "link_preview_options": NO_PREVIEW,
        "parse_mode": ParseMode.HTML, "reply_markup": reply_markup, "reply_parameters": quote,
    })


def _checked_model(reply: Reply) -> str | None:
    """The model a card's `check-<model>` deep-link button checks, if it has one."""
    for button in reply.buttons:
        if button.deep_link and button.deep_link.startswith("check-"):
            return button.deep_link.removeprefix("check-")
    return None


def build_application(
    token: str,
    open_engine: EngineOpener,
    *,
    base_url: str = "https://api.telegram.org/bot",
    base_file_url: str = "https://api.telegram.org/file/bot",
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> TelegramApp:
    """An Application wired to the engine, with a rate limiter that honours retry_after."""
    adapter = TelegramAdapter(open_engine)
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        # ~30 requests/s overall, 20/min per group; a 429 holds only the chat it names
        # (adapters/telegram/ratelimit.py). Updates run concurrently across chats and in order
        # within each chat (adapters/telegram/updates.py).
        .rate_limiter(ChatRateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .concurrent_updates(ChatOrderedProcessor())
        .post_init(adapter.post_init)
        .post_shutdown(adapter.post_shutdown)
    )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app: TelegramApp = builder.build()
    adapter.install(app)
    return app
