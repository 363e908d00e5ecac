# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the web server (gunicorn, see bhmis.wsgi_server), trytond-cron and
trytond-worker as one process tree.

Ctrl-C or SIGTERM stops all of them; if one dies, the others are stopped.
"""
import os
import signal
import subprocess
import sys
import time

from . import settings as settings_


def _commands(settings, host, port, workers, threads, timeout):
    bindir = os.path.dirname(sys.executable)
    conf = str(settings.trytond_conf)
    commands = {
        'web': [sys.executable, '-m', 'bhmis.wsgi_server',
            '--host', host, '--port', str(port), '--workers', str(workers),
            '--threads', str(threads), '--timeout', str(timeout)],
        'cron': [os.path.join(bindir, 'trytond-cron'),
            '-c', conf, '-d', settings.db],
        }
    if settings.queue_worker:
        commands['worker'] = [os.path.join(bindir, 'trytond-worker'),
            '-c', conf, '-d', settings.db]
    return commands


def _signal_group(process, signum):
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def web_workers(settings, requested=None):
    "The number of web workers to run, said in a log line"
    requested = requested or settings.workers
    workers = settings.effective_workers(requested)
    if settings.backend != 'postgresql' and requested > 1:
        print("bhmis: one web worker on %s, not %s: Tryton's caches meet "
            "across processes only through PostgreSQL's notifications"
            % (settings.backend, requested), file=sys.stderr, flush=True)
    return workers


def serve(settings, host, port, workers=None, threads=None, timeout=None):
    workers = web_workers(settings, workers)
    env = settings_.tryton_environ(settings)
    env['TRYTOND_DATABASE_NAMES'] = settings.db
    processes = {}
    stopping = False
    crashed = None

    def stop(signum=None, frame=None):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        commands = _commands(settings, host, port, workers,
            threads or settings.threads, timeout or settings.timeout)
        for name, command in commands.items():
            processes[name] = subprocess.Popen(
                command, env=env, start_new_session=True)
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    print("bhmis: %s stopped (exit %s); stopping the rest"
                        % (name, process.returncode), file=sys.stderr)
                    stopping, crashed = True, name
                    break
            time.sleep(0.2)
    finally:
        # Each child leads its own process group: cron forks workers
        for process in processes.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
            _signal_group(process, signal.SIGKILL)
    return 1 if crashed else 0
