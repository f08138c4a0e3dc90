"""The platform's processes: ``lms worker`` (the task queue's consumer and scheduler) and
``lms serve`` (gunicorn and a worker, started and stopped together: production in miniature)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.core.tasks import queue_of

STOP_TIMEOUT = 20  # seconds a process gets to finish its work before it is killed
# The signal each process takes as "finish what you are doing, then stop".
GRACEFUL = {"web": signal.SIGTERM, "worker": signal.SIGINT}


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="Tasks run at the same time.")
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Also start periodic tasks (safe on every worker: each records what it has done).")
@with_appcontext
def worker_command(threads: int, periodic: bool):
    """Run queued tasks (e-mail, PDFs, reminders) and the periodic ones, until stopped."""
    queue = queue_of(current_app)
    if queue.huey.immediate:
        raise click.ClickException("LMS_TASK_QUEUE=immediate runs tasks in the web process: no worker needed")
    click.echo(f"Worker: {len(queue.tasks)} task(s) on the {current_app.config['LMS_TASK_QUEUE']} queue, "
               f"{threads} thread(s){', with the scheduler' if periodic else ''}.")
    consumer = queue.huey.create_consumer(workers=threads, worker_type="thread", periodic=periodic,
                                          max_delay=1.0, check_worker_health=True)
    consumer.run()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--web-workers", default=2, show_default=True, type=int, help="gunicorn worker processes.")
@click.option("--threads", default=2, show_default=True, type=int, help="Task worker threads.")
def serve_command(host: str, port: int, web_workers: int, threads: int):
    """Serve through gunicorn with a task worker beside it; Ctrl-C stops both."""
    python = sys.executable
    commands = {
        "web": [python, "-m", "gunicorn", "--workers", str(web_workers), "--bind", f"{host}:{port}",
                "--access-logfile", "-", "--graceful-timeout", str(STOP_TIMEOUT - 5), "lms:create_app()"],
        "worker": [python, "-m", "lms", "worker", "--threads", str(threads)],
    }
    processes: dict[str, subprocess.Popen] = {}
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # Each child in a session of its own: a terminal's Ctrl-C reaches this process only, which
    # then stops the children in order instead of all of them dying at once.
    for name, command in commands.items():
        processes[name] = subprocess.Popen(command, start_new_session=True, env=os.environ.copy())
    click.echo(f"Serving on http://{host}:{port} (gunicorn pid {processes['web'].pid}, "
               f"worker pid {processes['worker'].pid}). Press Ctrl-C to stop.")
    exit_code = 0
    try:
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    click.echo(f"The {name} process ended (exit code {process.returncode}); stopping.", err=True)
                    exit_code = process.returncode or 1
                    stopping = True
            time.sleep(0.2)
    finally:
        _stop_all(processes)
    click.echo("Stopped.")
    sys.exit(exit_code)


def _stop_all(processes: dict[str, subprocess.Popen]) -> None:
    for name, process in processes.items():
        if process.poll() is None:
            process.send_signal(GRACEFUL[name])
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
