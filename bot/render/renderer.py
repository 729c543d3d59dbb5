"""Turn alerts and bot replies into validated Telegram HTML in the subscriber's language.

`Renderer.load` reads the three operator-owned inputs (templates, catalogs, hotline
directory), checks them, and renders every shipped template in every locale with sample data
before it is used, so a broken edit is refused with file:line instead of reaching a subscriber.
"""

from __future__ import annotations

import gettext
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import Any
from urllib.parse import urlsplit

from jinja2 import TemplateNotFound, TemplateSyntaxError, meta, nodes, pass_context
from markupsafe import Markup
from markupsafe import escape as escape_markup

from bot.errors import OperatorFileError, Problem
from bot.models import Category, Hotline
from bot.render import locales as loc
from bot.render.catalogs import Catalogs, load_catalogs
from bot.render.hotlines import HotlineDirectory
from bot.render.phones import redact_numbers
from bot.render.samples import sample_contexts
from bot.render.sandbox import (
    PARTIALS_DIR,
    RENDER_SECONDS,
    TEMPLATE_SUFFIX,
    GuardedSandbox,
    MemoryBytecodeCache,
    build_environment,
    ceil_div,
    current_state,
    render_bounded,
)
from bot.render.telegram_html import (
    MAX_MESSAGE_LENGTH,
    escape,
    find_problems,
    to_plain,
    truncate_at_word,
    visible_length,
)
from bot.render.views import AlertView, RenderedMessage

SUMMARY_LIMIT = 400
MIN_SUMMARY = 60
ALERT_CATEGORIES = (Category.RECRUITMENT_LURE, Category.TRAFFICKING_VICTIMS, Category.CRACKDOWN)
CHECK_LEVELS = ("lure", "careful", "no_signs")

COMMON_CONTEXT = ("locale", "tz", "hotlines", "subscribe_link")
# What each template is given. `render()` insists on these; `check` refuses any other name.
TEMPLATE_CONTEXT: dict[str, tuple[str, ...]] = {
    "alert": ("alert",),
    "story_update": ("alert",),
    "digest": ("alerts", "period_start", "period_end"),
    "welcome": ("name",),
    "hotline_card": ("citizenship", "destinations"),
    "check_verdict": ("level", "cues", "countries"),
    "broadcast": ("body",),
    "group_intro": ("group_title",),
    "help": (),
    "about": (),
    "retraction": ("alert", "reason"),
}
TEMPLATE_NAMES = tuple(TEMPLATE_CONTEXT)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_LITERAL_DIGITS = re.compile(r"(?<![0-9])[0-9](?:[0-9 .()-]*[0-9])?(?![0-9])")


class TemplateCache(MemoryBytecodeCache):
    """Compiled templates and their static findings, shared by successive renderers."""

    def __init__(self) -> None:
        super().__init__()
        self.findings: dict[tuple[str, str], list[Problem]] = {}


@dataclass(frozen=True, slots=True)
class Paths:
    """Where the operator-owned files live."""

    templates: Path
    hotlines: Path
    locales: Path


