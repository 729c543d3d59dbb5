"""The Jinja2 environment operators' templates run in: sandboxed, strict, escaped, bounded.

Operators edit templates while the bot runs, so a template is treated as untrusted code:
no attribute tricks (`''.__class__`), no unknown variables passing silently as empty text,
no markup from feed text, and no loop or string product that could stall the bot.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_RANGE_ITEMS = 1_000
MAX_OUTPUT_CHARS = 64_000
RENDER_SECONDS = 2.0
TEMPLATE_SUFFIX = ".html"
UNSAFE_FILTERS = ("safe", "forceescape", "xmlattr")
PARTIALS_DIR = "partials"


class RenderLimitError(SecurityError):
    """A template ran too long or produced too much; almost always an endless loop."""


@dataclass(slots=True)
class RenderState:
    """Per-render budget, reachable from filters without passing objects into templates."""

    deadline: float
    seconds: float
    summary_limit: int
    shortened: int = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderLimitError(
                f"the template ran longer than {self.seconds:g}s (an endless loop?)"
            )


_STATE: ContextVar[RenderState | None] = ContextVar("render_state", default=None)


def current_state() -> RenderState | None:
    return _STATE.get()


def _tick() -> None:
    state = _STATE.get()
    if state is not None:
        state.tick()


def bounded_range(*args: int) -> Iterator[int]:
    """`range()` for templates: small, and interruptible by the render deadline."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE_ITEMS:
        raise RenderLimitError(
            f"range() of {len(numbers)} items; templates may use {MAX_RANGE_ITEMS}"
        )
    for number in numbers:
        _tick()
        yield number


class GuardedSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox plus a time budget and limits on `*` and `**`."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "**" and _is_number(right) and abs(right) > 64:
            raise RenderLimitError("exponent too large")
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                sized = isinstance(sequence, (str, list, tuple)) and isinstance(times, int)
                if sized and len(sequence) * times > MAX_OUTPUT_CHARS:
                    raise RenderLimitError("repetition too large")
        return super().call_binop(context, operator, left, right)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        _tick()
        return super().call(context, obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        _tick()
        return super().getattr(obj, attribute)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by the per-locale environments of one renderer.

    Every locale renders the same partials; compiling them once instead of ten times keeps
    loading (and hot reload) fast. Keys include the source checksum, so edits recompile.
    """

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


def search_path(templates_path: Path, locale: str, fallback: str = "en") -> list[str]:
    """Locale folder first, then the fallback locale, then the shared root (partials)."""
    folders = [templates_path / locale, templates_path / fallback, templates_path]
    return list(dict.fromkeys(str(folder) for folder in folders))


def build_environment(
    templates_path: Path,
    locale: str,
    *,
    translations: Any,
    filters: Mapping[str, Callable[..., Any]],
    finalize: Callable[[Any], Any],
    bytecode_cache: BytecodeCache | None = None,
) -> GuardedSandbox:
    """One environment per locale, so gettext and filters know the language without globals."""
    env = GuardedSandbox(
        loader=FileSystemLoader(search_path(templates_path, locale)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        extensions=["jinja2.ext.i18n"],
        finalize=finalize,
        auto_reload=False,
        bytecode_cache=bytecode_cache,
    )
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals["range"] = bounded_range
    env.filters.update(filters)
    # Feed and user text must stay escaped: templates get no way to mark a value as markup.
    for name in UNSAFE_FILTERS:
        env.filters.pop(name, None)
    return env


def render_bounded(
    render: Callable[[], Iterator[str]], summary_limit: int, seconds: float = RENDER_SECONDS
) -> tuple[str, RenderState]:
    """Run a template's generator under a deadline and an output ceiling."""
    state = RenderState(
        deadline=time.monotonic() + seconds, seconds=seconds, summary_limit=summary_limit
    )
    token = _STATE.set(state)
    try:
        pieces: list[str] = []
        size = 0
        for piece in render():
            size += len(piece)
            if size > MAX_OUTPUT_CHARS:
                raise RenderLimitError(
                    f"the template produced more than {MAX_OUTPUT_CHARS} characters"
                )
            state.tick()
            pieces.append(piece)
        return "".join(pieces), state
    finally:
        _STATE.reset(token)


def ceil_div(numerator: int, denominator: int) -> int:
    return math.ceil(numerator / max(denominator, 1))
