"""Reply by email: a member's reply to a notification email becomes a post.

- `parsing`: read an RFC 5322 message (the text, without quoted text and signatures;
  its attachments; whether it is an auto-reply).
- `services`: `deliver` checks the signed recipient address (forum/reply_tokens.py),
  the sender, the member, the thread and the content, then posts through the same use
  cases as the web forms (a reply, or an answer to a question), or refuses with a bounce.
- `server` and `cli`: `forum mail-in serve` (an SMTP or LMTP listener on 127.0.0.1) and
  `forum mail-in pipe` (one message on standard input), for a mail server to hand mail to.
"""
