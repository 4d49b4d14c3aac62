"""`recall-bot discord` as a real process against the loopback fake: gateway in, REST out."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from .fake_discord import TOKEN, FakeDiscord
from .payloads import slash


async def test_the_bot_process_answers_a_check_end_to_end(fake: FakeDiscord,
                                                          tmp_path: Path) -> None:
    env = {**os.environ, "DISCORD_BOT_TOKEN": TOKEN, "DISCORD_API_BASE_URL": fake.base_url}
    env.pop("RECALL_BOT_DB", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "discord", "--db", str(tmp_path / "state.db"),
        cwd=tmp_path, env={**env, "PYTHONPATH": str(Path.cwd())},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        await asyncio.wait_for(fake.identified.wait(), 20)
        interaction = slash("recall", "check", model="A1263")
        fake.dispatch("INTERACTION_CREATE", interaction)
        token = interaction["token"]
        (deferral,) = await fake.wait_for(lambda r: r.path.endswith(f"{token}/callback"))
        (answer,) = await fake.wait_for(lambda r: r.path.endswith(f"{token}/messages/@original"))
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 20)

    log = output.decode(errors="replace")
    assert deferral.json == {"type": 5, "data": {"flags": 64}}
    assert "A1263" in str(answer.json["embeds"]) and answer.json["allowed_mentions"] == {"parse": []}
    assert process.returncode == 0, log
    assert TOKEN not in log  # the token never reaches the logs
    assert [r.path for r in fake.requests[:3]] == ["/users/@me", "/oauth2/applications/@me",
                                                    "/gateway/bot"]
    assert not any(r.path.endswith("/commands") for r in fake.requests)  # never syncs itself
