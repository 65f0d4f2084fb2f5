"""Fault drills, on loopback, each bounded in time; prints a table and exits non-zero on failure.

    make drills                                  # every drill, 20 iterations of each kill
    .venv/bin/python bench/drills [--iterations 20] [--drills scoring,checks,redis,postgres,beat]
                                     [--quick] [--json PATH]

Everything runs on private services, never on the shared ones: a Redis started here (`--redis-port`,
no persistence), Celery workers and beat started here, a database of its own (`<DATABASE_URL name>_drills`,
created, migrated and loaded with the real layers on first use) and, for the PostgreSQL drill, a
PostgreSQL cluster initialised and started here (`--pg-port`). Only processes this script started are
ever killed, by their PID. Logs go to .run/drills/.

Drills:
- scoring-main / scoring-child: a scoring run of `--sites` sites in chunks of `--chunk`; in the middle
  of it SIGKILL one of the two workers' main process (with its pool child: the whole worker dies, its
  message stays unacked until the visibility timeout; then start it again) or only its pool child
  (Celery re-queues the task: reject_on_worker_lost). The run must succeed with one result per site and
  capacity: lost = expected - distinct, duplicated = rows - distinct.
- checks-main / checks-child: the same kills in the middle of a supplier check against a slow feed on
  loopback (`--feed-rows` shipments, `--feed-delay` s before the answer). The check must succeed, every
  shipment must exist once, with one `created` event.
- redis: kill -9 the private Redis in the middle of a scoring run and three queued checks, start it
  again: everything reaches a terminal state (the sweeper re-enqueues what the restart lost) and a task
  sent once Redis is back is consumed within 30 s.
- postgres: kill -9 the private cluster's postmaster and backends in the middle of a stream of
  POST /api/v1/deliveries/ to gunicorn, restart it: every 201 is in the database with its payload,
  every delivery has exactly one `created` event, and the API answers 201 again.
- beat: two `celery beat` processes on one DatabaseScheduler fire a supplier check every `--beat-period`
  s for `--beat-seconds`: one check run per period.

Recovery is measured from the kill (or from Redis coming back) to the run's finish, with the lease
(WORK_LEASE_SECONDS) and sweeper interval given here; the machine is shared, so times are noisy.
"""
