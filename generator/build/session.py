"""What survives between builds in one process: a BuildSession.

A long-running process (the preview) builds again and again; what the last build made that the next
may use is kept here, not in module globals: the renderer and what it was made from, the last plan,
and the last manifest and site read or written (manifest.Kept). Whoever owns the lifetime makes the
session and hands it to every build (`build_site(..., session=...)`): the preview makes one for as
long as it runs, a test one per simulated process. A build given no session makes a fresh one: a
cold build in this process, as the command line's is.

May import the layers below build, and build.keys and build.manifest.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..model.findings import Finding
from ..read.site import Site
from ..render.renderer import Renderer
from ..site import plan
from .keys import layouts_digest
from .manifest import Kept


class BuildSession:
    """The state one process keeps from one build to the next (see the module's docstring)."""

    def __init__(self) -> None:
        self.kept = Kept()  # the last manifest and site read or written
        self._renderer: tuple[tuple, Renderer] | None = None  # (what it was made from, the renderer)
        self._plan: tuple[Site, tuple, plan.Plan, tuple[Finding, ...]] | None = None

    def renderer(self, layouts: Path, cache: Path) -> tuple[Renderer, bytes]:
        """A renderer of the layouts, its templates checked, and their key. The last build's renderer
        serves while its templates are the same, compiled and with its table skeletons made (a
        hundredth of a second a build)."""
        renderer = Renderer(layouts, cache)
        key = layouts_digest(renderer)
        made_from = (renderer.folders, cache, key)
        if self._renderer is not None and self._renderer[0] == made_from:
            return self._renderer[1], key
        renderer.check_templates()
        self._renderer = (made_from, renderer)
        return renderer, key

    def plan(
        self, site: Site, static_files: dict[str, str], extra_files: dict[str, str], as_of: date
    ) -> tuple[plan.Plan, list[Finding]]:
        """plan.plan_site, or the plan the last build made for the same Site object (which loading.py
        hands back when nothing the site was loaded from has changed)."""
        inputs = (static_files, extra_files, as_of)
        if self._plan is not None and self._plan[0] is site and self._plan[1] == inputs:
            return self._plan[2], list(self._plan[3])
        site_plan, findings = plan.plan_site(site, static_files, extra_files, as_of)
        self._plan = (site, inputs, site_plan, tuple(findings))
        return site_plan, findings
