"""Survey submissions over HTTP: 64 concurrent clients against the real app on loopback.

A *survey submission* is the realistic minimum: one ``POST /s/{token}`` of the hosted survey
form (the fields the page sends: the CSRF form token, the question key, the language and the
answer) that completes a one-question NPS response. The server checks the invitation's
signed token and the form token, saves the answer, marks the invitation started and
completed, commits, and answers ``303`` to the thank-you page. Every client submits for its
own invitations, so each acknowledged request is one new stored response.

The script seeds a migrated SQLite file (and a fresh PostgreSQL database when
``CXLENS_BENCH_POSTGRES_URL`` is set) with the survey and N invitations, starts the real app
(``create_app``) with uvicorn in a subprocess on a loopback port (1 and 2 worker
processes), and drives it with 64 keep-alive HTTP/1.1 clients (raw asyncio streams on
uvloop, so the client takes little of the two cores). Each client sends requests one after
the other until ``--seconds`` have passed, then waits for its last answer, so every request
sent is answered and counted. Afterwards the store must hold exactly one submitted response
(with its answer and a completed invitation) per acknowledged request, no more and no less.

Baseline, in the same run and on the same server: the same 64 clients against
``POST /bench/commit``, a route that does nothing but one INSERT + COMMIT of one row through
the same engine, so the ratio is our overhead over the database's commit rate through
uvicorn and FastAPI.

Durable commits: SQLite runs in WAL mode with ``synchronous=NORMAL`` (the app's setting:
a commit survives a crash of the process, not a power loss) and again with
``synchronous=FULL`` (an fsync per commit: survives a power loss). PostgreSQL runs with its
defaults (``fsync=on``, ``synchronous_commit=on``: every commit is flushed to the WAL).

The rate limiter of the public pages (5 requests/s per address and route) is swapped for
one with an unreachable limit (still called on every request): 64 clients on one loopback
address would otherwise be limited, as designed.

    python bench/survey_submit.py [--seconds 20] [--clients 64] [--workers 1,2] [--repeat 1]
        [--synchronous NORMAL,FULL] [--trace DIR]

``--repeat N`` runs each configuration N times (a fresh store and server each time, a row
per run). ``--trace DIR`` writes what the server did, per worker process, beside the
clients' request times (``bench/survey_trace.py``): GC pauses, write batches, checkpoints,
the WAL's size.
"""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Engine, event, func, insert, select, text

from _common import goal, machine, parser, print_table
from cxlens.core.ratelimit import RateLimiter
from cxlens.core.settings import Settings
from cxlens.core.signing import Purpose
from cxlens.db import engine_for_url, unit_of_work, upgrade
from cxlens.features.collection.links import signer_for
from cxlens.features.collection.security import csrf_token
from cxlens.features.surveys import create_survey
from cxlens.models import Answer, Customer, Invitation, Response, SurveyVersion

HERE = Path(__file__).parent
GOAL_RATE = 2_500.0
GOAL_P99_MS = 50.0
SIGNING_KEY = "bench-signing-key-" + "k" * 32
SURVEY: dict[str, Any] = {
    "key": "bench-nps",
    "name": "How did we do?",
    "languages": ["en"],
    "questions": [
        {
            "key": "nps",
            "type": "nps",
            "required": True,
            "labels": {"en": {"text": "How likely are you to recommend us?"}},
        }
    ],
}


# ---------------------------------------------------------------- the server (uvicorn factory)


