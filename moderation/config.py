"""Service settings, read once from ``MODERATION_*`` environment variables.

Every knob of the webhook -> queue -> engine -> store -> callback flow lives here so that the API,
the workers, the sweeper and the CLI agree on it. Defaults give the embedded mode: SQLite under
``./data/`` and no Redis (jobs run inline in the API process).

=================================  ========================  =====================================
Variable                           Default                   Meaning
=================================  ========================  =====================================
MODERATION_DATABASE_URL            sqlite:///./data/         SQLAlchemy URL; PostgreSQL:
                                   moderation.db             postgresql+psycopg://user@host/db
MODERATION_REDIS_URL               unset = inline mode       Redis for RQ jobs and ?wait wake-ups
MODERATION_QUEUE                   moderation                RQ queue name, Redis key prefix
MODERATION_POLICY_DIR              unset = shipped policies  Directory of <policy_id>.yaml
MODERATION_SCORER                  sklearn                   Scorer name for load_scorer()
MODERATION_WAIT_MAX_MS             5000                      Cap on POST /v1/comments?wait=MS
MODERATION_SIGNATURE_TOLERANCE_S   300                       Max age of a signature (replay)
MODERATION_MAX_BODY_BYTES          1048576                   Larger webhook bodies get 413
MODERATION_JOB_TIMEOUT_S           30                        RQ job timeout = processing lease
MODERATION_JOB_RETRIES             3                         Retries of a failing job (1, 4, 16 s)
MODERATION_SWEEP_INTERVAL_S        5                         Sweeper period
MODERATION_SWEEP_STALE_S           30                        Queued this long, no live job:
                                                             re-enqueued by the sweeper
MODERATION_WORKER_BATCH            64                        Submissions a worker claims and
                                                             decides at once (one transaction)
MODERATION_CALLBACK_TIMEOUT_S      5                         HTTP timeout of a callback attempt
MODERATION_CALLBACK_CONCURRENCY    8                         Callbacks a worker sends at once
MODERATION_CALLBACK_MAX_ATTEMPTS   10                        Attempts before "failed"
MODERATION_CALLBACK_BACKOFF_S      1                         First retry delay, doubled each try
MODERATION_CALLBACK_BACKOFF_MAX_S  600                       Cap of the retry delay
MODERATION_DB_POOL_SIZE            10                        Connection pool size (PostgreSQL)
MODERATION_DB_TIMEOUT_S            5                         Lock wait (SQLite) / connect and pool
                                                             wait (PostgreSQL) before a 503
MODERATION_OTEL                    0                         FastAPI's native OpenTelemetry
                                                             (its per-request check costs CPU)
=================================  ========================  =====================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///./data/moderation.db"

#: Settings field -> environment variable.
ENV_NAMES: dict[str, str] = {
    "database_url": "MODERATION_DATABASE_URL",
    "redis_url": "MODERATION_REDIS_URL",
    "queue_name": "MODERATION_QUEUE",
    "policy_dir": "MODERATION_POLICY_DIR",
    "scorer": "MODERATION_SCORER",
    "wait_max_ms": "MODERATION_WAIT_MAX_MS",
    "signature_tolerance_s": "MODERATION_SIGNATURE_TOLERANCE_S",
    "max_body_bytes": "MODERATION_MAX_BODY_BYTES",
    "job_timeout_s": "MODERATION_JOB_TIMEOUT_S",
    "job_retries": "MODERATION_JOB_RETRIES",
    "sweep_interval_s": "MODERATION_SWEEP_INTERVAL_S",
    "sweep_stale_s": "MODERATION_SWEEP_STALE_S",
    "worker_batch": "MODERATION_WORKER_BATCH",
    "callback_timeout_s": "MODERATION_CALLBACK_TIMEOUT_S",
    "callback_concurrency": "MODERATION_CALLBACK_CONCURRENCY",
    "callback_max_attempts": "MODERATION_CALLBACK_MAX_ATTEMPTS",
    "callback_backoff_s": "MODERATION_CALLBACK_BACKOFF_S",
    "callback_backoff_max_s": "MODERATION_CALLBACK_BACKOFF_MAX_S",
    "db_pool_size": "MODERATION_DB_POOL_SIZE",
    "db_timeout_s": "MODERATION_DB_TIMEOUT_S",
    "otel": "MODERATION_OTEL",
}


@dataclass(frozen=True)
class Settings:
    """Immutable settings; build with :meth:`from_env`, tweak in tests with :meth:`with_`."""

    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    queue_name: str = "moderation"
    policy_dir: Path | None = None
    scorer: str = "sklearn"
    wait_max_ms: int = 5000
    signature_tolerance_s: int = 300
    max_body_bytes: int = 1_048_576
    job_timeout_s: int = 30
    job_retries: int = 3
    sweep_interval_s: float = 5.0
    sweep_stale_s: float = 30.0
    worker_batch: int = 64
    callback_timeout_s: float = 5.0
    callback_concurrency: int = 8
    callback_max_attempts: int = 10
    callback_backoff_s: float = 1.0
    callback_backoff_max_s: float = 600.0
    db_pool_size: int = 10
    db_timeout_s: float = 5.0
    otel: bool = False

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(ENV_NAMES[f.name])
            if raw is None or raw == "":
                continue
            if f.name == "policy_dir":
                values[f.name] = Path(raw)
            elif isinstance(f.default, bool):
                values[f.name] = raw.lower() in {"1", "true", "yes", "on"}
            elif isinstance(f.default, int):
                values[f.name] = int(raw)
            elif isinstance(f.default, float):
                values[f.name] = float(raw)
            else:
                values[f.name] = raw
        return cls(**values)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        """The environment that reproduces these settings in a child process (workers, tests)."""
        return {ENV_NAMES[f.name]: str(getattr(self, f.name)) for f in fields(self)
                if getattr(self, f.name) is not None}
