"""One object per running event loop: a web process has one loop, the tests run many."""
from __future__ import annotations

import asyncio
import weakref
from typing import Callable, TypeVar

T = TypeVar("T")


def per_loop(factory: Callable[[], T]) -> Callable[[], T]:
    """A function returning the running loop's own `factory()` result, made on first call and dropped
    with the loop. Raises RuntimeError outside a running loop (asyncio.get_running_loop)."""
    instances: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = weakref.WeakKeyDictionary()

    def for_this_loop() -> T:
        loop = asyncio.get_running_loop()
        found = instances.get(loop)
        if found is None:
            found = instances[loop] = factory()
        return found

    return for_this_loop
