import json
import os
import time

from seatwise.notifications.services import mailbox_prune
from seatwise.notifications.sms import MemorySmsBackend, sms_send


def test_sms_is_written_to_the_local_mailbox(settings):
    sms_send(to="+380672498010", body="Your code is 123456")
    (path,) = (settings.MAILBOX_DIR / "sms").iterdir()
    record = json.loads(path.read_text())
    assert record["to"] == "+380672498010"
    assert record["body"] == "Your code is 123456"


def test_sms_backend_is_chosen_by_setting(settings):
    settings.SMS_BACKEND = "seatwise.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    sms_send(to="+15555550100", body="hi")
    assert [(m.to, m.body) for m in MemorySmsBackend.outbox] == [("+15555550100", "hi")]
    assert not (settings.MAILBOX_DIR / "sms").exists()


def test_mailbox_prune_removes_only_old_files(settings):
    folder = settings.MAILBOX_DIR / "email"
    folder.mkdir(parents=True)
    old, new = folder / "old.log", folder / "new.log"
    old.write_text("old")
    new.write_text("new")
    month_ago = time.time() - 30 * 86400
    os.utime(old, (month_ago, month_ago))
    assert mailbox_prune() == 1
    assert sorted(p.name for p in folder.iterdir()) == ["new.log"]
    assert mailbox_prune() == 0
