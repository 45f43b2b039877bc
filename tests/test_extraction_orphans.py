"""An extraction child must not outlive a worker killed with `kill -9` (issue 18, item 13)."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="parent-death signal is Linux-only")

# A "worker" that starts an extraction whose child hangs (a sleeping stand-in for a parser
# stuck on a hostile file), prints the child's pid, and waits on it.
PARENT = textwrap.dedent("""
    import subprocess, sys, threading, time
    import forum.files.extraction as extraction
    real_run = subprocess.run
    def run(command, **kwargs):
        command = [sys.executable, "-c", "import time; time.sleep(60)"]
        kwargs.pop("capture_output", None)
        kwargs["stdout"] = subprocess.DEVNULL
        kwargs["stderr"] = subprocess.DEVNULL
        return real_run(command, **kwargs)
    extraction.subprocess.run = run
    real_popen_init = subprocess.Popen.__init__
    def popen_init(self, *args, **kwargs):
        real_popen_init(self, *args, **kwargs)
        print(self.pid, flush=True)
    subprocess.Popen.__init__ = popen_init
    extraction.extract("pdf", "/nonexistent.pdf", timeout=60)
""")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_extraction_child_dies_with_its_killed_parent():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE,
                              text=True, cwd=os.path.dirname(os.path.dirname(__file__)))
    child_pid = None
    try:
        child_pid = int(parent.stdout.readline())
        time.sleep(0.3)
        assert _alive(child_pid)
        parent.send_signal(signal.SIGKILL)
        parent.wait(5)
        deadline = time.monotonic() + 5
        while _alive(child_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child_pid), "the extraction child outlived its killed worker"
    finally:
        if parent.poll() is None:
            parent.kill()
        if child_pid and _alive(child_pid):
            os.kill(child_pid, signal.SIGKILL)
