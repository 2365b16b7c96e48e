"""Running a localzulip server: in the caller's loop, or in a background thread."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import zulip
from aiohttp import web

from localzulip.app import build_app
from localzulip.clock import Clock, VirtualClock, _in_loop
from localzulip.core import Core, ServerConfig
from localzulip.humans import Human
from localzulip.models import Message, User
from localzulip.realm import Realm
from localzulip.sample import sample_realm

T = TypeVar("T")


class LocalZulip:
    """A local Zulip-compatible server.

    ``async with LocalZulip(realm) as server`` (or ``await start()``) serves on the
    current loop; ``with LocalZulip(realm) as server`` serves from a background
    thread with its own loop. Either way ``server.url`` is ``http://127.0.0.1:PORT``.
    """

    def __init__(
        self,
        realm: Realm | None = None,
        *,
        clock: Clock | None = None,
        config: ServerConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if realm is None:
            realm = sample_realm()
        self.core = Core(realm, clock, config)
        self.host = host
        self.port = port
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._thread_loop: asyncio.AbstractEventLoop | None = None

    # ----- shortcuts -----
    @property
    def realm(self) -> Realm:
        return self.core.realm

    @property
    def clock(self) -> Clock:
        return self.core.clock

    @property
    def virtual_clock(self) -> VirtualClock:
        if not isinstance(self.core.clock, VirtualClock):
            raise TypeError("this server runs on the real clock")
        return self.core.clock

    @property
    def stats(self) -> Any:
        return self.core.stats

    @property
    def faults(self) -> Any:
        return self.core.faults

    # ----- in-loop lifecycle -----
    async def start(self) -> str:
        """Serve on the running loop; returns the base URL."""
        loop = asyncio.get_running_loop()
        self.core.attach(loop)
        app = build_app(self.core)
        runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
        await site.start()
        self._runner = runner
        address = runner.addresses[0]
        self.port = int(address[1])
        self.url = f"http://{self.host}:{self.port}"
        self.core.realm.settings.uri = self.url
        return self.url

    async def stop(self) -> None:
        """Stop serving; pending long-polls are dropped."""
        if self._runner is not None:
            for queue in list(self.core.queues.queues.values()):
                if queue.waiter is not None and not queue.waiter.done():
                    queue.waiter.cancel()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LocalZulip:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ----- background-thread lifecycle -----
    def start_in_thread(self) -> str:
        """Serve from a daemon thread with its own event loop; returns the base URL."""
        ready: concurrent.futures.Future[str] = concurrent.futures.Future()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._thread_loop = loop
            asyncio.set_event_loop(loop)
            try:
                ready.set_result(loop.run_until_complete(self.start()))
            except BaseException as exc:  # pragma: no cover - startup failure
                ready.set_exception(exc)
                return
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=run, name="localzulip", daemon=True)
        self._thread.start()
        return ready.result(timeout=30)

    def stop_thread(self) -> None:
        loop, thread = self._thread_loop, self._thread
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        self._thread = None
        self._thread_loop = None

    def __enter__(self) -> LocalZulip:
        self.start_in_thread()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop_thread()

    # ----- running code on the server loop -----
    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the server's loop (waiting for it) when called from another thread."""
        loop = self.core.loop
        if loop is None or not loop.is_running() or _in_loop(loop):
            return fn()

        async def wrapper() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(wrapper(), loop).result(timeout=30)

    # ----- accounts -----
    def user(self, who: str | int | User) -> User:
        """A user by id, email, short name or full name."""
        if isinstance(who, User):
            return who
        user = self.realm.user(who) if isinstance(who, int) else self.realm.user_by_name(who)
        if user is None and isinstance(who, str):
            user = self.realm.user_by_email(who)
        if user is None and who == "bot":
            user = self.realm.bot()
        if user is None:
            raise KeyError(who)
        return user

    @property
    def bot(self) -> User:
        bot = self.realm.bot()
        if bot is None:
            raise KeyError("the realm has no generic bot")
        return bot

    def human(self, who: str | int | User) -> Human:
        """The test-side API acting as ``who``."""
        return Human(self, self.user(who))

    def credentials(self, who: str | int | User) -> tuple[str, str]:
        user = self.user(who)
        return user.email, user.api_key

    def zuliprc(self, who: str | int | User) -> str:
        email, key = self.credentials(who)
        return f"[api]\nemail={email}\nkey={key}\nsite={self.url}\n"

    def write_zuliprcs(self, directory: str | Path) -> dict[str, Path]:
        """``DIR/<short name>.zuliprc`` per account, the first Generic bot as ``bot``; mode 0600."""
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        bot = self.realm.bot()
        written: dict[str, Path] = {}
        for user in self.realm.users.values():
            name = "bot" if bot is not None and user.user_id == bot.user_id else user.short_name
            path = target / f"{name}.zuliprc"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(self.zuliprc(user))
            path.chmod(0o600)
            written[name] = path
        return written

    def client(self, who: str | int | User) -> Any:
        """An official ``zulip.Client`` logged in as ``who``."""
        email, key = self.credentials(who)
        return zulip.Client(email=email, api_key=key, site=self.url)

    # ----- observation -----
    def messages(self) -> list[Message]:
        """The full message log (including deleted messages), oldest first."""
        return list(self.core.actions.log)

    def dms(self, a: str | int | User, b: str | int | User | None = None) -> list[Message]:
        """Direct messages of ``a`` (only those exchanged with ``b`` if given)."""
        ua = self.user(a)
        ub = self.user(b) if b is not None else None
        return [
            m
            for m in self.messages()
            if m.type == "private"
            and not m.deleted
            and ua.user_id in m.dm_user_ids
            and (ub is None or set(m.dm_user_ids) == {ua.user_id, ub.user_id})
        ]

    def channel_messages(self, stream: str, topic: str | None = None) -> list[Message]:
        target = self.realm.stream_by_name(stream)
        if target is None:
            raise KeyError(stream)
        return [
            m
            for m in self.messages()
            if m.stream_id == target.stream_id
            and not m.deleted
            and (topic is None or m.topic.lower() == topic.lower())
        ]

    async def wait_for_message(
        self,
        predicate: Callable[[Message], bool],
        timeout: float = 10.0,  # noqa: ASYNC109 - mirrors the sync variant
        *,
        after_id: int | None = None,
    ) -> Message:
        """The first message matching ``predicate`` with id > ``after_id`` (default: now)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Message] = loop.create_future()
        server_loop = self.core.loop or loop

        def install() -> None:
            start = after_id if after_id is not None else self.realm.next_message_id - 1
            for message in self.core.actions.log:
                if message.id > start and predicate(message):
                    loop.call_soon_threadsafe(_resolve, future, message)
                    return

            def listener(message: Message) -> None:
                if message.id > start and predicate(message):
                    self.core.actions.message_listeners.remove(listener)
                    loop.call_soon_threadsafe(_resolve, future, message)

            self.core.actions.message_listeners.append(listener)
            holder.append(listener)

        holder: list[Callable[[Message], None]] = []
        if server_loop is loop:
            install()
        else:
            await asyncio.wrap_future(
                asyncio.run_coroutine_threadsafe(_as_coro(install), server_loop)
            )
        try:
            return await asyncio.wait_for(future, timeout)
        finally:

            def uninstall() -> None:
                for listener in holder:
                    if listener in self.core.actions.message_listeners:
                        self.core.actions.message_listeners.remove(listener)

            if server_loop is loop:
                uninstall()
            else:
                server_loop.call_soon_threadsafe(uninstall)

    def wait_for_message_sync(
        self,
        predicate: Callable[[Message], bool],
        timeout: float = 10.0,
        *,
        after_id: int | None = None,
    ) -> Message:
        """Blocking variant of :meth:`wait_for_message` for test threads."""
        start = (
            after_id if after_id is not None else self.call(lambda: self.realm.next_message_id - 1)
        )
        return asyncio.run(self.wait_for_message(predicate, timeout, after_id=start))


def _resolve(future: asyncio.Future[Message], message: Message) -> None:
    if not future.done():
        future.set_result(message)


async def _as_coro(fn: Callable[[], None]) -> None:
    fn()
