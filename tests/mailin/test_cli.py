"""`forum mail-in pipe` and `forum mail-in serve`, run as a mail server runs them."""
import subprocess
import sys
import time
from pathlib import Path

from forum.reply_tokens import reply_address

from ..factories import make_thread
from .conftest import bounces, cli_environment, free_port, posts_in
from .messages import GMAIL_QUOTE, OUTLOOK_QUOTE, message, send_lmtp, send_smtp

FORUM = str(Path(sys.executable).parent / "forum")


def pipe(app, raw: bytes, *args, **env) -> subprocess.CompletedProcess:
    """Run `forum mail-in pipe` with `raw` on standard input."""
    environment = cli_environment(app)
    environment.update(env)
    return subprocess.run([FORUM, "mail-in", "pipe", *args], input=raw, capture_output=True,
                          env=environment, timeout=120)


def test_pipe_posts_a_reply_and_exits_0(app, member, thread, address):
    raw = message(member.email, address, "Piped in.\n\n" + GMAIL_QUOTE).as_bytes()
    result = pipe(app, raw, "--recipient", address, "--sender", member.email)
    assert result.returncode == 0, result.stderr.decode()
    post = posts_in(thread)[-1]
    assert (post.number, post.author_id, post.body_source) == (2, member.id, "Piped in.")


def test_pipe_finds_the_address_in_the_environment_or_headers(app, member, thread, address):
    raw = message(member.email, address, "From the environment.").as_bytes()
    assert pipe(app, raw, ORIGINAL_RECIPIENT=address).returncode == 0
    headers_only = message(member.email, f"Forum <{address}>", "From the To header.")
    assert pipe(app, headers_only.as_bytes()).returncode == 0
    assert [p.body_source for p in posts_in(thread)[1:]] == [
        "From the environment.", "From the To header."]


def test_pipe_refusals_exit_67_or_65_with_a_message(app, member, thread, address, mailbox):
    forged = address[:10] + ("b" if address[10] != "b" else "c") + address[11:]
    result = pipe(app, message(member.email, forged).as_bytes(), "-r", forged)
    assert result.returncode == 67
    assert "not valid or has expired" in result.stderr.decode()
    result = pipe(app, message("someone@example.com", address).as_bytes(), "-r", address)
    assert result.returncode == 67
    empty = message(member.email, address, OUTLOOK_QUOTE)
    result = pipe(app, empty.as_bytes(), "-r", address)
    assert result.returncode == 65 and "empty" in result.stderr.decode()
    auto = message(member.email, address, "Away.", Auto_Submitted="auto-replied")
    assert pipe(app, auto.as_bytes(), "-r", address).returncode == 65
    assert len(posts_in(thread)) == 1
    # the forged address and the empty reply are bounced; the automatic reply is not
    assert len(bounces(mailbox, member.email)) == 2
    assert len(bounces(mailbox, "someone@example.com")) == 1


def test_pipe_without_any_reply_address_exits_67(app, member):
    result = pipe(app, message(member.email, "someone@localhost").as_bytes())
    assert result.returncode == 67 and "no reply address" in result.stderr.decode()


def _wait_for_port(port: int, process) -> None:
    import socket
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("forum mail-in serve did not start")


def test_serve_command_speaks_smtp_and_lmtp(app, member, thread, address):
    other = make_thread(title="Second thread")
    other_address = reply_address(member.id, other.id)
    for lmtp in (False, True):
        port = free_port()
        args = [FORUM, "mail-in", "serve", "--port", str(port)] + (["--lmtp"] if lmtp else [])
        process = subprocess.Popen(args, env=cli_environment(app), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        try:
            _wait_for_port(port, process)
            if lmtp:
                raw = message(member.email, other_address, "Over LMTP.").as_bytes()
                assert [c for c, _ in send_lmtp(port, raw, [other_address])] == [250]
            else:
                msg = message(member.email, address, "Over SMTP.")
                assert send_smtp(port, msg)[0] == 250
                assert send_smtp(port, message("x@example.com", address))[0] == 550
        finally:
            process.terminate()
            process.wait(timeout=30)
            process.stdout.close()
            process.stderr.close()
        assert process.returncode == 0
    assert [p.body_source for p in posts_in(thread)[1:]] == ["Over SMTP."]
    assert [p.body_source for p in posts_in(other)[1:]] == ["Over LMTP."]