class Renderer:
    """Renders every template in every locale; build it with `Renderer.load`."""

    def __init__(
        self,
        paths: Paths,
        hotlines: HotlineDirectory,
        catalogs: Catalogs,
        locales: Sequence[str] = loc.SUPPORTED_LOCALES,
        *,
        cache: TemplateCache | None = None,
        render_seconds: float = RENDER_SECONDS,
    ) -> None:
        self.paths = paths
        self.hotlines = hotlines
        self.catalogs = catalogs
        self.locales: tuple[str, ...] = tuple(locales)
        self.render_seconds = render_seconds
        self._cache = cache if cache is not None else TemplateCache()
        self._envs = {locale: self._environment(locale) for locale in self.locales}

    # ---- construction -------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        templates_path: Path,
        hotlines_path: Path,
        locales_path: Path,
        *,
        cache: TemplateCache | None = None,
    ) -> Renderer:
        """Load and verify everything; raise `OperatorFileError` listing every error found.

        Pass the previous renderer's `cache` when reloading, so unchanged templates are not
        parsed and compiled again.
        """
        renderer, problems = cls.inspect(templates_path, hotlines_path, locales_path, cache=cache)
        errors = [problem for problem in problems if problem.severity == "error"]
        if errors:
            raise OperatorFileError(errors)
        return renderer

    @classmethod
    def inspect(
        cls,
        templates_path: Path,
        hotlines_path: Path,
        locales_path: Path,
        *,
        cache: TemplateCache | None = None,
    ) -> tuple[Renderer, list[Problem]]:
        """Build a renderer from whatever loads, and list every problem and warning."""
        paths = Paths(Path(templates_path), Path(hotlines_path), Path(locales_path))
        problems: list[Problem] = []
        directory, found = HotlineDirectory.load(paths.hotlines)
        problems.extend(found)
        catalogs, found = load_catalogs(paths.locales, loc.SUPPORTED_LOCALES)
        problems.extend(found)
        renderer = cls(paths, directory, catalogs, cache=cache)
        problems.extend(renderer.check_templates())
        if not any(problem.severity == "error" for problem in problems):
            problems.extend(renderer.render_samples())
        return renderer, _unique(problems)

    def _environment(self, locale: str) -> GuardedSandbox:
        filters: dict[str, Callable[..., Any]] = {
            "when": pass_context(
                lambda ctx, value: _ours(loc.format_when(value, locale, ctx.get("tz")))
            ),
            "day": pass_context(
                lambda ctx, value: _ours(loc.format_day(value, locale, ctx.get("tz")))
            ),
            "language_name": lambda code: loc.language_name(str(code), locale),
            "country_name": lambda code: loc.country_name(str(code), locale),
            "country_names": lambda codes: loc.join_list(
                (loc.country_name(str(code), locale) for code in codes), locale
            ),
            "join_list": lambda items: loc.join_list((str(item) for item in items), locale),
            "number": lambda value: _ours(loc.format_number(value, locale)),
            "shorten": _shorten,
            "http_url": _http_url,
            "hotline_label": lambda line: self.hotlines.label(line, locale),
            "hotline_hint": lambda line: self.hotlines.hint(line, locale),
        }
        translations = self.catalogs.get(locale)
        env = build_environment(
            self.paths.templates,
            locale,
            translations=translations,
            filters=filters,
            finalize=self._finalize,
            bytecode_cache=self._cache,
        )
        env.globals.update(_gettext_functions(translations, self._finalize))
        return env

    def _finalize(self, value: Any) -> Any:
        """Applied to every `{{ … }}`: None prints as nothing; unknown phone numbers are hidden."""
        if value is None:
            return ""
        if isinstance(value, str) and not isinstance(value, Markup):
            return redact_numbers(value, self.hotlines.is_known)
        return value

    # ---- the public API -----------------------------------------------------------------

    def best_locale(self, language_code: str | None) -> str:
        return loc.best_locale(language_code, self.locales)

    def translator(self, locale: str | None) -> gettext.NullTranslations:
        """`gettext`/`ngettext` for handler strings (buttons, prompts), English as fallback."""
        return self.catalogs.get(self.best_locale(locale))

    def locale_name(self, locale: str) -> str:
        return loc.locale_autonym(locale)

    def render_alert(
        self,
        alert: AlertView,
        locale: str,
        *,
        citizenship: str | None,
        province: str | None,
        subscribe_link: str | None = None,
        tz: str = loc.DEFAULT_TIMEZONE,
        include_possibly_outdated: bool = False,
    ) -> RenderedMessage:
        """The warning for one story, with the hotlines for this reader and these countries."""
        if alert.category not in ALERT_CATEGORIES:
            raise ValueError(f"{alert.category} items are not sent as alerts")
        hotlines = self.hotlines.select(
            citizenship=citizenship,
            province=province,
            destinations=alert.countries,
            include_possibly_outdated=include_possibly_outdated,
        )
        return self.render(
            "alert", locale, alert=alert, hotlines=hotlines, subscribe_link=subscribe_link, tz=tz
        )

    def render(self, template: str, locale: str, **context: Any) -> RenderedMessage:
        """Render `template` (e.g. "welcome") and validate it as Telegram HTML.

        Raises `OperatorFileError` with file:line when the template fails or its output is
        not acceptable to Telegram even after shortening the summaries.
        """
        if not _NAME.match(template):
            raise ValueError(f"not a template name: {template!r}")
        missing = set(TEMPLATE_CONTEXT.get(template, ())) - context.keys()
        if missing:
            raise TypeError(f"template {template!r} needs {sorted(missing)}")
        if template == "check_verdict" and context["level"] not in CHECK_LEVELS:
            raise ValueError(f"level must be one of {CHECK_LEVELS}, not {context['level']!r}")
        chosen = self.best_locale(locale)
        env = self._envs[chosen]
        full = {"tz": loc.DEFAULT_TIMEZONE, "hotlines": [], "subscribe_link": None, **context}
        full["locale"] = chosen
        html, source = self._render_fitting(env, template, full)
        self._raise_if_invalid(html, source)
        numbers = tuple(
            number
            for line in full["hotlines"]
            if isinstance(line, Hotline)
            for number in line.numbers
            if escape(number) in html
        )
        return RenderedMessage(
            html=html,
            plain=to_plain(html),
            hotline_numbers=tuple(dict.fromkeys(numbers)),
            template=template,
            locale=chosen,
        )

    @property
    def cache(self) -> TemplateCache:
        return self._cache

    # ---- rendering ----------------------------------------------------------------------

    def _render_fitting(
        self, env: GuardedSandbox, template: str, context: dict[str, Any]
    ) -> tuple[str, str]:
        """Render, shortening the summaries until the message fits Telegram's limit."""
        name = template + TEMPLATE_SUFFIX
        source = str(self.paths.templates / str(context["locale"]) / name)
        try:
            compiled = env.get_template(name)
            source = str(compiled.filename or source)
            limit = SUMMARY_LIMIT
            while True:
                raw, state = render_bounded(
                    lambda: compiled.generate(context), limit, self.render_seconds
                )
                html = _tidy(raw)
                over = visible_length(html) - MAX_MESSAGE_LENGTH
                if over <= 0 or state.shortened == 0 or limit == 0:
                    return html, source
                limit = max(0, limit - ceil_div(over, state.shortened) - 1)
                if limit < MIN_SUMMARY:
                    limit = 0
        except TemplateNotFound as exc:
            raise OperatorFileError(
                [Problem(source, 0, f"template not found: {exc.name}")]
            ) from exc
        except TemplateSyntaxError as exc:
            where = exc.filename or source
            raise OperatorFileError([Problem(where, exc.lineno, exc.message or str(exc))]) from exc
        except Exception as exc:  # anything a template can raise is the template's fault
            where, line = _template_frame(exc, self.paths.templates, source)
            raise OperatorFileError([Problem(where, line, _describe(exc))]) from exc

    def _raise_if_invalid(self, html: str, source: str) -> None:
        found = find_problems(html)
        if found:
            problems = [
                Problem(source, _line_of(source, problem.snippet), problem.message)
                for problem in found
            ]
            raise OperatorFileError(problems)

    # ---- checks -------------------------------------------------------------------------

    def check_templates(self) -> list[Problem]:
        """Syntax, unknown variables and phone-number literals, without rendering."""
        problems: list[Problem] = []
        env = self._envs.get(loc.DEFAULT_LOCALE)
        if env is None:
            return [Problem(str(self.paths.templates), 0, "English templates are required")]
        root = self.paths.templates
        if not (root / loc.DEFAULT_LOCALE).is_dir():
            return [Problem(str(root / loc.DEFAULT_LOCALE), 0, "the English templates are missing")]
        for path in sorted(root.rglob("*" + TEMPLATE_SUFFIX)):
            problems.extend(self._check_template_file(env, path))
        for locale in self.locales:
            for template in TEMPLATE_NAMES:
                own = root / locale / (template + TEMPLATE_SUFFIX)
                if not own.exists():
                    severity = "error" if locale == loc.DEFAULT_LOCALE else "warning"
                    message = (
                        "missing; this is the fallback for every locale"
                        if locale == loc.DEFAULT_LOCALE
                        else "not translated; subscribers get the English template"
                    )
                    problems.append(Problem(str(own), 0, message, severity))
        return problems

    def _check_template_file(self, env: GuardedSandbox, path: Path) -> list[Problem]:
        """Parse once: report syntax, unknown names and numbers; keep the compiled code.

        Findings are remembered per file content, so a reload re-reads only edited files.
        """
        where = str(path)
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return [Problem(where, 0, f"cannot read: {exc}")]
        key = (where, hashlib.sha1(source.encode("utf-8")).hexdigest())
        if key not in self._cache.findings:
            self._cache.findings[key] = self._inspect_source(env, path, source)
        return self._cache.findings[key]

    def _inspect_source(self, env: GuardedSandbox, path: Path, source: str) -> list[Problem]:
        where = str(path)
        try:
            tree = env.parse(source, path.name, where)
            code = env.compile(tree, _loader_name(self.paths.templates, path), where)
        except TemplateSyntaxError as exc:
            return [Problem(where, exc.lineno, exc.message or str(exc))]
        self._remember_compiled(env, path, source, code)
        allowed = _allowed_names(path, env)
        problems = [
            Problem(where, _first_use(tree, name), f"unknown variable {name!r}")
            for name in sorted(meta.find_undeclared_variables(tree) - allowed)
        ]
        problems.extend(_phone_literals(env, source, where))
        problems.extend(
            Problem(
                where, node.lineno, "autoescape cannot be switched off: feed text stays escaped"
            )
            for node in tree.find_all((nodes.EvalContextModifier, nodes.ScopedEvalContextModifier))
        )
        return problems

    def _remember_compiled(
        self, env: GuardedSandbox, path: Path, source: str, code: CodeType
    ) -> None:
        """Hand the compiled code to the shared cache so no locale compiles it again."""
        bucket = self._cache.get_bucket(
            env, _loader_name(self.paths.templates, path), str(path), source
        )
        if bucket.code is None:
            bucket.code = code
            self._cache.set_bucket(bucket)

    def render_samples(self) -> list[Problem]:
        """Render every template in every locale with the sample data; report what fails."""
        problems: list[Problem] = []
        for locale in self.locales:
            for template in TEMPLATE_NAMES:
                for context in sample_contexts(template, self.hotlines, locale):
                    try:
                        self.render(template, locale, **context)
                    except OperatorFileError as exc:
                        problems.extend(exc.problems)
        return problems


