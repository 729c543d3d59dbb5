"""`alertbot check` for the render stage: every template, catalog and hotline entry."""

from __future__ import annotations

from pathlib import Path

from bot.errors import Problem
from bot.render.renderer import Renderer


def check_operator_files(
    templates_path: Path, hotlines_path: Path, locales_path: Path
) -> list[Problem]:
    """Every problem (errors and warnings) in the operator-edited render files.

    Renders every template in every locale with the sample data, so syntax errors, unknown
    variables, sandbox violations, invalid Telegram HTML and over-long output all surface
    here with file:line. Unreviewed translations are listed as warnings.
    """
    _renderer, problems = Renderer.inspect(templates_path, hotlines_path, locales_path)
    return problems
