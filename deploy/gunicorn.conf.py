"""gunicorn settings for Linli: `gunicorn -c deploy/gunicorn.conf.py 'app:create_app()'`.

The command line wins over this file (the topology check passes --bind and --workers). The app
configures logging itself (app/logs.py, LINLI_LOG_FORMAT); gunicorn's access lines go through
the same handler and carry the request id the app sends back in X-Request-ID.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# WEB_CONCURRENCY is gunicorn's own variable for the worker count.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "gthread"
# Threads per worker. Most of a request's time is spent waiting for the database (a sign-up
# waits some 4 ms for its commit to reach the disk, without holding anything), and a waiting
# thread holds no GIL: 8 threads took sign-ups from about 320 to 360 a second against 4, with
# the baseline unchanged (benchmarks/signup.py, 2 workers, loaded machine).
threads = int(os.environ.get("GUNICORN_THREADS", 8))
# A scheduler run is queued, never solved in a request: 30 s is plenty for any page.
timeout = 30
graceful_timeout = 20
keepalive = 5
# Only from the local reverse proxy (nginx on the same host); the app's ProxyFix settings
# (LINLI_PROXY_FIX_X_FOR …) decide how many X-Forwarded-* hops it trusts.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(b)s %(M)sms pid=%(p)s req=%({x-request-id}o)s "%(a)s"'
)
# Workers are forked before the app is loaded: each opens its own database connections.
preload_app = False
