#!/usr/bin/env python3
"""Records the Zabbix 6.0 answers the contract tests serve
(crates/noc-sources/src/zabbix/fixtures/6.0) from a real Zabbix started by start.sh,
and derives the 7.0 ones from them with the fields 7.0 adds or drops (Debian 12 has
no 7.x package to record from).

    tests/integration/zabbix/record-fixtures.py

Takes about two minutes: Zabbix applies a maintenance only at its next minute.
"""

import json
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parents[2] / "crates/noc-sources/src/zabbix/fixtures"

# host, visible name, [(problem name, priority, tags)]
HOSTS = [
    ("core-sw1", "Core switch 1",
     [("Interface Gi0/1 link down", 4, [("scope", "availability"), ("interface", "Gi0/1")])]),
    ("db-1", "Database 1",
     [("High CPU utilization (over 90% for 5m)", 3, [("scope", "performance")]),
      ("Free disk space is less than 20% on volume /var", 2,
       [("scope", "capacity"), ("service", "db"), ("service", "backup")])]),
    ("web-1", "Web 1", [("web-1 is unavailable by ICMP", 5, [])]),
    ("app-1", "Application 1", [("Zabbix agent version has changed", 1, [])]),
    ("lab-1", "Lab 1", [("Unclassified check failed", 0, [])]),
]
IN_MAINTENANCE = "lab-1"


def free_port(below=None):
    """A free port; zabbix_server's ListenPort must be below 32768, where
    the kernel does not hand out ports."""
    for port in ([0] if below is None else range(20000, below)):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    sys.exit("no free port")


class Api:
    def __init__(self, url):
        self.url = url
        self.auth = None

    def raw(self, method, params, auth=None):
        body = {"jsonrpc": "2.0", "method": method, "params": params, "id": 1}
        if auth:
            body["auth"] = auth
        request = urllib.request.Request(
            self.url, json.dumps(body).encode(), {"Content-Type": "application/json-rpc"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)

    def call(self, method, params):
        answer = self.raw(method, params, self.auth)
        if "error" in answer:
            sys.exit(f"{method}: {answer['error']}")
        return answer["result"]


def send(port, host, key, value):
    data = json.dumps({"request": "sender data",
                       "data": [{"host": host, "key": key, "value": value}]}).encode()
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"ZBXD\x01" + struct.pack("<Q", len(data)) + data)
        return s.recv(4096)[13:].decode()


def wait(what, check, limit=150):
    deadline = time.time() + limit
    while time.time() < deadline:
        found = check()
        if found:
            return found
        time.sleep(1)
    sys.exit(f"gave up waiting for {what}")


def write(version, name, answer):
    path = FIXTURES / version / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(answer, indent=2, ensure_ascii=False) + "\n")


def configure(api):
    group = api.call("hostgroup.get", {"output": ["groupid"], "filter": {"name": ["Linux servers"]}})
    keys = []
    for host, name, problems in HOSTS:
        hostid = api.call("host.create", {"host": host, "name": name,
                                          "groups": [{"groupid": group[0]["groupid"]}]})["hostids"][0]
        for n, (problem, priority, tags) in enumerate(problems):
            key = f"noc.check[{n}]"
            api.call("item.create", {"hostid": hostid, "name": problem, "key_": key,
                                     "type": 2, "value_type": 3})
            api.call("trigger.create", {"description": problem, "priority": priority,
                                        "expression": f"last(/{host}/{key})=0",
                                        "tags": [{"tag": t, "value": v} for t, v in tags]})
            keys.append((host, key))
        if host == IN_MAINTENANCE:
            now = int(time.time())
            api.call("maintenance.create", {
                "name": "lab rebuild", "active_since": now - 60, "active_till": now + 86400,
                "hosts": [{"hostid": hostid}],
                "timeperiods": [{"timeperiod_type": 0, "start_date": now - 60, "period": 86400}]})
    return keys


