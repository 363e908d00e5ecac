# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the BHMIS benchmarks: `make bench`, or `python -m benchmarks` from
the repository's root.

A full run prints the results and rewrites the results table of
benchmarks/README.md; a partial run (--only, --backend, --calls) prints
them only, unless --write is given. Exits non-zero if a step fails.
"""
import argparse
import datetime
import re
import sys
import time
import traceback
from pathlib import Path

from . import BACKENDS, StepError, Workspace, fmt, machine, versions
from . import attendance as attendance_bench
from . import face as face_bench
from . import hr as hr_bench
from . import hr_import as import_bench
from . import init as init_bench
from . import inventory as inventory_bench
from . import search as search_bench
from . import serve as serve_bench

BENCHMARKS = {'init': init_bench, 'search': search_bench,
    'hr': hr_bench, 'import': import_bench, 'face': face_bench,
    'attendance': attendance_bench, 'serve': serve_bench,
    'inventory': inventory_bench}
README = Path(__file__).resolve().parent / 'README.md'
START, END = '<!-- results:start -->', '<!-- results:end -->'
COLUMNS = ['benchmark', 'backend', 'measure', 'value', 'baseline',
    'baseline value', 'ratio']


def parse(argv):
    parser = argparse.ArgumentParser(prog='python -m benchmarks',
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--only', choices=list(BENCHMARKS), action='append',
        help="run this benchmark only (repeatable)")
    parser.add_argument('--backend', choices=list(BACKENDS), action='append',
        help="on this database backend only (repeatable)")
    parser.add_argument('--calls', type=int, default=200,
        help="timed RPC calls per way in the search benchmark (200)")
    parser.add_argument('--write', action='store_true',
        help="rewrite benchmarks/README.md even after a partial run")
    parser.add_argument('--no-write', action='store_true',
        help="never rewrite benchmarks/README.md")
    parser.add_argument('--keep', action='store_true',
        help="keep the temporary folder (logs) and print where it is")
    return parser.parse_args(argv)


def cells(row):
    return [row.benchmark, row.backend, row.measure,
        fmt(row.value, row.unit), row.baseline,
        fmt(row.baseline_value, row.unit), '%.2f×' % row.ratio]


def text_table(rows):
    lines = [COLUMNS] + [cells(r) for r in rows]
    widths = [max(len(line[i]) for line in lines)
        for i in range(len(COLUMNS))]
    out = []
    for n, line in enumerate(lines):
        out.append('  '.join(c.ljust(w) for c, w in zip(line, widths))
            .rstrip())
        if not n:
            out.append('  '.join('-' * w for w in widths))
    return '\n'.join(out)


def markdown(rows, header):
    lines = [header, '',
        '| ' + ' | '.join(COLUMNS) + ' |',
        '| --- | --- | --- | ---: | --- | ---: | ---: |']
    for row in rows:
        lines.append('| ' + ' | '.join(
                c.replace('|', '\\|') for c in cells(row)) + ' |')
    return '\n'.join(lines)


def write_readme(rows, header):
    text = README.read_text()
    pattern = re.compile(re.escape(START) + '.*?' + re.escape(END), re.S)
    if not pattern.search(text):
        raise StepError('%s has no %s ... %s section' % (README, START, END))
    block = START + '\n' + markdown(rows, header) + '\n' + END
    README.write_text(pattern.sub(lambda m: block, text))


def main(argv=None):
    options = parse(argv)
    selected = options.only or list(BENCHMARKS)
    backends = options.backend or list(BACKENDS)
    full = (set(selected) == set(BENCHMARKS)
        and set(backends) == set(BACKENDS) and options.calls == 200)
    started = datetime.datetime.now().astimezone()
    command = 'make bench' if full else 'python -m benchmarks ' + ' '.join(
        sys.argv[1:] if argv is None else argv)
    where = '%s; %s' % (machine(), versions())
    print('bench: %s on %s' % (command, where), flush=True)
    clock = time.monotonic()
    rows, failed = [], None
    workspace = Workspace(keep=options.keep)
    try:
        for backend in backends:
            for name in selected:
                def log(message, name=name, backend=backend):
                    print('bench: [%s %s %5.0f s] %s' % (name, backend,
                            time.monotonic() - clock, message), flush=True)
                kwargs = {'calls': options.calls} if name == 'search' else {}
                rows.extend(BENCHMARKS[name].run(
                        workspace, backend, log, **kwargs))
    except Exception as exception:
        failed = exception
        if not isinstance(exception, StepError):
            traceback.print_exc()
    finally:
        try:
            workspace.close()
        except StepError as exception:
            failed = failed or exception
    elapsed = time.monotonic() - clock
    header = 'Measured %s by `%s` in %.0f s, on: %s.' % (
        started.strftime('%Y-%m-%d %H:%M %Z'), command, elapsed, where)
    order = {name: n for n, name in enumerate(BENCHMARKS)}
    rows.sort(key=lambda r: order[r.benchmark])
    if rows:
        print()
        print(text_table(rows))
        print()
    if failed:
        print('bench: FAILED after %.0f s: %s' % (elapsed, failed),
            file=sys.stderr)
        return 1
    if (full or options.write) and not options.no_write:
        write_readme(rows, header)
        print('bench: results written to %s' % README)
    else:
        print('bench: partial run, %s left as it is (--write to rewrite it)'
            % README.name)
    print('bench: done in %.0f s' % elapsed)
    return 0


if __name__ == '__main__':
    sys.exit(main())
