"""``parley serve --demo`` as a newcomer runs it: a real process, a real port, SIGTERM."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import create_engine, text

from bot.serve import _url, demo_accounts


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(database: Path, port: int) -> dict[str, str]:
    return {
        "PARLEY_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "PARLEY_HTTP_HOST": "127.0.0.1",
        "PARLEY_HTTP_PORT": str(port),
        "PATH": "",
    }


async def _start(database: Path, port: int) -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        "--demo",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_env(database, port),
        cwd=database.parent,
    )
    assert process.stdout is not None
    lines: list[str] = []
    async with asyncio.timeout(30):
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            line = await process.stdout.readline()
            if not line:
                raise AssertionError("serve ended early: " + "".join(lines))
            lines.append(line.decode().rstrip("\n"))
    return process, "\n".join(lines)


async def _stop(process: asyncio.subprocess.Process) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    async with asyncio.timeout(15):
        out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode() + err.decode()


def _tokens(banner: str) -> dict[str, tuple[str, str]]:
    found = re.findall(r"^\s+(agent|admin)\s+(demo-\w+-\d+)\s+(pk_\S+)$", banner, re.MULTILINE)
    return {role: (name, token) for role, name, token in found}


async def test_serve_demo_twice_on_a_fresh_machine(tmp_path: Path) -> None:
    database = tmp_path / "parley.db"
    port = _free_port()
    process, banner = await _start(database, port)
    try:
        url = f"http://127.0.0.1:{port}"
        assert f"Parley is serving on {url}" in banner
        for path in ("/", "/console", "/admin", "/api", "/metrics"):
            assert f"{url}{path}" in banner
        for account in demo_accounts():
            assert f"{account.reference}  {account.full_name}" in banner
            assert f"born {account.date_of_birth}  phone ends {account.phone_last4}" in banner
        first = _tokens(banner)
        assert [first[r][0] for r in ("agent", "admin")] == ["demo-agent-1", "demo-admin-1"]
        async with aiohttp.ClientSession() as http:
            async with http.get(url + "/") as page:
                assert page.status == 200
            async with http.post(url + "/chat/send", json={"start": "A-10001"}) as sent:
                assert (await sent.json())["state"] == "verify"
            bearer = {"Authorization": f"Bearer {first['admin'][1]}"}
            async with http.get(url + "/metrics", headers=bearer) as metrics:
                assert 'parley_messages_in_total{channel="web"} 1' in await metrics.text()
            # A page waiting for messages must not hold the stop up.
            waiting = asyncio.ensure_future(http.get(url + "/chat/poll?after=1000&wait=25"))
            await asyncio.sleep(0.5)
            started = asyncio.get_running_loop().time()
            code, rest = await _stop(process)
            stopped_in = asyncio.get_running_loop().time() - started
            polled = await waiting
            assert polled.status == 200
            assert (await polled.json())["messages"] == []
    finally:
        if process.returncode is None:
            code, rest = await _stop(process)
    assert code == 0, rest
    assert "Stopping" in rest
    assert stopped_in < 5

    process, banner = await _start(database, port)
    code, _ = await _stop(process)
    assert code == 0
    second = _tokens(banner)
    assert [second[r][0] for r in ("agent", "admin")] == ["demo-agent-2", "demo-admin-2"]
    assert second["admin"][1] != first["admin"][1]
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as conn:
        accounts = conn.execute(text("SELECT count(*) FROM account")).scalar_one()
        users = conn.execute(text("SELECT count(*) FROM app_user")).scalar_one()
    engine.dispose()
    assert (accounts, users) == (len(demo_accounts()), 4)
    assert first["admin"][1].encode() not in database.read_bytes()


async def test_a_port_in_use_is_one_clear_sentence(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "serve",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=_env(tmp_path / "parley.db", port),
            cwd=tmp_path,
        )
        async with asyncio.timeout(30):
            _, err = await process.communicate()
    assert process.returncode == 1
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"parley: cannot listen on 127.0.0.1:{port}")
    assert lines[0].endswith("set PARLEY_HTTP_HOST and PARLEY_HTTP_PORT to a free address.")


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("127.0.0.1", 8080, "http://127.0.0.1:8080"),
        ("0.0.0.0", 80, "http://127.0.0.1:80"),  # noqa: S104
        ("::", 8080, "http://[::1]:8080"),
        ("chat.example.org", 8443, "http://chat.example.org:8443"),
    ],
)
def test_the_printed_url_is_one_a_browser_can_open(host: str, port: int, expected: str) -> None:
    assert _url(host, port) == expected
