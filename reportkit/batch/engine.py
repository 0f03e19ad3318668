"""Run city builds on a pool of worker processes: the standard library's process pool,
or a Dask distributed cluster.

Both engines call `on_result` exactly once per city, in completion order, and never
raise for one city's failure:

- ProcessEngine: a ProcessPoolExecutor with the "spawn" start method (fresh workers,
  never forks of the driver).  At most `workers` cities are in flight, so when a worker
  dies (a crash, the OOM killer, kill -9) the pool is broken only for the cities being
  built at that moment; the pool is restarted for the others and each of those cities
  is tried once more on its own.  One that kills its worker again is reported.
- DaskEngine: `tcp://host:port` connects to a running scheduler; `local` starts an
  in-process LocalCluster with `workers` single-threaded worker processes.  A worker
  that dies has its city rescheduled on another worker by the scheduler; a city that
  keeps killing workers ends with KilledWorker and is reported.
"""
from __future__ import annotations

import os
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Callable

from .city import FAILED, CityResult, build_city, warm

Job = tuple[str, str]   # (city, project folder)


def _failed(city: str, message: str) -> CityResult:
    return CityResult(city, FAILED, errors=1, message=message)


class ProcessEngine:
    name = "process"

    def __init__(self, workers: int, task: Callable = build_city):
        self.workers = max(1, int(workers))
        self.task = task   # (city, project folder) -> CityResult, importable by a spawned worker

    def _pool(self, n: int) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(max_workers=n, mp_context=get_context("spawn"))
        for _ in range(n):   # start the workers now: they import while the first cities are queued
            pool.submit(warm)
        return pool

    def _drain(self, jobs: list[Job], width: int, on_result) -> list[tuple[Job, str]]:
        """Build `jobs` with at most `width` in flight; return the jobs whose worker died."""
        queue = deque(jobs)
        lost: list[tuple[Job, str]] = []
        pool = self._pool(min(width, len(queue)))
        inflight: dict = {}
        restarts = 0
        try:
            while queue or inflight:
                while queue and len(inflight) < width:
                    job = queue.popleft()
                    try:
                        inflight[pool.submit(self.task, *job)] = job
                    except BrokenProcessPool:
                        # a worker died between two submissions: the city it was building is
                        # among `inflight` and is reported below; this one waits for a new pool
                        queue.appendleft(job)
                        break
                if not inflight:
                    # the pool broke before it took any city (its start-up died): a new one,
                    # a few times at most, then the remaining cities are reported as lost
                    restarts += 1
                    pool.shutdown(wait=True, cancel_futures=True)
                    if restarts > 3:
                        lost += [(job, "") for job in queue]
                        queue.clear()
                        break
                    pool = self._pool(min(width, max(1, len(queue))))
                    continue
                done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                broken = None
                for fut in done:
                    job = inflight.pop(fut)
                    try:
                        result = fut.result()
                    except BrokenProcessPool as exc:
                        broken = exc
                        lost.append((job, str(exc)))
                        continue
                    except Exception as exc:   # e.g. a result that could not be sent back
                        from ..load.province import say

                        result = _failed(job[0], say("batch_internal", detail=f"{type(exc).__name__}: {exc}"))
                    on_result(result)
                if broken is not None:
                    # every city in flight lost its worker: note them, start a new pool for the rest
                    for fut, job in inflight.items():
                        lost.append((job, str(broken)))
                    inflight.clear()
                    pool.shutdown(wait=True, cancel_futures=True)
                    pool = self._pool(min(width, max(1, len(queue))))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return lost

    def run(self, jobs: list[Job], on_result: Callable[[CityResult], None]) -> None:
        lost = self._drain(jobs, self.workers, on_result)
        # each city that was being built when a worker died, once more, alone
        from ..load.province import say

        for job, detail in lost:
            again = self._drain([job], 1, on_result)
            for (city, _), why in again:
                on_result(_failed(city, say("batch_crashed", detail=why or detail)))


class DaskEngine:
    name = "dask"

    def __init__(self, address: str, workers: int, task: Callable = build_city):
        from ..errors import ReportkitError
        from ..load.province import say

        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ReportkitError(say("scheduler_missing")) from None
        self.address = address
        self.task = task
        self.workers = max(1, int(workers))
        if address != "local" and not (address.startswith(("tcp://", "tls://")) and ":" in address[6:]):
            raise ReportkitError(say("scheduler_bad"))

    def _client(self):
        import logging

        from distributed import Client, LocalCluster

        from ..errors import ReportkitError
        from ..load.province import say

        if self.address == "local":
            cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            return Client(cluster), cluster
        try:
            return Client(self.address, timeout="10s"), None
        except (OSError, TimeoutError) as exc:
            raise ReportkitError(say("scheduler_unreachable", address=self.address, detail=str(exc))) from None

    def run(self, jobs: list[Job], on_result: Callable[[CityResult], None]) -> None:
        import uuid

        from distributed import KilledWorker, as_completed

        from ..load.province import say

        client, cluster = self._client()
        try:
            token = uuid.uuid4().hex[:8]
            futures = {}
            for i, job in enumerate(jobs):
                fut = client.submit(self.task, *job, key=f"reportkit-city-{token}-{i}", pure=False,
                                    priority=len(jobs) - i)
                futures[fut] = job
            for fut in as_completed(futures):
                job = futures[fut]
                try:
                    result = fut.result()
                except KilledWorker as exc:
                    result = _failed(job[0], say("batch_killed", detail=str(exc)))
                except Exception as exc:
                    result = _failed(job[0], say("batch_internal", detail=f"{type(exc).__name__}: {exc}"))
                fut.release()
                on_result(result)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def make_engine(workers: int | None, scheduler: str | None, n_jobs: int):
    if workers is None:
        workers = os.cpu_count() or 1
    if scheduler:
        return DaskEngine(scheduler.strip(), workers)
    return ProcessEngine(max(1, min(workers, n_jobs)))
