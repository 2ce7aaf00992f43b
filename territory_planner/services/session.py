"""An open plan: the plan, where it is stored, and cached evaluations kept current as commands are applied."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..domain import Plan, Report, Scenario, TerritoryAggregates, evaluate
from ..domain.changelog import apply_command
from ..domain.commands import Command
from ..domain.model import ChangeEvent
from ..persistence.origin import current_user


@dataclass
class _Cache:
    scenario: Scenario
    aggregates: TerritoryAggregates
    report: Report | None = None


@dataclass
class PlanSession:
    """The use-case object the GUI and the CLI share for one open plan.

    Every change goes through :meth:`apply` as a command (returning its inverse, for undo). Evaluations are cached
    per scenario; per-unit aggregates follow edits by delta, so a report after an edit costs only the funnel.
    """

    plan: Plan
    target: str | None = None
    revision: int = 0
    #: Who makes the changes (the name set in the app's settings; the OS user by default).
    author: str = field(default_factory=current_user)
    _caches: dict[str, _Cache] = field(default_factory=dict, repr=False)
    changed: list[Callable[[Command | None], None]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.plan.listeners.append(self._on_plan_changed)

    def close(self) -> None:
        for cache in self._caches.values():
            cache.aggregates.detach(cache.scenario)
        self._caches.clear()
        if self._on_plan_changed in self.plan.listeners:
            self.plan.listeners.remove(self._on_plan_changed)

    # --- edits ---------------------------------------------------------------------------------------------
    def apply(self, command: Command) -> Command:
        """Apply a command; returns its inverse. Raises (and changes nothing) when the command is invalid or its
        scenario is proposed or approved (read-only). The change is logged under :attr:`author`."""
        inverse: Command = apply_command(self.plan, command, author=self.author)
        self.revision += 1
        for callback in list(self.changed):
            callback(command)
        return inverse

    # --- evaluation ----------------------------------------------------------------------------------------
    def _cache(self, name: str | None) -> _Cache:
        scenario = self.plan.scenario(name)
        cache = self._caches.get(scenario.name)
        if cache is None or cache.scenario is not scenario:
            if cache is not None:
                cache.aggregates.detach(cache.scenario)
            aggregates = TerritoryAggregates(self.plan.layer, scenario)
            aggregates.attach(scenario)
            cache = _Cache(scenario, aggregates)
            scenario.listeners.append(self._on_scenario_changed)
            self._caches[scenario.name] = cache
        return cache

    def aggregates(self, scenario: str | None = None) -> TerritoryAggregates:
        return self._cache(scenario).aggregates

    def report(self, scenario: str | None = None) -> Report:
        """The evaluation of a scenario (cached until the next change to it)."""
        cache = self._cache(scenario)
        if cache.report is None:
            cache.report = evaluate(cache.scenario, self.plan.layer, cache.aggregates)
        return cache.report

    def _on_scenario_changed(self, scenario: Scenario, event: ChangeEvent) -> None:
        cache = self._caches.get(scenario.name)
        if cache is not None and cache.scenario is scenario:
            cache.report = None

    def _on_plan_changed(self, plan: Plan, what: str) -> None:
        if what == "attributes":
            for cache in self._caches.values():
                cache.aggregates.detach(cache.scenario)
            self._caches.clear()
        elif what == "scenarios":
            for name in list(self._caches):
                cache = self._caches[name]
                if plan.scenarios.get(name) is not cache.scenario:
                    cache.aggregates.detach(cache.scenario)
                    del self._caches[name]
