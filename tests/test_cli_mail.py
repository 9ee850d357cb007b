"""``flask mail test``: a real message through the configured SMTP server."""

import logging

from tests.mailbox import Mailbox, free_port


def test_mail_test_delivers_a_message_and_prints_the_servers_answer(app, runner, mailbox):
    result = runner.invoke(args=["mail", "test", "Ops@Example.org"])
    assert result.exit_code == 0, result.output
    port = app.config["MAIL_PORT"]
    assert result.output == (
        f"Sent to ops@example.org: accepted by 127.0.0.1:{port} "
        "(250 Message accepted for delivery)\n"
    )
    message = mailbox.last_to("ops@example.org")
    assert message["Subject"] == "FlowPulse test message"
    assert "flask mail test" in Mailbox.text(message)
    assert f"127.0.0.1:{port}, unencrypted" in Mailbox.text(message)
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "mail delivery works" in html


def test_mail_test_against_a_closed_port_fails_with_the_reason(app, runner, mailbox):
    port = free_port()
    app.config["MAIL_PORT"] = port
    result = runner.invoke(args=["mail", "test", "ops@example.org"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: could not send: [Errno 111] Connection refused (127.0.0.1:{port}, unencrypted)"
    ]
    assert mailbox.messages == []


def test_mail_test_without_a_server_says_the_message_went_to_the_log(app, runner, mailbox, caplog):
    app.config["MAIL_SERVER"] = None
    with caplog.at_level(logging.INFO, logger="flowpulse.core.mail"):
        result = runner.invoke(args=["mail", "test", "ops@example.org"])
    assert result.exit_code == 0
    assert result.output == (
        "No MAIL_SERVER configured: the message to ops@example.org was printed to the log.\n"
    )
    assert "To: ops@example.org" in caplog.text
    assert "FlowPulse test message" in caplog.text
    assert mailbox.messages == []


def test_mail_test_refuses_an_invalid_address(app, runner, mailbox):
    result = runner.invoke(args=["mail", "test", "ops.example.org"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: invalid email address 'ops.example.org': An email address must have an @-sign."
    ]
    assert mailbox.messages == []
