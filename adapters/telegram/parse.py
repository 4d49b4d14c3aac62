"""Telegram updates → engine Inbound events. Groups: only commands, mentions and replies to us."""

from __future__ import annotations

from telegram import CallbackQuery, Chat, Message, MessageEntity

from bot.inbound import COMMANDS, ChatKind, Inbound


def chat_kind(chat: Chat) -> ChatKind | None:
    """private or group (supergroups too); None for channels, which the bot ignores."""
    if chat.type == Chat.PRIVATE:
        return "private"
    if chat.type in (Chat.GROUP, Chat.SUPERGROUP):
        return "group"
    return None


def split_command(text: str, bot_username: str) -> tuple[str, str] | None:
    """("start", "check-A1263") from "/start@bot check-A1263"; None if not a command for us."""
    if not text.startswith("/"):
        return None
    head, _, args = text[1:].partition(" ")
    name, _, addressee = head.partition("@")
    if addressee and addressee.lower() != bot_username.lower():
        return None  # "/start@OtherBot" in a group is somebody else's
    return name.lower(), args.strip()


def _mentions(message: Message, bot_username: str) -> bool:
    handle = f"@{bot_username}".lower()
    entities = message.parse_entities([MessageEntity.MENTION])
    return any(value.lower() == handle for value in entities.values())


def _strip_mention(text: str, bot_username: str) -> str:
    handle = f"@{bot_username}"
    start = text.lower().find(handle.lower())
    while start != -1:
        text = (text[:start] + text[start + len(handle):]).strip()
        start = text.lower().find(handle.lower())
    return text


def _is_reply_to(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot_id)


def is_anonymous_admin(message: Message) -> bool:
    """A group admin posting anonymously: Telegram sends it as the group itself."""
    return message.sender_chat is not None and message.sender_chat.id == message.chat.id


def from_message(message: Message, bot_username: str, bot_id: int) -> Inbound | None:
    """The engine event for a message, or None when the bot should stay silent."""
    kind = chat_kind(message.chat)
    user = message.from_user
    if kind is None or user is None:
        return None
    if user.is_bot and not is_anonymous_admin(message):
        return None  # other bots (an anonymous admin's messages come from a bot account)
    # An anonymous admin is the group itself: one conversation per group for all of them.
    sender = message.chat.id if is_anonymous_admin(message) else user.id
    text = message.text or message.caption or ""
    base = Inbound(
        platform="telegram", chat_id=str(message.chat.id), user_id=str(sender),
        locale=user.language_code, chat_kind=kind,
    )
    command = split_command(text, bot_username)
    if command is not None:
        name, args = command
        if name in COMMANDS:
            return base.model_copy(update={"command": name, "args": args})
        if kind == "group":
            return None  # some other bot's command
    if kind == "group":
        if _mentions(message, bot_username):
            text = _strip_mention(text, bot_username)
        elif not _is_reply_to(message, bot_id):
            return None
    return base.model_copy(update={"text": text})


def from_callback(query: CallbackQuery) -> Inbound | None:
    """The engine event for a button press; None for presses on inline-mode messages."""
    message = query.message
    if message is None or query.data is None:
        return None
    kind = chat_kind(message.chat)
    if kind is None:
        return None
    return Inbound(
        platform="telegram", chat_id=str(message.chat.id), user_id=str(query.from_user.id),
        action=query.data, locale=query.from_user.language_code, chat_kind=kind,
    )
