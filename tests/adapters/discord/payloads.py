"""INTERACTION_CREATE and MESSAGE_CREATE payloads shaped like Discord's gateway sends them."""

from __future__ import annotations

from typing import Any

from .fake_discord import APP_ID, snowflake

GUILD_ID = "920000000000000001"
CHANNEL_ID = "920000000000000002"
DM_CHANNEL_ID = "920000000000000003"
USER_ID = "920000000000000004"
MANAGE_MESSAGES = 1 << 13
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 31)  # view channel, send, use app commands


def user(user_id: str = USER_ID, name: str = "owner") -> dict[str, Any]:
    return {"id": user_id, "username": name, "discriminator": "0", "global_name": name,
            "avatar": None}


def _base(kind: int, data: dict[str, Any], *, guild: bool, permissions: int, locale: str,
          user_id: str) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": snowflake(), "application_id": str(APP_ID), "type": kind, "data": data,
        "token": "itoken-" + snowflake(), "version": 1, "locale": locale,
        "app_permissions": str(MEMBER_PERMISSIONS), "entitlements": [],
        "attachment_size_limit": 10485760, "authorizing_integration_owners": {"0": GUILD_ID},
    }
    if guild:
        payload.update({
            "guild_id": GUILD_ID, "guild_locale": "en-US", "context": 0,
            "guild": {"id": GUILD_ID, "locale": "en-US", "features": []},
            "channel_id": CHANNEL_ID,
            "channel": {"id": CHANNEL_ID, "type": 0, "guild_id": GUILD_ID, "name": "general",
                        "position": 0, "permission_overwrites": [], "nsfw": False,
                        "parent_id": None, "permissions": str(permissions)},
            "member": {"user": user(user_id), "roles": [], "joined_at": "2025-01-01T00:00:00+00:00",
                       "deaf": False, "mute": False, "flags": 0, "pending": False,
                       "permissions": str(permissions), "nick": None, "avatar": None},
        })
    else:
        payload.update({
            "context": 1, "channel_id": DM_CHANNEL_ID, "user": user(user_id),
            "channel": {"id": DM_CHANNEL_ID, "type": 1, "recipients": [user(user_id)],
                        "last_message_id": None, "flags": 0},
        })
    return payload


def slash(command: str, sub: str | None = None, *, guild: bool = True,
          permissions: int = MEMBER_PERMISSIONS, locale: str = "en-US", user_id: str = USER_ID,
          focused: str | None = None, **options: str) -> dict[str, Any]:
    """/command [sub] option=value… (type 2), or its autocomplete (type 4) when `focused`."""
    opts: list[dict[str, Any]] = [
        {"name": k, "type": 3, "value": v, **({"focused": True} if k == focused else {})}
        for k, v in options.items()
    ]
    data: dict[str, Any] = {"id": snowflake(), "name": command, "type": 1}
    if sub is not None:
        data["options"] = [{"name": sub, "type": 1, "options": opts}]
    else:
        data["options"] = opts
    return _base(4 if focused else 2, data, guild=guild, permissions=permissions,
                 locale=locale, user_id=user_id)


def press(message: dict[str, Any], custom_id: str, *, guild: bool = True,
          locale: str = "en-US", user_id: str = USER_ID) -> dict[str, Any]:
    """A press of the button `custom_id` on `message` (a message the bot sent)."""
    payload = _base(3, {"custom_id": custom_id, "component_type": 2}, guild=guild,
                    permissions=MEMBER_PERMISSIONS, locale=locale, user_id=user_id)
    payload["message"] = {**message, "channel_id": payload["channel_id"]}
    return payload


def modal_submit(custom_id: str, values: dict[str, str], *, guild: bool = True,
                 locale: str = "en-US", user_id: str = USER_ID) -> dict[str, Any]:
    """A submitted modal: each value inside a Label component, as Discord sends them."""
    components = [{"type": 18, "id": i + 1, "component": {"type": 4, "id": i + 10,
                                                           "custom_id": k, "value": v}}
                  for i, (k, v) in enumerate(values.items())]
    return _base(5, {"custom_id": custom_id, "components": components}, guild=guild,
                 permissions=MEMBER_PERMISSIONS, locale=locale, user_id=user_id)


def dm_message(content: str, *, author_id: str = USER_ID, bot: bool = False) -> dict[str, Any]:
    """A MESSAGE_CREATE in the bot's DM channel."""
    return {"id": snowflake(), "channel_id": DM_CHANNEL_ID, "author": {**user(author_id),
            "bot": bot}, "content": content, "timestamp": "2026-01-01T00:00:00+00:00",
            "edited_timestamp": None, "tts": False, "mention_everyone": False, "mentions": [],
            "mention_roles": [], "attachments": [], "embeds": [], "pinned": False, "type": 0,
            "flags": 0, "components": []}


def custom_ids(message: dict[str, Any]) -> list[str]:
    """Every button custom_id on a message, in order."""
    found: list[str] = []

    def walk(components: list[dict[str, Any]]) -> None:
        for component in components:
            if component.get("custom_id"):
                found.append(component["custom_id"])
            walk(component.get("components") or [])

    walk(message.get("components") or [])
    return found
