"""serve's report as dataclasses: every environment's Shutdown phases and their processes.

Each dataclass keeps the JSON it came from in `raw` (the whole run report is in
`Environment.report`), and names its fields as docs/report.schema.json does, in snake case.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass(frozen=True)
class ShutdownProcess:
    """The runtime or an extension in one Shutdown phase."""

    name: str
    kind: str  # "runtime" or "extension"
    pid: int
    verdict: str  # "graceful", "killed", "crashed" or "not-signalled"
    exited_before_shutdown: bool
    sigterm_ms: Optional[float]
    shutdown_event_ms: Optional[float]
    sigkill_ms: Optional[float]
    exit_observed_ms: Optional[float]
    deadline_ms: Optional[float]
    cleanup_duration_ms: Optional[float]
    headroom_ms: Optional[float]
    exit: Optional[dict]
    raw: dict = field(repr=False)

    @classmethod
    def from_json(cls, entry: dict) -> "ShutdownProcess":
        return cls(
            name=entry["name"],
            kind=entry["kind"],
            pid=entry["pid"],
            verdict=entry["verdict"],
            exited_before_shutdown=entry["exitedBeforeShutdown"],
            sigterm_ms=entry["sigtermMs"],
            shutdown_event_ms=entry["shutdownEventMs"],
            sigkill_ms=entry["sigkillMs"],
            exit_observed_ms=entry["exitObservedMs"],
            deadline_ms=entry["deadlineMs"],
            cleanup_duration_ms=entry["cleanupDurationMs"],
            headroom_ms=entry["headroomMs"],
            exit=entry["exit"],
            raw=entry,
        )


@dataclass(frozen=True)
class ShutdownPhase:
    """One Shutdown phase of an environment: a reset (final False) or its last spin-down."""

    reason: str  # "spindown", "timeout" or "failure"
    final: bool
    duration_ms: float
    processes: list[ShutdownProcess]
    diagnostics: list[str]
    raw: dict = field(repr=False)

    @classmethod
    def from_json(cls, phase: dict) -> "ShutdownPhase":
        return cls(
            reason=phase["reason"],
            final=phase["final"],
            duration_ms=phase["durationMs"],
            processes=[ShutdownProcess.from_json(p) for p in phase["processes"]],
            diagnostics=list(phase["diagnostics"]),
            raw=phase,
        )


@dataclass(frozen=True)
class Environment:
    """One execution environment of serve, with its run report."""

    id: int  # numbered per function, from 1
    function: str  # its FunctionName: serve --template serves every function of a template
    shutdowns: list[ShutdownPhase]
    report: dict = field(repr=False)  # the run report, as docs/report.schema.json describes it
    tenant: Optional[str] = None  # with --tenant-isolation, the one tenant it served


@dataclass(frozen=True)
class Cleanup:
    """A process's cleanup: from its SIGTERM (or SHUTDOWN event) to its exit; None if not signalled."""

    ms: Optional[float]
    deadline_ms: Optional[float]
    headroom_ms: Optional[float]
    verdict: str


@dataclass(frozen=True)
class ServeReport:
    """The report of `serve` ({schemaVersion, generator, exitCode, exitReason, environments})."""

    schema_version: str
    generator: str
    exit_code: int
    exit_reason: Optional[str]
    environments: list[Environment]
    raw: dict = field(repr=False)

    @classmethod
    def from_json(cls, report: dict[str, Any]) -> "ServeReport":
        return cls(
            schema_version=report["schemaVersion"],
            generator=report["generator"],
            exit_code=report["exitCode"],
            exit_reason=report.get("exitReason"),
            environments=[
                Environment(
                    id=e["id"],
                    function=e["function"],
                    shutdowns=[ShutdownPhase.from_json(s) for s in e["report"]["shutdowns"]],
                    report=e["report"],
                    tenant=e.get("tenant"),
                )
                for e in report["environments"]
            ],
            raw=report,
        )

    def processes(self, which: str) -> list[ShutdownProcess]:
        """The processes named `which` (an extension's file name, the runtime's name) or of kind
        `which` ("runtime", "extension") in the last Shutdown phase of every environment."""
        return [p for p in self._last_processes() if which in (p.name, p.kind)]

    def process(self, which: str) -> ShutdownProcess:
        """The one such process; ValueError when none or several (several environments) match."""
        found = self.processes(which)
        if len(found) == 1:
            return found[0]
        if not found:
            there = ", ".join(f"{p.name} ({p.kind})" for p in self._last_processes()) or "none ran"
            raise ValueError(f"no process '{which}' in the last Shutdown phase; there: {there}")
        raise ValueError(f"{len(found)} processes match '{which}' (one per environment): use processes('{which}')")

    def cleanup(self, which: str) -> Cleanup:
        p = self.process(which)
        return Cleanup(ms=p.cleanup_duration_ms, deadline_ms=p.deadline_ms, headroom_ms=p.headroom_ms,
                       verdict=p.verdict)

    def _last_processes(self) -> list[ShutdownProcess]:
        return [p for e in self.environments if e.shutdowns for p in e.shutdowns[-1].processes]
