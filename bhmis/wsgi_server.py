# SPDX-License-Identifier: GPL-3.0-or-later
"""Serve bhmis.web's application under gunicorn (run by bhmis.server).

Pre-fork with threaded (gthread) workers; a worker that crashes, or stays
silent past --timeout, is replaced; each is recycled after about
max_requests requests; SIGHUP restarts the workers gracefully.  Tryton is
imported in each worker after the fork: the master opens no database
connection."""
import argparse
import faulthandler
import os
import shutil
import sys

from gunicorn.app.base import BaseApplication

from . import settings as settings_


class Server(BaseApplication):
    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            # Settings of newer gunicorns only
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self):
        # In the worker, after the fork: Tryton loads the databases named
        # in TRYTOND_DATABASE_NAMES here
        from trytond.application import app as tryton_app

        from .web import make_app
        return make_app(tryton_app, settings_.load())


def on_starting(server):
    server.log.info("bhmis: gunicorn with %s worker(s) of %s thread(s)",
        server.cfg.workers, server.cfg.threads)


def child_exit(server, worker):
    "A dead worker's live gauges leave the shared metrics"
    if os.environ.get('PROMETHEUS_MULTIPROC_DIR'):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    # A worker killed by a fault in C code (SIGSEGV, SIGABRT) leaves the
    # Python traceback of each of its threads in the error log
    faulthandler.enable()
    print("bhmis: web worker %s ready" % os.getpid(), flush=True)


def options(settings, host, port, workers, threads, timeout):
    "gunicorn's settings for `bhmis serve`"
    access_log = settings.access_log_path
    if access_log != '-':
        os.makedirs(os.path.dirname(access_log), exist_ok=True)
    jitter = settings.max_requests // 10
    return {
        'bind': ['[%s]:%s' % (host, port) if ':' in host
            else '%s:%s' % (host, port)],
        'worker_class': 'gthread',
        'workers': workers,
        'threads': threads,
        'timeout': timeout,
        'graceful_timeout': 30,
        'max_requests': settings.max_requests,
        'max_requests_jitter': jitter,
        'preload_app': False,
        'accesslog': access_log,
        'errorlog': '-',
        'proc_name': 'bhmis-web',
        # Large JSON-RPC answers and uploads: Tryton sets its own limits
        'limit_request_line': 8190,
        'control_socket_disable': True,
        'on_starting': on_starting,
        'child_exit': child_exit,
        'post_worker_init': post_worker_init,
        }


def prepare_metrics(settings):
    "An empty folder for the workers' shared metrics, named in the environ"
    folder = settings.prometheus_dir
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ['PROMETHEUS_MULTIPROC_DIR'] = str(folder)


def main(argv=None):
    settings = settings_.load()
    parser = argparse.ArgumentParser(description="Serve BHMIS over HTTP")
    parser.add_argument('--host', default=settings.host)
    parser.add_argument('--port', type=int, default=settings.port)
    parser.add_argument('--workers', type=int, default=settings.web_workers)
    parser.add_argument('--threads', type=int, default=settings.threads)
    parser.add_argument('--timeout', type=int, default=settings.timeout)
    args = parser.parse_args(argv)
    prepare_metrics(settings)
    # Per-process limits (the check-in API's rate) take their share
    os.environ['BHMIS_WEB_WORKERS'] = str(args.workers)
    Server(options(settings, args.host, args.port, args.workers,
            args.threads, args.timeout)).run()


if __name__ == '__main__':
    sys.exit(main())
