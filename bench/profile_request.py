"""Where does a request spend its time? In-process, against the benchmark database.

    .venv/bin/python bench/catalog_api.py --duration 1 --rounds 1 --keep-db
    .venv/bin/python bench/profile_request.py /bench/bare/offers "/api/v1/catalog/offers"
    .venv/bin/python bench/profile_request.py --profile "/api/v1/catalog/offers?page_size=20"

Prints, per URL, the CPU time of this process per request (immune to other processes on the
machine, unlike wall time) and the number of SQL queries; with ``--profile``, a pyinstrument
tree if pyinstrument is installed, else the top of a cProfile. Same settings as the benchmark
server (``bench.settings``: DEBUG off), except that static files need no collectstatic.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("-n", type=int, default=200, help="requests per measurement")
    parser.add_argument("--db", default="seatwise_bench")
    parser.add_argument("--settings", default="bench.settings")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": args.settings,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.db}",
            "DATABASE_CONN_MAX_AGE": "600",
            "DJANGO_SECRET_KEY": "profile-" + "x" * 60,
            "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    import warnings

    from django.conf import settings

    warnings.filterwarnings("ignore", message="No directory at")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client

    client = Client()
    for url in args.urls:
        response = client.get(url)
        if response.status_code != 200:
            print(f"{url}: HTTP {response.status_code}")
            continue
        for _ in range(20):
            client.get(url)
        best = []
        for _ in range(5):
            started = time.process_time()
            for _ in range(args.n):
                client.get(url)
            best.append((time.process_time() - started) / args.n * 1000)
        connection.force_debug_cursor = True
        reset_queries()
        client.get(url)
        queries = len(connection.queries)
        connection.force_debug_cursor = False
        print(f"{url}: {min(best):.2f} ms CPU per request (best of 5 x {args.n}), {queries} SQL")
        if args.profile:
            _profile(client, url, args.n)
    return 0


def _profile(client, url: str, n: int) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import pstats

        profiler = cProfile.Profile(timer=time.process_time)
        profiler.enable()
        for _ in range(n):
            client.get(url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(n):
        client.get(url)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    sys.exit(main())