# ---- filters ------------------------------------------------------------------------------


def _ours(text: str) -> Markup:
    """Text the bot formatted itself (dates, amounts): escaped, and never taken for a phone."""
    return escape_markup(text)


def _shorten(text: Any) -> str:
    """Summaries only: cut at a word to the current budget; drop when too little is left."""
    value = "" if text is None else str(text)
    state = current_state()
    if state is None or not value:
        return value
    state.shortened += 1
    if state.summary_limit < MIN_SUMMARY:
        return ""
    return truncate_at_word(" ".join(value.split()), state.summary_limit)


def _http_url(url: Any) -> str:
    """The link if it is a plain http(s) address; "" otherwise, so the template shows no link."""
    value = str(url or "").strip()
    if any(char.isspace() or ord(char) < 32 for char in value):
        return ""
    parts = urlsplit(value)
    return value if parts.scheme in ("http", "https") and parts.netloc else ""


def _gettext_functions(
    translations: gettext.NullTranslations, clean: Callable[[Any], Any]
) -> dict[str, Callable[..., Any]]:
    """Jinja2's "newstyle" gettext, but values pass through `clean` like any `{{ … }}`.

    The translation is trusted markup (catalogs are checked); the values filled into it are
    escaped, and unknown phone numbers in them are hidden, exactly as elsewhere.
    """

    def gettext_(message: str, **variables: Any) -> Markup:
        text = Markup(translations.gettext(message))
        return text % {key: clean(value) for key, value in variables.items()}

    def ngettext_(singular: str, plural: str, num: int, **variables: Any) -> Markup:
        text = Markup(translations.ngettext(singular, plural, num))
        variables.setdefault("num", num)
        return text % {key: clean(value) for key, value in variables.items()}

    return {"_": gettext_, "gettext": gettext_, "ngettext": ngettext_}


