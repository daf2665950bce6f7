"""The load: enterprise clients declaring and resubmitting, staff clients publishing and returning
(picking at random from the head of the queue, so that they collide), and the probe that times
outages during the faults."""

from __future__ import annotations

import json
import random
import re
import threading
import time

from benchmarks.load_faults import PRODUCT_PREFIX
from benchmarks.load_faults.browser import (
    SUCCESS,
    Browser,
    FormFields,
    Response,
    Run,
    csrf_of,
    declaration_id,
    form_fields,
    has_message,
)
from benchmarks.load_faults.seed import Setup


class Client(threading.Thread):
    """A logged-in user repeating ``step`` until the run stops, recording each write it sent as
    acknowledged, sent but not answered, or refused."""

    def __init__(self, run: Run, port: int, username: str, seed: int):
        super().__init__(name=username, daemon=True)
        self.shared, self.username = run, username
        self.browser = Browser(run, port, username)
        self.random = random.Random(seed)
        self.seq = 0

    def run(self) -> None:
        try:
            if not self.browser.log_in(self.username):
                self.shared.note("login failed")
                return
            while not self.shared.stop.is_set():
                self.step()
        except Exception as error:
            self.shared.note(f"client crashed: {type(error).__name__}: {error}")

    def step(self) -> None:
        raise NotImplementedError

    def ack(self, move: str, pk: int, **extra) -> None:
        self.seq += 1
        self.shared.add(self.shared.acks, client=self.username, seq=self.seq, move=move, id=pk, **extra)

    def unacked(self, move: str, response: Response, **extra) -> None:
        self.shared.add(
            self.shared.unacked,
            client=self.username,
            move=move,
            status=response.status,
            error=response.error,
            **extra,
        )

    def refused(self, move: str, response: Response, **extra) -> None:
        self.shared.add(self.shared.refused, client=self.username, move=move, status=response.status, **extra)

    def pause(self, low=0.3, high=1.5) -> None:
        self.shared.stop.wait(self.random.uniform(low, high))


class EnterpriseClient(Client):
    """Declares against random published schemes, submits, fixes and resubmits returned ones."""

    def __init__(self, run: Run, port: int, username: str, setup: Setup, seed: int):
        super().__init__(run, port, username, seed)
        self.setup = setup
        self.made = 0

    def step(self) -> None:
        if self.random.random() < 0.35:
            self.resubmit_returned()
        else:
            self.declare()
        self.pause()

    def declare(self) -> None:
        scheme = self.random.choice(self.setup.schemes)
        form = self.browser.get(f"/portal/new/{scheme}/", "new_form")
        token = csrf_of(form)
        if not token:
            self.pause(1, 2)
            return
        fields = form_fields(form.body)
        self.made += 1
        model = f"{PRODUCT_PREFIX}{self.username}-{self.made:04d}"
        data = {
            "product_name": "负载测试产品",
            "product_model": model,
            "standard_number": self.random.choice(self.setup.standards),
            "standard_title": "",
            "national_platform_url": "",
            "intent": "submit",
        }
        data.update(self.values(fields))
        answer = self.browser.post(f"/portal/new/{scheme}/", "create", data, token)
        pk = declaration_id(answer.path(), r"/portal/declarations/(\d+)/submit/")
        if answer.status == 302 and pk:
            self.ack("created", pk, product_model=model)
            self.submit(pk, "submitted")
        elif not answer.ok:
            self.unacked("created", answer, product_model=model)
        else:
            self.refused("created", answer, product_model=model)

    def values(self, fields: FormFields) -> dict:
        data = {}
        for name in list(fields.values) + list(fields.radios):
            if not name.startswith("value_"):
                continue
            if name in fields.radios:
                data[name] = self.random.choice(["1", "1", "0"])
            else:
                data[name] = f"{self.random.uniform(0.001, 120):.3f}"
        return data

    def submit(self, pk: int, move: str) -> None:
        page = self.browser.get(f"/portal/declarations/{pk}/submit/", "submit_page")
        token = csrf_of(page)
        if not token:
            return  # not submitted; it stays a draft (or the page is down)
        answer = self.browser.post(f"/portal/declarations/{pk}/submit/", "submit", {}, token)
        self.browser.follow(answer)
        if answer.status == 302 and has_message(answer, SUCCESS, "已提交审核"):
            self.ack(move, pk)
        elif not answer.ok:
            self.unacked(move, answer, id=pk)
        else:
            self.refused(move, answer, id=pk, messages=answer.messages)

    def resubmit_returned(self) -> None:
        home = self.browser.get("/portal/", "portal_home")
        if home.status != 200:
            return
        returned = sorted(set(map(int, re.findall(r'href="/portal/declarations/(\d+)/edit/"', home.body))))
        if not returned:
            return
        pk = self.random.choice(returned)
        form = self.browser.get(f"/portal/declarations/{pk}/edit/", "edit_form")
        token = csrf_of(form)
        if not token:
            return
        fields = form_fields(form.body)
        data = {
            name: fields.values.get(name, "")
            for name in (
                "product_name",
                "product_model",
                "standard_number",
                "standard_title",
                "national_platform_url",
            )
        }
        data["seen_version"] = fields.values.get("seen_version", "")
        data["intent"] = "submit"
        data.update(self.values(fields))  # new values, as the return asked
        answer = self.browser.post(f"/portal/declarations/{pk}/edit/", "edit", data, token)
        if answer.status == 302 and answer.path() == f"/portal/declarations/{pk}/submit/":
            self.submit(pk, "resubmitted")
        elif not answer.ok:
            self.unacked("edited", answer, id=pk)
        else:
            self.refused("edited", answer, id=pk)