def bench_app() -> Any:
    """The real app plus the baseline route; uvicorn builds it in each worker (``--factory``).

    Settings come from the ``CXLENS_`` environment; ``CXLENS_BENCH_SYNCHRONOUS`` (SQLite
    only) overrides the ``synchronous`` pragma of every connection.
    """
    from fastapi import Response as HttpResponse

    from cxlens.web.app import create_app
    from cxlens.web.pages.ratelimit import STATE_KEY

    app = create_app(Settings())
    engine: Engine = app.state.engine
    setattr(app.state, STATE_KEY, RateLimiter(rate=1e12, burst=10**12))
    trace = os.environ.get("CXLENS_BENCH_TRACE")
    if trace:
        from survey_trace import install

        install(app, Path(trace))
    synchronous = os.environ.get("CXLENS_BENCH_SYNCHRONOUS")
    if synchronous and engine.dialect.name == "sqlite":

        def _pragma(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute(f"PRAGMA synchronous={synchronous}")

        event.listen(engine, "connect", _pragma)
    statement = text("INSERT INTO bench_commits (payload) VALUES (:payload)")

    @app.post("/bench/commit", include_in_schema=False)
    def commit_one() -> HttpResponse:
        """The baseline: one INSERT + COMMIT of one row, nothing else."""
        with engine.begin() as connection:
            connection.execute(statement, {"payload": "nps=9"})
        return HttpResponse(status_code=303, headers={"Location": "/done"})

    return app


# ---------------------------------------------------------------- seeding and checking


@dataclass(frozen=True)
class Seeded:
    """A store ready for a run: its URL and one (path, body) request per invitation."""

    url: str
    requests: list[tuple[str, bytes]]
    invitation_ids: list[int]


def seed(url: str, invitations: int, settings: Settings) -> Seeded:
    """Migrate, add the survey, one customer per 10 invitations, and the invitations."""
    engine = engine_for_url(url)
    upgrade(engine)
    with engine.begin() as c:
        c.execute(
            text(
                "CREATE TABLE bench_commits (id "
                + (
                    "INTEGER PRIMARY KEY"
                    if engine.dialect.name == "sqlite"
                    else "BIGSERIAL PRIMARY KEY"
                )
                + ", payload TEXT NOT NULL)"
            )
        )
    with unit_of_work(engine) as session:
        stored = create_survey(session, SURVEY)
        version_id = session.scalars(
            select(SurveyVersion.id).where(SurveyVersion.survey_id == stored.id)
        ).one()
        customers = [
            {"customer_ref": f"bench-{i}", "locale": "en"} for i in range(invitations // 10 + 1)
        ]
        session.execute(insert(Customer), customers)
        customer_ids = list(session.scalars(select(Customer.id).order_by(Customer.id)))
        rows = [
            {
                "survey_version_id": version_id,
                "customer_id": customer_ids[i // 10],
                "channel": "email",
                "token": f"bench-{i}",
            }
            for i in range(invitations)
        ]
        session.execute(insert(Invitation), rows)
        ids = list(session.scalars(select(Invitation.id).order_by(Invitation.id)))
    engine.dispose()
    signer = signer_for(settings)
    requests = []
    for i, invitation_id in enumerate(ids):
        token = signer.sign(invitation_id, purpose=Purpose.INVITATION)
        body = urlencode(
            {
                "csrf": csrf_token(settings, f"invitation:{invitation_id}"),
                "q": "nps",
                "lang": "en",
                "answer": str(i % 11),
            }
        ).encode()
        requests.append((f"/s/{token}", body))
    return Seeded(url, requests, ids)


def stored(url: str) -> dict[str, int]:
    """What the store holds after a run: responses, answers, completed invitations, rows."""
    engine = engine_for_url(url)
    try:
        with unit_of_work(engine) as s:
            return {
                "responses": int(
                    s.scalar(
                        select(func.count())
                        .select_from(Response)
                        .where(Response.submitted_at.is_not(None))
                    )
                    or 0
                ),
                "all_responses": int(s.scalar(select(func.count()).select_from(Response)) or 0),
                "answers": int(s.scalar(select(func.count()).select_from(Answer)) or 0),
                "completed": int(
                    s.scalar(
                        select(func.count())
                        .select_from(Invitation)
                        .where(Invitation.completed_at.is_not(None))
                    )
                    or 0
                ),
                "baseline_rows": int(s.scalar(text("SELECT count(*) FROM bench_commits")) or 0),
            }
    finally:
        engine.dispose()


def completed_ids(url: str) -> set[int]:
    """The invitations whose response is stored as completed."""
    engine = engine_for_url(url)
    try:
        with unit_of_work(engine) as s:
            return set(s.scalars(select(Invitation.id).where(Invitation.completed_at.is_not(None))))
    finally:
        engine.dispose()


# ---------------------------------------------------------------- the server process


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``uvicorn --factory survey_submit:bench_app`` in a subprocess on a loopback port."""

    def __init__(
        self, url: str, workers: int, synchronous: str | None, trace: Path | None = None
    ) -> None:
        self.port = free_port()
        env = dict(os.environ)
        env.update(
            CXLENS_DATABASE_URL=url,
            CXLENS_SIGNING_KEYS=SIGNING_KEY,
            PYTHONPATH=os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]),
        )
        env.pop("CXLENS_BENCH_SYNCHRONOUS", None)
        if synchronous:
            env["CXLENS_BENCH_SYNCHRONOUS"] = synchronous
        env.pop("CXLENS_BENCH_TRACE", None)
        if trace is not None:
            env["CXLENS_BENCH_TRACE"] = str(trace)
        command = [
            sys.executable, "-m", "uvicorn", "--factory", "survey_submit:bench_app",
            "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers),
            "--no-access-log", "--log-level", "warning", "--backlog", "1024",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, env=env, cwd=HERE)
        self._wait_ready(workers)

    def _wait_ready(self, workers: int) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    if s.recv(100).startswith(b"HTTP/1.1 200"):
                        time.sleep(1.0 if workers > 1 else 0.2)  # let every worker start
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("uvicorn did not start within 60 s")

    def cpu_seconds(self) -> float:
        """CPU time of the server and its worker processes so far (from /proc)."""
        total = 0.0
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        tick = os.sysconf("SC_CLK_TCK")
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# ---------------------------------------------------------------- the clients


@dataclass
class Outcome:
    """What one load run saw."""

    seconds: float
    latencies: list[float]
    sent: list[float]  # perf_counter() when each request went out (same order)
    statuses: dict[int, int]
    acknowledged: list[int]  # indexes into the request list answered with 303
    client_cpu: float
    server_cpu: float

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def pct(self, q: float) -> float:
        """Latency percentile ``q`` in ms."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] * 1000


async def _client(
    port: int, requests: Sequence[tuple[str, bytes]], slots: range, deadline: float, out: Outcome
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for index in slots:
            if time.perf_counter() >= deadline:
                break
            path, body = requests[index]
            head = (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            t0 = time.perf_counter()
            writer.write(head + body)
            header = await reader.readuntil(b"\r\n\r\n")
            status = int(header[9:12])
            length = 0
            for line in header.split(b"\r\n")[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
            out.latencies.append(time.perf_counter() - t0)
            out.sent.append(t0)
            out.statuses[status] = out.statuses.get(status, 0) + 1
            if status == 303:
                out.acknowledged.append(index)
    finally:
        writer.close()


async def _load(
    port: int, requests: Sequence[tuple[str, bytes]], clients: int, seconds: float
) -> Outcome:
    out = Outcome(0.0, [], [], {}, [], 0.0, 0.0)
    per = len(requests) // clients
    start = time.perf_counter()
    await asyncio.gather(
        *(
            _client(port, requests, range(c * per, (c + 1) * per), start + seconds, out)
            for c in range(clients)
        )
    )
    out.seconds = time.perf_counter() - start
    return out


def load(
    server: Server, requests: Sequence[tuple[str, bytes]], clients: int, seconds: float
) -> Outcome:
    """Run the clients for ``seconds``; every request sent is answered and counted."""
    import uvloop

    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    server0 = server.cpu_seconds()
    out = uvloop.run(_load(server.port, requests, clients, seconds))
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    out.client_cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    out.server_cpu = server.cpu_seconds() - server0
    return out


# ---------------------------------------------------------------- one configuration


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def label_slug(label: str) -> str:
    """A directory name for a configuration's label."""
    return "".join(c if c.isalnum() else "-" for c in label).strip("-")


def run_config(
    backend_url: str,
    label: str,
    workers: int,
    synchronous: str | None,
    args: Any,
    settings: Settings,
) -> list[tuple[str, ...]]:
    """Seed, serve, load the survey route and the baseline route, check the store."""
    seeded = seed(backend_url, args.invitations, settings)
    trace = None if args.trace is None else Path(args.trace) / label_slug(label)
    server = Server(backend_url, workers, synchronous, trace)
    try:
        warm = seeded.requests[-args.clients * 20 :]
        load(server, warm, args.clients, 2.0)  # warm-up on invitations kept out of the run
        before = stored(backend_url)
        main_requests = seeded.requests[: -args.clients * 20]
        load_before = load_average()
        survey = load(server, main_requests, args.clients, args.seconds)
        after = stored(backend_url)
        baseline_requests = [("/bench/commit", b"")] * (len(main_requests))
        base = load(server, baseline_requests, args.clients, args.seconds)
        final = stored(backend_url)
    finally:
        server.stop()
    if trace is not None:
        with (trace / "client.tsv").open("w") as f:
            for t0, latency in zip(survey.sent, survey.latencies, strict=True):
                f.write(f"request\t{t0:.6f}\t{latency * 1000:.3f}\n")
    acked_ids = {seeded.invitation_ids[i] for i in survey.acknowledged}
    done_ids = completed_ids(backend_url) - {
        seeded.invitation_ids[i] for i in range(len(main_requests), len(seeded.invitation_ids))
    }
    new = {k: after[k] - before[k] for k in ("responses", "answers", "completed")}
    exact = (
        len(survey.acknowledged) == len(survey.latencies)
        and acked_ids == done_ids
        and new["responses"] == len(acked_ids)
        and new["answers"] == len(acked_ids)
        and after["all_responses"] - before["all_responses"] == len(acked_ids)
    )
    base_rows = final["baseline_rows"] - after["baseline_rows"]
    base_acked = base.statuses.get(303, 0)
    print(
        f"[{label}] load before the run {load_before}; survey: {len(survey.latencies)} requests "
        f"{survey.statuses}, {survey.rate:,.0f}/s, p50/p95/p99 {survey.pct(50):.1f}/"
        f"{survey.pct(95):.1f}/{survey.pct(99):.1f} ms, server CPU {survey.server_cpu:.1f} s, "
        f"client CPU {survey.client_cpu:.1f} s in {survey.seconds:.1f} s; store: +{new} "
        f"(exactly the acknowledged: {exact}); baseline: {base.rate:,.0f}/s "
        f"{base.statuses}, rows +{base_rows} (exact: {base_rows == base_acked})",
        flush=True,
    )
    if not exact or base_rows != base_acked or base_acked != len(base.latencies):
        raise SystemExit(f"[{label}] the store does not hold exactly the acknowledged requests")
    ratio = base.rate / survey.rate if survey.rate else float("inf")
    ok = survey.rate >= GOAL_RATE and survey.pct(99) < GOAL_P99_MS
    return [
        (
            label,
            f"{survey.rate:,.0f}/s",
            f"{survey.pct(50):.1f} / {survey.pct(95):.1f} / {survey.pct(99):.1f}",
            f"{base.rate:,.0f}/s",
            f"{base.pct(50):.1f} / {base.pct(95):.1f} / {base.pct(99):.1f}",
            f"{ratio:.2f}×",
            f"{survey.server_cpu / max(1, len(survey.latencies)) * 1e3:.2f} ms",
            goal(ok),
        )
    ]


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on the way out
    p = parser("survey submissions over HTTP, 64 concurrent clients, durable commits")
    p.add_argument("--seconds", type=float, default=20.0, help="length of each load run")
    p.add_argument("--clients", type=int, default=64)
    p.add_argument("--workers", default="1,2", help="uvicorn worker processes to try")
    p.add_argument("--invitations", type=int, default=0, help="default: enough for 6,000/s")
    p.add_argument("--synchronous", default="NORMAL,FULL", help="SQLite pragmas to try")
    p.add_argument(
        "--trace", default=None, help="directory for a trace of GC pauses and write batches"
    )
    p.set_defaults(repeat=1)  # --repeat N: each configuration N times, a row per run
    args = p.parse_args()
    if not args.invitations:
        args.invitations = int(6_000 * args.seconds) + args.clients * 20
    settings = Settings(signing_keys=[SIGNING_KEY])
    workers = [int(w) for w in args.workers.split(",")]
    rows: list[tuple[str, ...]] = []
    print(f"{machine()}; load average {load_average()}", flush=True)
    runs = [f", run {r}" if args.repeat > 1 else "" for r in range(1, args.repeat + 1)]
    with tempfile.TemporaryDirectory(prefix="cxlens-bench-") as tmp:
        for sync in args.synchronous.split(","):
            for w in workers:
                for i, run in enumerate(runs):
                    url = f"sqlite:///{tmp}/{sync}-{w}-{i}.db"
                    label = f"SQLite WAL synchronous={sync}, {w} worker{'s' if w > 1 else ''}{run}"
                    rows += run_config(url, label, w, sync, args, settings)
    pg_admin = os.environ.get("CXLENS_BENCH_POSTGRES_URL")
    if pg_admin:
        from store_import import fresh_postgres

        with fresh_postgres(pg_admin) as new_db:
            for w in workers:
                for run in runs:
                    label = (
                        f"PostgreSQL (fsync, synchronous_commit=on), "
                        f"{w} worker{'s' if w > 1 else ''}{run}"
                    )
                    rows += run_config(new_db(), label, w, None, args, settings)
    print_table(
        f"Survey submissions: {args.clients} clients, {args.seconds:.0f} s per run, "
        f"goal >= {GOAL_RATE:,.0f}/s and p99 < {GOAL_P99_MS:.0f} ms",
        rows,
        (
            "store, server",
            "cxlens POST /s/{token}",
            "p50 / p95 / p99 ms",
            "baseline INSERT+COMMIT",
            "baseline p50 / p95 / p99 ms",
            "baseline / cxlens",
            "server CPU per submission",
            "goal",
        ),
    )


if __name__ == "__main__":
    main()
