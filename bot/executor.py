"""The thread pool that runs Bolt's lazy listeners, counting work in flight.

On shutdown Pact waits for work already accepted (a celebration being posted, a modal being
saved) instead of dropping it; tests use the same count to wait until Pact is idle. Work runs
in a copy of the submitter's context, so its log lines name the request's ids
(`bot.logs.start_log_ids`) and one piece of work's ids never leak into the next.
"""

from __future__ import annotations

import contextvars
import threading
from concurrent.futures import Future, ThreadPoolExecutor


class ListenerExecutor(ThreadPoolExecutor):
    def __init__(self, max_workers: int = 16):
        super().__init__(max_workers=max_workers, thread_name_prefix="pact-listener")
        self._in_flight = 0
        self._idle = threading.Condition()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        with self._idle:
            self._in_flight += 1
        try:
            future = super().submit(contextvars.copy_context().run, fn, *args, **kwargs)
        except BaseException:
            self._done(None)
            raise
        future.add_done_callback(self._done)
        return future

    def _done(self, _future) -> None:
        with self._idle:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once no work is in flight (including work submitted by work in flight)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout)