class StaffClient(Client):
    """Opens the review queue, picks a declaration at random and publishes or returns it."""

    def step(self) -> None:
        self.review_one()
        self.pause(0.2, 1.0)

    def review_one(self) -> None:
        queue = self.browser.get("/review/", "review_queue")
        if queue.status != 200:
            self.shared.stop.wait(1)
            return
        pending = list(dict.fromkeys(map(int, re.findall(r'href="/review/(\d+)/"', queue.body))))
        if not pending:
            self.shared.stop.wait(1)
            return
        # The first few in the queue, oldest first, as people work: staff often pick the same one.
        pk = self.random.choice(pending[:8])
        token = csrf_of(queue)
        if self.random.random() < 0.7:  # else: decide from a stale page, as a second tab would
            detail = self.browser.get(f"/review/{pk}/", "review_detail")
            token = csrf_of(detail)
            if not token:
                return
            if f'action="/review/{pk}/publish/"' not in detail.body:
                self.shared.note("opened one already decided")
                return
        if not token:
            return
        publish = self.random.random() < 0.7
        move, path = ("published", "publish") if publish else ("returned", "return")
        data = {"comment": "负载测试：发布"} if publish else {"reason": "负载测试：请核对指标值后重新提交。"}
        answer = self.browser.post(f"/review/{pk}/{path}/", path, data, token)
        self.browser.follow(answer)
        word = "已发布" if publish else "已退回"
        if answer.status == 302 and answer.path() == "/review/" and has_message(answer, SUCCESS, word):
            self.ack(move, pk)
        elif not answer.ok:
            self.unacked(move, answer, id=pk)
        else:
            collision = answer.status == 302 and answer.path() == f"/review/{pk}/"
            self.refused(move, answer, id=pk, collision=collision, messages=answer.messages)


class ExportClient(Client):
    """Asks for the full declarations export (long enough to be a background job at the run's
    data size), follows it to its page, polls its progress as the page's script does, and
    downloads the file when it is done. Each export asked is recorded in ``exports``."""

    EXPORT = "/declarations/export.xlsx"
    POLL_SECONDS = 1.0
    GIVE_UP_SECONDS = 300.0

    def __init__(self, run: Run, port: int, username: str, seed: int):
        super().__init__(run, port, username, seed)
        self.exports: list[dict] = []

    def step(self) -> None:
        asked = self.browser.get(self.EXPORT, "export_queue")
        record = {"client": self.username, "asked_at": self.shared.now(), "status": asked.status}
        self.exports.append(record)
        match = re.fullmatch(r"/exports/(\d+)/", asked.path())
        if asked.status != 303 or not match:
            record["outcome"] = "answered at once" if asked.status == 200 else f"no job ({asked.status})"
            self.pause(3, 6)
            return
        pk = record["id"] = int(match.group(1))
        self.browser.get(asked.path(), "export_page")
        started = self.shared.now()
        # Polled until done even after the run stops: every export asked must finish.
        while self.shared.now() - started < self.GIVE_UP_SECONDS:
            status = self.browser.get(f"/exports/{pk}/status.json", "export_status")
            state = _json(status.body) if status.status == 200 else {}
            if state.get("finished"):
                record["state"] = state.get("state")
                record["rows"] = state.get("rows_done")
                record["seconds"] = self.shared.now() - record["asked_at"]
                if state.get("state") == "done":
                    file = self.browser.get(state["download_url"], "export_download")
                    record["download"] = file.status
                    record["xlsx"] = file.body.startswith("PK")
                break
            time.sleep(self.POLL_SECONDS)
        else:
            record["state"] = "gave up"
        record["outcome"] = record.get("state")
        self.pause(3, 6)


def _json(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class Prober(threading.Thread):
    """One staff session asking for the review queue (session, auth and queries) every 0.25 s,
    to time outages and recoveries more finely than the clients' loops."""

    def __init__(self, run: Run, port: int, username: str, until: threading.Event):
        super().__init__(name="probe", daemon=True)
        self.shared, self.username, self.until = run, username, until
        self.browser = Browser(run, port, "probe")

    def run(self) -> None:
        if not self.browser.log_in(self.username):
            return
        while not (self.until.is_set() or self.shared.stop.is_set()):
            self.browser.get("/review/", "probe")
            self.until.wait(0.25)
