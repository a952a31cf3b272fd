"""Job progress that the page can see while an import's transaction is still open.

`cases.jobs.ProgressReporter` updates the Job row through the task's own
database connection, so inside an import's single transaction its updates
stay invisible until the commit and the progress bar would jump from 0 to
100 %. On PostgreSQL this reporter writes through a second connection in
autocommit mode instead (and reads the cancel flag there). SQLite allows one
writer at a time, so there it falls back to the shared reporter.
"""
import time

from django.db import connection, connections
from django.utils import timezone

from cases.jobs import JobCancelled, ProgressReporter
from cases.models import Job


class ImportProgress:
    def __init__(self, job_id, min_interval=0.5):
        self.job_id = job_id
        self.min_interval = min_interval
        self.fallback = ProgressReporter(job_id, min_interval)
        self._side = None
        self._last = 0.0

    def __call__(self, current, total=None, message=""):
        if connection.vendor != "postgresql" or not connection.in_atomic_block:
            return self.fallback(current, total, message)
        now = time.monotonic()
        if not (total is not None and current >= total) and now - self._last < self.min_interval:
            return None
        self._last = now
        table = connection.ops.quote_name(Job._meta.db_table)
        sets = ["progress_current = %s", "heartbeat_at = %s"]
        params = [current, timezone.now()]
        if total is not None:
            sets.append("progress_total = %s")
            params.append(total)
        if message:
            sets.append("progress_message = %s")
            params.append(message[:300])
        side = self._connection()
        with side.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {', '.join(sets)} WHERE id = %s RETURNING cancel_requested",
                           [*params, self.job_id])
            row = cursor.fetchone()
        if row is None:  # the job row is not visible outside this transaction (tests): use the shared path
            return self.fallback(current, total, message)
        if row[0]:
            raise JobCancelled()
        return None

    def _connection(self):
        if self._side is None:
            self._side = connections.create_connection("default")
            self._side.set_autocommit(True)
        return self._side

    def close(self):
        if self._side is not None:
            self._side.close()
            self._side = None
