"""deploy/compose.yaml stays true to the code and to docs/deploy.md: every option it passes
exists, the Discord processes split the shards exactly, the database logs no parameters, and
no secret is written into the file."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from adapters.discord import cli as discord_cli
from adapters.discord.sharding import parse_sharding
from adapters.telegram import cli as telegram_cli
from tests.postgres_server import LOG_SETTINGS

ROOT = Path(__file__).resolve().parent.parent
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]


def command(service: str) -> list[str]:
    text = re.sub(r"\$\{[^}]*\}", "x", SERVICES[service]["command"])  # ${VAR:?…} → x
    return shlex.split(text)


def parse(add_arguments: Any, argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(exit_on_error=False)
    add_arguments(parser)
    return parser.parse_args(argv)


def test_telegram_services_parse_and_expose_health_and_drain() -> None:
    telegram = [name for name in SERVICES if name.startswith("telegram")]
    assert len(telegram) >= 2, "several webhook processes"
    for name in telegram:
        words = command(name)
        assert words[:2] == ["recall-bot", "telegram"]
        args = parse(telegram_cli.add_arguments, words[2:])
        assert args.webhook_url and args.health_listen and args.drain_seconds > 0
        assert SERVICES[name]["environment"]["RECALL_BOT_DB"].startswith("postgresql://")
        port = args.health_listen.rsplit(":", 1)[1]
        assert f"127.0.0.1:{port}/readyz" in str(SERVICES[name]["healthcheck"]["test"])
    caddy = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "health_uri /readyz" in caddy and f"health_port {port}" in caddy


def test_discord_processes_split_the_shards_exactly() -> None:
    owned: list[int] = []
    counts = set()
    for name in [n for n in SERVICES if n.startswith("discord")]:
        words = command(name)
        args = parse(discord_cli.add_arguments, words[2:])
        sharding = parse_sharding(args.shards, args.shard_ids)
        assert sharding is not None and sharding.count and sharding.ids
        counts.add(sharding.count)
        owned += sharding.ids
    (count,) = counts
    assert sorted(owned) == list(range(count)), "every shard once, none twice"


def test_database_logs_no_parameters_and_no_secret_is_in_the_file() -> None:
    db = " ".join(shlex.split(SERVICES["db"]["command"]))
    for name, value in LOG_SETTINGS.items():
        assert f"{name}={value}" in db, name
    text = (ROOT / "deploy" / "compose.yaml").read_text()
    for variable in ("POSTGRES_PASSWORD", "TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN"):
        # only ever taken from the environment (compose refuses to start without it)
        assert f"${{{variable}:?" in text
        assert not re.search(rf"^\s*{variable}:\s*[^$\s]", text, re.MULTILINE), variable
    example = (ROOT / "deploy" / ".env.example").read_text()
    assert all(line.endswith("=") or line.startswith(("#", "PUBLIC_HOST="))
               for line in example.splitlines() if line), "the example holds no secret"