def record_60(api, trapper_port):
    keys = configure(api)
    wait("the maintenance to start", lambda: api.call(
        "host.get", {"output": ["maintenance_status"], "filter": {"host": [IN_MAINTENANCE]}}
    )[0]["maintenance_status"] == "1")
    for host, key in keys:
        wait(f"the trapper to take {host} {key}", lambda: "processed: 1" in send(trapper_port, host, key, "0"))
    problem_params = {"output": "extend", "recent": False, "selectAcknowledges": "extend",
                      "selectTags": "extend", "selectSuppressionData": "extend",
                      "sortfield": ["eventid"], "sortorder": "ASC"}
    problems = wait("every problem, the one in maintenance suppressed", lambda: (
        lambda ps: ps if len(ps) == len(keys) and any(p["suppressed"] == "1" for p in ps) else None
    )(api.call("problem.get", problem_params)))
    by_name = {p["name"]: p["eventid"] for p in problems}
    api.call("event.acknowledge", {"eventids": [by_name["High CPU utilization (over 90% for 5m)"]],
                                   "action": 6, "message": "looking into it"})

    write("6.0", "apiinfo.version", api.raw("apiinfo.version", []))
    write("6.0", "problem.get", api.raw("problem.get", problem_params, api.auth))
    triggerids = sorted({p["objectid"] for p in problems})
    write("6.0", "trigger.get", api.raw("trigger.get", {
        "triggerids": triggerids, "output": ["triggerid"],
        "selectHosts": ["host", "name", "maintenance_status"]}, api.auth))
    link = by_name["Interface Gi0/1 link down"]
    write("6.0", "event.acknowledge", api.raw("event.acknowledge", {
        "eventids": [link], "action": 6, "message": "[alice] on it"}, api.auth))
    write("6.0", "event.get", api.raw("event.get", {
        "eventids": [link], "output": ["eventid", "acknowledged"],
        "select_acknowledges": ["message", "action", "clock"]}, api.auth))
    write("6.0", "session.terminated", api.raw("problem.get", {}, "0" * 32))
    write("6.0", "not.authorized", api.raw("problem.get", {}, "0" * 64))
    write("6.0", "user.login.failed", api.raw("user.login", {"username": "Admin", "password": "not-it"}))
    write("6.0", "user.login", api.raw("user.login", {"username": "Admin", "password": "zabbix"}))


def derive_70():
    """7.0 adds cause_eventid to problems, userid to suppression data, and
    suppress_until and taskid to acknowledgements (without their eventid)."""
    def load(name):
        return json.loads((FIXTURES / "6.0" / f"{name}.json").read_text())

    def acknowledgement(a):
        a = {k: v for k, v in a.items() if k != "eventid"}
        a.update({"suppress_until": "0", "taskid": "0"})
        return a

    problems = load("problem.get")
    for p in problems["result"]:
        p["cause_eventid"] = "0"
        p["suppression_data"] = [dict(s, userid="0") for s in p["suppression_data"]]
        p["acknowledges"] = [acknowledgement(a) for a in p["acknowledges"]]
    write("7.0", "problem.get", problems)
    for same in ["event.get", "trigger.get", "event.acknowledge", "session.terminated",
                 "user.login.failed", "user.login"]:
        write("7.0", same, load(same))
    write("7.0", "apiinfo.version", {"jsonrpc": "2.0", "result": "7.0.5", "id": 1})
    write("7.0", "not.authorized", load("not.authorized"))


def main():
    with tempfile.TemporaryDirectory() as temp:
        trapper = free_port(below=32768)
        try:
            url = subprocess.run(
                [HERE / "start.sh", Path(temp) / "zabbix", str(free_port()), str(trapper),
                 str(free_port())],
                check=True, stdout=subprocess.PIPE, text=True).stdout.strip()
            api = Api(url)
            api.auth = api.call("user.login", {"username": "Admin", "password": "zabbix"})
            record_60(api, trapper)
        finally:
            subprocess.run([HERE / "stop.sh", Path(temp) / "zabbix"], check=False)
    derive_70()


if __name__ == "__main__":
    main()
