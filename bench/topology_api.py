"""Times the topology API of a hub on a generated estate.

    cargo build --release -p noc-server -p noc-bench
    target/release/topology_gen --nodes 5000 --relations 10000 --seed 1 > /tmp/estate.json
    python3 bench/topology_api.py target/release/noc-server /tmp/estate.json

Import, placement of every node on both views, GET /api/topology, node and incident
impact (20 incidents raised on databases through a webhook), re-layout and export.
"""
import json, os, statistics, subprocess, sys, tempfile, time, urllib.request

server, estate = sys.argv[1], sys.argv[2]
token = "m" * 40
hook = "h" * 40
work = tempfile.mkdtemp()
with open(os.path.join(work, "noc.toml"), "w") as f:
    f.write('[[webhook]]\nname = "scripts"\nformat = "generic"\ntoken_env = "NOC_HOOK_SCRIPTS"\n')
env = dict(os.environ, NOC_TOKEN=token, NOC_HOOK_SCRIPTS=hook, RUST_LOG="warn")
hub = subprocess.Popen([server, "--config", os.path.join(work, "noc.toml"),
                        "--data", os.path.join(work, "data"), "--port", "7979"], env=env,
                       stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "hub.log"), "w"))
base = "http://127.0.0.1:7979"

def call(method, path, body=None, headers=None, raw=False):
    h = {"Authorization": "Bearer " + token, "X-Noc-Operator": "bench"}
    h.update(headers or {})
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    if data is not None and not isinstance(body, bytes):
        h["Content-Type"] = "application/json"
    req = urllib.request.Request(base + path, data=data, method=method, headers=h)
    t = time.perf_counter()
    with urllib.request.urlopen(req) as res:
        out = res.read()
    return (time.perf_counter() - t) * 1000, (out if raw else json.loads(out))

try:
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz"); break
        except Exception:
            time.sleep(0.1)
    file = open(estate, "rb").read()
    topo = json.loads(file)
    ms, summary = call("POST", "/api/topology/import?name=estate.json", file)
    print(f"import {summary['nodes']} nodes / {summary['relations']} relations ({len(file)/1e6:.1f} MB JSON): {ms:.0f} ms")
    t = time.perf_counter()
    while True:
        _, now = call("GET", "/api/topology")
        if all("layered" in n.get("positions", {}) and "network" in n.get("positions", {}) for n in now["nodes"]):
            break
        time.sleep(0.05)
    print(f"every node placed on both views {1000*(time.perf_counter()-t):.0f} ms after the import answered")
    gets = [call("GET", "/api/topology", raw=True)[0] for _ in range(10)]
    print(f"GET /api/topology: median {statistics.median(gets):.1f} ms")
    kinds = {n["id"]: n["kind"] for n in topo["nodes"]}
    picks = [i for i, k in kinds.items() if k in ("database", "host", "middleware", "network_device")][:200]
    first, _ = call("GET", f"/api/topology/nodes/{picks[0]}/impact")
    times = [call("GET", f"/api/topology/nodes/{p}/impact")[0] for p in picks[1:]]
    print(f"node impact: first after the import (builds the graph) {first:.1f} ms; {len(times)} other nodes median {statistics.median(times):.2f} ms, max {max(times):.2f} ms")
    dbs = [i for i, k in kinds.items() if k == "database"][:20]
    alerts = [{"key": f"db/{d}", "status": "firing", "severity": "critical", "node": d, "title": "down"} for d in dbs]
    req = urllib.request.Request(base + "/hooks/scripts", data=json.dumps({"alerts": alerts}).encode(),
                                 headers={"Authorization": "Bearer " + hook, "Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(req).read()
    time.sleep(1.5)
    _, state = call("GET", "/api/state")
    ids = [i["id"] for i in state["incidents"]]
    times, systems = [], []
    for i in ids:
        ms, impact = call("GET", f"/api/incidents/{i}/impact")
        times.append(ms); systems.append(len(impact["business_systems"]))
    print(f"incident impact: {len(ids)} incidents on databases, median {statistics.median(times):.2f} ms, max {max(times):.2f} ms, business systems per incident {min(systems)}..{max(systems)}")
    ms, _ = call("POST", "/api/topology/layout", {"view": "network"})
    print(f"POST /api/topology/layout network: {ms:.0f} ms")
    ms, out = call("GET", "/api/topology/export?format=yaml", raw=True)
    print(f"export YAML: {ms:.0f} ms ({len(out)/1e6:.1f} MB)")
finally:
    hub.terminate(); hub.wait()
