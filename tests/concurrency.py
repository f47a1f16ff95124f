"""Run code in several threads released at the same moment, as concurrent requests would."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def run_together(count: int, target: Callable[[int], Any]) -> list[Any]:
    """Run `target(n)` for n in range(count) at once; return each result or the exception raised.

    Each thread has its own database connection (closed at the end), so on Postgres the calls
    really race. Use with django_db(transaction=True): the threads must see committed rows.
    """
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[n] = target(n)
        except Exception as exc:  # returned to the test, not lost in the thread
            results[n] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def errors(results: list[Any]) -> list[Exception]:
    return [result for result in results if isinstance(result, Exception)]
