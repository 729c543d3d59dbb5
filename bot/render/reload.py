"""Hot reload: pick up edited templates, catalogs and hotlines without restarting the bot."""

from __future__ import annotations

from pathlib import Path

from bot.errors import OperatorFileError, Problem
from bot.render.renderer import Renderer

Fingerprint = tuple[tuple[str, int, int], ...]


class ReloadingRenderer:
    """Holds the renderer in use and swaps it only for one that loads and verifies cleanly.

    Call `reload_if_changed()` periodically (the app's job queue does). A broken edit is
    reported once, as problems with file:line, and the last good renderer stays in use.
    """

    def __init__(self, templates_path: Path, hotlines_path: Path, locales_path: Path) -> None:
        self._paths = (Path(templates_path), Path(hotlines_path), Path(locales_path))
        self._fingerprint = self._scan()
        self._current = Renderer.load(*self._paths)
        self.generation = 1

    @property
    def current(self) -> Renderer:
        return self._current

    def reload_if_changed(self) -> list[Problem]:
        """Reload when any file changed; return the errors of a rejected edit, else []."""
        fingerprint = self._scan()
        if fingerprint == self._fingerprint:
            return []
        self._fingerprint = fingerprint
        try:
            renderer = Renderer.load(*self._paths, cache=self._current.cache)
        except OperatorFileError as exc:
            return list(exc.problems)
        self._current = renderer
        self.generation += 1
        return []

    def _scan(self) -> Fingerprint:
        templates, hotlines, locales = self._paths
        files = [
            *sorted(path for path in templates.rglob("*") if path.is_file()),
            hotlines,
            *sorted(locales.rglob("*.po")),
        ]
        return tuple(_stamp(path) for path in files)


def _stamp(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), stat.st_mtime_ns, stat.st_size)