# ---- helpers ------------------------------------------------------------------------------


def _tidy(html: str) -> str:
    """Telegram shows every newline; drop trailing spaces and runs of blank lines."""
    lines = [line.rstrip() for line in html.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    kind = type(exc).__name__
    if kind == "UndefinedError" and "unsafe" in text:
        return f"refused by the sandbox: {text}"
    if kind == "UndefinedError":
        return f"unknown variable or attribute: {text}"
    if kind in ("SecurityError", "RenderLimitError"):
        return f"refused by the sandbox: {text}"
    if isinstance(exc, RecursionError):
        return "refused: the template calls itself without end"
    return f"{kind}: {text}"


def _template_frame(exc: BaseException, root: Path, fallback: str) -> tuple[str, int]:
    """The innermost traceback frame inside an operator's template (Jinja2 rewrites them)."""
    found = (fallback, 0)
    root_text = str(root.resolve())
    traceback = exc.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        inside = str(Path(filename).resolve()).startswith(root_text)
        if filename.endswith(TEMPLATE_SUFFIX) and inside:
            found = (filename, traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


def _line_of(path: str, snippet: str) -> int:
    """Best guess at the template line that produced an invalid snippet (1 when unknown)."""
    needle = snippet.strip()
    if not needle:
        return 1
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    for number, line in enumerate(lines, start=1):
        if needle in line:
            return number
    return 1


def _allowed_names(path: Path, env: GuardedSandbox) -> frozenset[str]:
    name = path.stem
    everything = {name for names in TEMPLATE_CONTEXT.values() for name in names}
    own = (
        everything
        if name not in TEMPLATE_CONTEXT or PARTIALS_DIR in path.parts
        else set(TEMPLATE_CONTEXT[name])
    )
    return frozenset({*own, *COMMON_CONTEXT, *env.globals})


def _loader_name(root: Path, path: Path) -> str:
    """The name the loader finds `path` under: relative to its locale folder or the root."""
    relative = path.relative_to(root)
    if relative.parts[0] in loc.SUPPORTED_LOCALES and len(relative.parts) > 1:
        relative = relative.relative_to(relative.parts[0])
    return relative.as_posix()


def _first_use(tree: nodes.Template, name: str) -> int:
    lines = [node.lineno for node in tree.find_all(nodes.Name) if node.name == name]
    return min(lines) if lines else 1


def _phone_literals(env: GuardedSandbox, source: str, where: str) -> list[Problem]:
    """Numbers written into template text; they belong in the hotline directory."""
    problems: list[Problem] = []
    for line, kind, value in env.lex(source):
        if kind != "data":
            continue
        for offset, text_line in enumerate(value.split("\n")):
            for match in _LITERAL_DIGITS.finditer(text_line):
                if len(re.sub(r"[^0-9]", "", match.group(0))) >= 3:
                    problems.append(
                        Problem(
                            where,
                            line + offset,
                            f"number {match.group(0)!r} in template text: phone numbers belong in "
                            "hotlines/hotlines.yaml",
                        )
                    )
    return problems
