//! Language detection for untagged code blocks, end to end on a hand-labelled
//! set of snippets of the kind SRE interview answers contain.
//!
//! Every snippet is labelled with what a human reader would call it. The test
//! prints a confusion summary (each miss with its first line) and demands an
//! overall accuracy of at least 90%. The set grew in four batches; each
//! later batch was first scored unseen, so keep adding hard cases the same way.

use std::collections::BTreeMap;

use srebook::ingest::detect_language;

const CASES: &[(&str, &str)] = &[
    // ---------------------------------------------------------------- yaml
    (
        "yaml",
        r##"apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: payments
spec:
  replicas: 4
  selector:
    matchLabels:
      app: checkout
  template:
    metadata:
      labels:
        app: checkout
    spec:
      containers:
        - name: checkout
          image: registry.internal/checkout:2.14.1
          resources:
            requests:
              cpu: 250m
              memory: 256Mi
            limits:
              memory: 512Mi
          readinessProbe:
            httpGet:
              path: /healthz
              port: 8080
            periodSeconds: 5
"##,
    ),
    (
        "yaml",
        r##"groups:
  - name: checkout-slo
    rules:
      - alert: CheckoutHighErrorBudgetBurn
        expr: |
          sum(rate(http_requests_total{service="checkout",code=~"5.."}[1h]))
            / sum(rate(http_requests_total{service="checkout"}[1h])) > 14.4 * 0.001
        for: 5m
        labels:
          severity: page
        annotations:
          summary: "Checkout is burning its monthly error budget too fast"
          runbook_url: https://runbooks.internal/checkout/burn-rate
"##,
    ),
    (
        "yaml",
        r##"name: deploy
on:
  push:
    branches: [main]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Run tests
        run: make test
      - name: Push image
        if: github.ref == 'refs/heads/main'
        run: |
          docker build -t ghcr.io/acme/api:${{ github.sha }} .
          docker push ghcr.io/acme/api:${{ github.sha }}
"##,
    ),
    (
        "yaml",
        r##"- hosts: webservers
  become: true
  vars:
    nginx_worker_connections: 4096
  tasks:
    - name: Install nginx
      ansible.builtin.apt:
        name: nginx
        state: present
        update_cache: true
    - name: Template config
      ansible.builtin.template:
        src: nginx.conf.j2
        dest: /etc/nginx/nginx.conf
      notify: reload nginx
  handlers:
    - name: reload nginx
      ansible.builtin.service:
        name: nginx
        state: reloaded
"##,
    ),
    (
        "yaml",
        r##"- name: api
  port: 8080
  healthcheck: /ready
- name: worker
  port: 9090
  healthcheck: /live
"##,
    ),
    (
        "yaml",
        r##"apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: search-pdb
spec:
  minAvailable: 2
  selector:
    matchLabels:
      app: search
"##,
    ),
    (
        "yaml",
        r##"services:
  redis:
    image: redis:7
    ports:
      - "6379:6379"
  app:
    build: .
    depends_on:
      - redis
    environment:
      REDIS_URL: redis://redis:6379/0
"##,
    ),
    (
        "yaml",
        r##"stages:
  - test
  - deploy

deploy_prod:
  stage: deploy
  script:
    - helm upgrade --install api ./chart -f values-prod.yaml
  when: manual
  only:
    - main
"##,
    ),
    // ---------------------------------------------------------------- json
    (
        "json",
        r##"{
  "service": "billing",
  "slo": {
    "target": 99.9,
    "window_days": 28,
    "indicator": "availability"
  },
  "owners": ["team-billing", "sre-oncall"],
  "paging": true
}
"##,
    ),
    (
        "json",
        r##"[
  {"host": "db-primary-1", "role": "primary", "lag_seconds": 0},
  {"host": "db-replica-1", "role": "replica", "lag_seconds": 3},
  {"host": "db-replica-2", "role": "replica", "lag_seconds": 41}
]
"##,
    ),
    (
        "json",
        r##"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::backups-prod/*"
    }
  ]
}
"##,
    ),
    (
        "json",
        r##"{"ts":"2024-05-02T09:14:07Z","level":"error","msg":"upstream timeout","upstream":"inventory","latency_ms":5012}
"##,
    ),
    (
        "json",
        r##"[{"op": "replace", "path": "/spec/replicas", "value": 6}]
"##,
    ),
    // -------------------------------------------------------------- python
    (
        "python",
        r##"import time
import requests

def get_with_retry(url, attempts=5, base_delay=0.2):
    for attempt in range(attempts):
        try:
            resp = requests.get(url, timeout=2)
            if resp.status_code < 500:
                return resp
        except requests.ConnectionError:
            pass
        time.sleep(base_delay * 2 ** attempt)
    raise RuntimeError(f"{url} still failing after {attempts} attempts")
"##,
    ),
    (
        "python",
        r##"thresholds = {
    'cpu_percent': 85,
    'disk_free_gb': 20,
    'p99_latency_ms': 300,
    'error_rate': 0.01,
}
"##,
    ),
    (
        "python",
        r##"class TokenBucket:
    def __init__(self, per_second, burst):
        self.per_second = per_second
        self.burst = burst
        self.level = float(burst)
        self.updated = time.monotonic()

    def allow(self):
        now = time.monotonic()
        refill = (now - self.updated) * self.per_second
        self.level = min(self.burst, self.level + refill)
        self.updated = now
        if self.level >= 1:
            self.level -= 1
            return True
        return False
"##,
    ),
    (
        "python",
        r##"s3 = boto3.client("s3")
old = [o["Key"] for o in s3.list_objects_v2(Bucket="logs")["Contents"] if o["Size"] == 0]
"##,
    ),
    (
        "python",
        r##"with open("/var/log/nginx/access.log") as f:
    codes = Counter(line.split()[8] for line in f)
print(codes.most_common(5))
"##,
    ),
    (
        "python",
        r##"async def probe(session, host):
    async with session.get(f"https://{host}/healthz") as resp:
        return host, resp.status

results = await asyncio.gather(*(probe(session, h) for h in hosts))
"##,
    ),
    // ---------------------------------------------------------------- bash
    (
        "bash",
        r##"#!/usr/bin/env bash
set -euo pipefail

NAMESPACE="${1:-default}"

drain_node() {
  local node="$1"
  kubectl cordon "$node"
  kubectl drain "$node" --ignore-daemonsets --delete-emptydir-data --timeout=300s
}

for node in $(kubectl get nodes -l pool=old -o name); do
  drain_node "$node"
done
"##,
    ),
    (
        "bash",
        r##"kubectl get pods -A --field-selector=status.phase!=Running -o wide | awk 'NR>1 {print $1, $2, $4}'
"##,
    ),
    (
        "bash",
        r##"curl -s https://status.internal/api/v1/components | jq -r '.[] | select(.status != "ok") | .name'
"##,
    ),
    (
        "bash",
        r##"cat <<EOF | kubectl apply -f -
apiVersion: v1
kind: ConfigMap
metadata:
  name: feature-flags
data:
  new_checkout: "false"
EOF
kubectl rollout restart deployment/checkout
"##,
    ),
    (
        "bash",
        r##"for ns in $(kubectl get ns -o jsonpath='{.items[*].metadata.name}'); do
  echo "== $ns"
  kubectl -n "$ns" get events --sort-by=.lastTimestamp | tail -n 3
done
"##,
    ),
    (
        "bash",
        r##"$ dig +short api.example.com
$ openssl s_client -connect api.example.com:443 -servername api.example.com </dev/null 2>/dev/null | openssl x509 -noout -dates
"##,
    ),
    (
        "bash",
        r##"ss -tan state time-wait | wc -l
"##,
    ),
    (
        "bash",
        r##"journalctl -u kubelet --since "1 hour ago" | grep -i "evict" | tail -20
"##,
    ),
    // ------------------------------------------------------------------ go
    (
        "go",
        r##"package main

import (
	"log"
	"net/http"
)

func healthz(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("ok"))
}

func main() {
	http.HandleFunc("/healthz", healthz)
	log.Fatal(http.ListenAndServe(":8080", nil))
}
"##,
    ),
    (
        "go",
        r##"func retry(ctx context.Context, attempts int, fn func() error) error {
	var err error
	for i := 0; i < attempts; i++ {
		if err = fn(); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(1<<i) * 100 * time.Millisecond):
		}
	}
	return err
}
"##,
    ),
    (
        "go",
        r##"results := make(chan error, len(hosts))
for _, h := range hosts {
	go func(host string) {
		results <- ping(host)
	}(h)
}
"##,
    ),
    (
        "go",
        r##"type Config struct {
	ListenAddr   string        `yaml:"listen_addr"`
	ReadTimeout  time.Duration `yaml:"read_timeout"`
	MaxInflight  int           `yaml:"max_inflight"`
}
"##,
    ),
    // ---------------------------------------------------------------- java
    (
        "java",
        r##"public class CircuitBreaker {
    private final int threshold;
    private int failures = 0;

    public CircuitBreaker(int threshold) {
        this.threshold = threshold;
    }

    public synchronized boolean allowRequest() {
        return failures < threshold;
    }

    public synchronized void recordFailure() {
        failures++;
    }
}
"##,
    ),
    (
        "java",
        r##"@RestController
@RequestMapping("/api/orders")
public class OrderController {
    @GetMapping("/{id}")
    public ResponseEntity<Order> get(@PathVariable long id) {
        return repository.findById(id)
            .map(ResponseEntity::ok)
            .orElse(ResponseEntity.notFound().build());
    }
}
"##,
    ),
    (
        "java",
        r##"HikariConfig config = new HikariConfig();
config.setJdbcUrl("jdbc:postgresql://db:5432/orders");
config.setMaximumPoolSize(20);
config.setConnectionTimeout(3000);
HikariDataSource ds = new HikariDataSource(config);
"##,
    ),
    (
        "java",
        r##"try (Connection conn = dataSource.getConnection();
     PreparedStatement ps = conn.prepareStatement("SELECT 1")) {
    ps.execute();
} catch (SQLException e) {
    log.error("health check failed", e);
}
"##,
    ),
    // ---------------------------------------------------------- javascript
    (
        "javascript",
        r##"const express = require('express');
const app = express();

app.get('/healthz', (req, res) => {
  res.status(200).send('ok');
});

app.listen(3000, () => console.log('listening on 3000'));
"##,
    ),
    (
        "javascript",
        r##"async function fetchWithTimeout(url, ms) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    return await fetch(url, { signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}
"##,
    ),
    (
        "javascript",
        r##"import { setTimeout as wait } from 'node:timers/promises';

export const targets = ['https://staging.example.com/api/cart'];

export default async function probe() {
  for (const url of targets) {
    const res = await fetch(url);
    console.log(url, res.status);
    await wait(1000);
  }
}
"##,
    ),
    (
        "javascript",
        r##"process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
});
"##,
    ),
    // ----------------------------------------------------------------- hcl
    (
        "hcl",
        r##"resource "aws_instance" "bastion" {
  ami           = data.aws_ami.ubuntu.id
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.public[0].id

  tags = {
    Name = "bastion"
    Team = "sre"
  }
}
"##,
    ),
    (
        "hcl",
        r##"variable "environment" {
  type    = string
  default = "staging"

  validation {
    condition     = contains(["staging", "prod"], var.environment)
    error_message = "environment must be staging or prod"
  }
}
"##,
    ),
    (
        "hcl",
        r##"module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.0"

  cidr            = "10.20.0.0/16"
  azs             = ["eu-west-1a", "eu-west-1b"]
  private_subnets = ["10.20.1.0/24", "10.20.2.0/24"]
}
"##,
    ),
    (
        "hcl",
        r##"terraform {
  backend "s3" {
    bucket         = "acme-tf-state"
    key            = "prod/network.tfstate"
    region         = "eu-west-1"
    dynamodb_table = "tf-locks"
  }
}
"##,
    ),
    (
        "hcl",
        r##"output "lb_dns_name" {
  value = aws_lb.public.dns_name
}
"##,
    ),
    // ---------------------------------------------------------- dockerfile
    (
        "dockerfile",
        r##"FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/api ./cmd/api

FROM gcr.io/distroless/static
COPY --from=build /out/api /api
USER nonroot
ENTRYPOINT ["/api"]
"##,
    ),
    (
        "dockerfile",
        r##"FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["gunicorn", "-w", "4", "-b", "0.0.0.0:8000", "app:wsgi"]
"##,
    ),
    (
        "dockerfile",
        r##"FROM node:20-alpine
WORKDIR /srv
COPY package*.json ./
RUN npm ci --omit=dev
COPY . .
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=2s CMD wget -qO- http://localhost:3000/healthz || exit 1
CMD ["node", "server.js"]
"##,
    ),
    (
        "dockerfile",
        r##"FROM nginx:1.27-alpine
COPY nginx.conf /etc/nginx/nginx.conf
"##,
    ),
    // ----------------------------------------------------------------- sql
    (
        "sql",
        r##"SELECT c.region, COUNT(*) AS failed_orders
FROM orders o
JOIN customers c ON c.id = o.customer_id
WHERE o.status = 'failed'
  AND o.created_at > now() - interval '1 hour'
GROUP BY c.region
ORDER BY failed_orders DESC;
"##,
    ),
    (
        "sql",
        r##"CREATE TABLE incidents (
    id          BIGSERIAL PRIMARY KEY,
    severity    SMALLINT NOT NULL,
    opened_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    resolved_at TIMESTAMPTZ,
    summary     TEXT
);
"##,
    ),
    (
        "sql",
        r##"SELECT pid, now() - query_start AS runtime, state, left(query, 80)
FROM pg_stat_activity
WHERE state <> 'idle'
ORDER BY runtime DESC
LIMIT 10;
"##,
    ),
    (
        "sql",
        r##"BEGIN;
UPDATE feature_flags SET enabled = false WHERE name = 'new_pricing';
COMMIT;
"##,
    ),
    (
        "sql",
        r##"EXPLAIN ANALYZE SELECT * FROM events WHERE tenant_id = 42 AND ts > '2024-01-01';
"##,
    ),
    (
        "sql",
        r##"select user_id, count(*) from sessions where expires_at < now() group by user_id having count(*) > 100;
"##,
    ),
    // -------------------------------------------------------------- promql
    (
        "promql",
        r##"histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="api"}[5m])))
"##,
    ),
    (
        "promql",
        r##"sum(rate(http_requests_total{code=~"5.."}[5m])) by (job)
  /
sum(rate(http_requests_total[5m])) by (job)
"##,
    ),
    (
        "promql",
        r##"up{job="node-exporter"} == 0
"##,
    ),
    (
        "promql",
        r##"predict_linear(node_filesystem_avail_bytes{mountpoint="/"}[6h], 4 * 3600) < 0
"##,
    ),
    (
        "promql",
        r##"topk(5, sum by (pod) (container_memory_working_set_bytes{namespace="prod"}))
"##,
    ),
    (
        "promql",
        r##"1 - (
  sum(rate(grpc_server_handled_total{grpc_code!="OK"}[30m]))
  /
  sum(rate(grpc_server_handled_total[30m]))
)
"##,
    ),
    // ---------------------------------------------------------------- toml
    (
        "toml",
        r##"[package]
name = "edge-proxy"
version = "0.3.1"
edition = "2021"

[dependencies]
tokio = { version = "1", features = ["full"] }
hyper = "1.3"
"##,
    ),
    (
        "toml",
        r##"[agent]
interval = "10s"
flush_interval = "10s"

[[inputs.cpu]]
percpu = true
totalcpu = true

[[outputs.prometheus_client]]
listen = ":9273"
"##,
    ),
    (
        "toml",
        r##"[server]
listen = "0.0.0.0:8443"
allowed_origins = ["https://app.example.com", "https://admin.example.com"]
max_body_bytes = 1048576

[tls]
cert = "/etc/certs/tls.crt"
key = "/etc/certs/tls.key"
"##,
    ),
    (
        "toml",
        r##"[tool.pytest.ini_options]
addopts = "-ra --strict-markers"
testpaths = ["tests"]
"##,
    ),
    // ----------------------------------------------------------------- ini
    (
        "ini",
        r##"[Unit]
Description=Metrics exporter
After=network-online.target

[Service]
ExecStart=/usr/local/bin/node_exporter --collector.systemd
Restart=on-failure
RestartSec=5
User=exporter

[Install]
WantedBy=multi-user.target
"##,
    ),
    (
        "ini",
        r##"[mysqld]
innodb_buffer_pool_size = 8G
max_connections = 500
slow_query_log = 1
long_query_time = 0.5
"##,
    ),
    (
        "ini",
        r##"[program:worker]
command=/opt/app/bin/worker --queue default
autorestart=true
stopwaitsecs=30
stdout_logfile=/var/log/worker.log
"##,
    ),
    (
        "ini",
        r##"; pgbouncer pool settings
[databases]
orders = host=10.0.3.12 port=5432 dbname=orders

[pgbouncer]
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 40
"##,
    ),
    // ------------------------------------------------------------ markdown
    (
        "markdown",
        r##"## Runbook: disk full on a database node

1. Check which volume is full with `df -h`.
2. Look for runaway WAL growth.
3. If replication is stuck, page the DB on-call.

- [ ] Free space above 20%
- [ ] Root cause recorded in the incident doc
"##,
    ),
    (
        "markdown",
        r##"# Postmortem: checkout outage

## Impact
- 23 minutes of failed payments in eu-west
- About 4% of daily orders affected

## Root cause
A config push removed the **connection pool limit** on the payment gateway.
"##,
    ),
    (
        "markdown",
        r##"| Service  | SLO    | Window |
|----------|--------|--------|
| checkout | 99.95% | 28d    |
| search   | 99.5%  | 28d    |
"##,
    ),
    (
        "markdown",
        r##"### Escalation

See the [on-call handbook](https://wiki.internal/oncall) first. If nobody acks within
*15 minutes*, escalate to the **incident commander** rotation.
"##,
    ),
    // ---------------------------------------------------------------- text
    (
        "text",
        r##"┌──────────┐     ┌──────────────┐     ┌──────────┐
│  Client  │────▶│ Load balancer │────▶│  API pod │
└──────────┘     └──────────────┘     └────┬─────┘
                                           │
                                      ┌────▼─────┐
                                      │ Postgres │
                                      └──────────┘
"##,
    ),
    (
        "text",
        r##"+--------+      +---------+      +---------+
| client | ---> |  nginx  | ---> |  app x3 |
+--------+      +---------+      +---------+
                                      |
                                      v
                                 +---------+
                                 |  redis  |
                                 +---------+
"##,
    ),
    (
        "text",
        r##"users -> CDN -> regional LB -> service mesh -> pods
                              \-> fallback region (passive)
"##,
    ),
    (
        "text",
        r##"The main thing I would look at first is whether the latency increase lines up with a deploy,
a traffic shift or a dependency. If none of those changed, I would compare saturation on the
hosts against the previous week before touching anything.
"##,
    ),
    (
        "text",
        r##"2024-03-12T10:15:32Z ERROR [api] upstream timeout after 30s (upstream=inventory)
2024-03-12T10:15:33Z WARN  [api] circuit breaker opened for inventory
2024-03-12T10:15:41Z ERROR [api] upstream timeout after 30s (upstream=inventory)
"##,
    ),
    (
        "text",
        r##"14:02 UTC  Alert fires: checkout 5xx ratio above 5%
14:06 UTC  On-call acknowledges, starts incident channel
14:11 UTC  Deploy 2.14.1 identified as suspect, rollback started
14:19 UTC  Error rate back under 0.1%
14:45 UTC  Incident closed, postmortem scheduled
"##,
    ),
    (
        "text",
        r##"NAME                        READY   STATUS             RESTARTS   AGE
checkout-7d9c8b6f5-2xkqz    1/1     Running            0          3d
checkout-7d9c8b6f5-9mwpl    0/1     CrashLoopBackOff   14         47m
"##,
    ),
    (
        "text",
        r##"[Tue Mar 12 10:15:32 2024] Out of memory: Killed process 4121 (java) total-vm:8123456kB, anon-rss:6234112kB
[Tue Mar 12 10:15:32 2024] oom_reaper: reaped process 4121 (java), now anon-rss:0kB
"##,
    ),
    // ------------------------------------------- second batch
    (
        "yaml",
        r##"# values-prod.yaml
replicaCount: 6
image:
  repository: registry.internal/search
  tag: "3.2.0"
resources:
  limits:
    memory: 2Gi
autoscaling:
  enabled: true
  targetCPUUtilizationPercentage: 70
"##,
    ),
    (
        "yaml",
        r##"route:
  receiver: default
  group_by: [alertname, cluster]
  group_wait: 30s
  repeat_interval: 4h
  routes:
    - matchers:
        - severity="page"
      receiver: pagerduty
"##,
    ),
    (
        "yaml",
        r##"apiVersion: v1
kind: Service
metadata:
  name: ledger
spec:
  type: ClusterIP
  ports:
    - port: 80
      targetPort: 8080
"##,
    ),
    (
        "json",
        r##"{
  "log-driver": "json-file",
  "log-opts": {
    "max-size": "50m",
    "max-file": "3"
  },
  "live-restore": true
}
"##,
    ),
    (
        "json",
        r##"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"api"},"value":[1714640000,"0.0123"]}]}}
"##,
    ),
    (
        "json",
        r##"[
  "us-east-1",
  "eu-west-1",
  "ap-southeast-2"
]
"##,
    ),
    (
        "python",
        r##"LIMITS = {
    "cpu": "500m",
    "memory": "1Gi",
}
"##,
    ),
    (
        "python",
        r##"from prometheus_client import Counter, start_http_server

REQUESTS = Counter("jobs_processed_total", "Jobs processed", ["queue"])

def handle(job):
    REQUESTS.labels(queue=job.queue).inc()
"##,
    ),
    (
        "python",
        r##"@app.route("/healthz")
def healthz():
    return {"status": "ok"}, 200
"##,
    ),
    (
        "python",
        r##"out = subprocess.run(["systemctl", "is-active", "nginx"], capture_output=True, text=True)
if out.returncode != 0:
    alert(out.stdout.strip())
"##,
    ),
    (
        "bash",
        r##"while read -r host; do
  ssh -o ConnectTimeout=5 "$host" 'uptime' || echo "$host unreachable"
done < hosts.txt
"##,
    ),
    (
        "bash",
        r##"awk '$9 >= 500 {print $7}' /var/log/nginx/access.log | sort | uniq -c | sort -rn | head
"##,
    ),
    (
        "bash",
        r##"sudo tcpdump -i eth0 -nn port 53
"##,
    ),
    (
        "bash",
        r##"case "$1" in
  start) systemctl start app ;;
  stop)  systemctl stop app ;;
  *)     echo "usage: $0 start|stop"; exit 1 ;;
esac
"##,
    ),
    (
        "go",
        r##"var wg sync.WaitGroup
for i := 0; i < workers; i++ {
	wg.Add(1)
	go func() {
		defer wg.Done()
		for job := range jobs {
			process(job)
		}
	}()
}
wg.Wait()
"##,
    ),
    (
        "go",
        r##"if err != nil {
	return fmt.Errorf("dial %s: %w", addr, err)
}
"##,
    ),
    (
        "go",
        r##"var requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
	Name:    "http_request_duration_seconds",
	Buckets: prometheus.DefBuckets,
}, []string{"route"})
"##,
    ),
    (
        "java",
        r##"ExecutorService pool = Executors.newFixedThreadPool(8);
Future<String> result = pool.submit(() -> fetch(url));
String body = result.get(2, TimeUnit.SECONDS);
"##,
    ),
    (
        "java",
        r##"@Scheduled(fixedDelay = 60000)
public void refreshCache() {
    cache.invalidateAll();
    log.info("cache refreshed");
}
"##,
    ),
    (
        "java",
        r##"public interface HealthIndicator {
    Health health();
}
"##,
    ),
    (
        "javascript",
        r##"module.exports = {
  port: process.env.PORT || 8080,
  redisUrl: process.env.REDIS_URL,
};
"##,
    ),
    (
        "javascript",
        r##"fetch('/api/status')
  .then((res) => res.json())
  .then((data) => renderStatus(data))
  .catch((err) => console.error(err));
"##,
    ),
    (
        "javascript",
        r##"const client = redis.createClient({ url: process.env.REDIS_URL });
client.on('error', (err) => logger.warn({ err }, 'redis error'));
await client.connect();
"##,
    ),
    (
        "hcl",
        r##"provider "google" {
  project = "acme-prod"
  region  = "europe-west1"
}
"##,
    ),
    (
        "hcl",
        r##"resource "aws_security_group_rule" "https" {
  for_each          = toset(var.allowed_cidrs)
  type              = "ingress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = [each.value]
  security_group_id = aws_security_group.lb.id
}
"##,
    ),
    (
        "hcl",
        r##"locals {
  common_tags = {
    Environment = var.environment
    ManagedBy   = "terraform"
  }
}
"##,
    ),
    (
        "dockerfile",
        r##"FROM ubuntu:24.04
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
ENTRYPOINT ["/usr/local/bin/agent"]
"##,
    ),
    (
        "dockerfile",
        r##"ARG VERSION=1.4.2
FROM alpine:3.20
ARG VERSION
ADD https://releases.example.com/tool-${VERSION}.tar.gz /tmp/
"##,
    ),
    (
        "sql",
        r##"WITH recent AS (
  SELECT user_id, max(created_at) AS last_seen
  FROM logins
  GROUP BY user_id
)
SELECT count(*) FROM recent WHERE last_seen < now() - interval '90 days';
"##,
    ),
    (
        "sql",
        r##"INSERT INTO maintenance_windows (service, starts_at, ends_at)
VALUES ('payments', '2024-06-01 02:00', '2024-06-01 03:00');
"##,
    ),
    (
        "sql",
        r##"GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO grafana_ro;
"##,
    ),
    (
        "sql",
        r##"SHOW FULL PROCESSLIST;
"##,
    ),
    (
        "promql",
        r##"sum without (instance) (rate(node_cpu_seconds_total{mode!="idle"}[1m]))
"##,
    ),
    (
        "promql",
        r##"increase(kube_pod_container_status_restarts_total[1h]) > 3
"##,
    ),
    (
        "promql",
        r##"avg_over_time(probe_success{job="blackbox"}[1d]) * 100
"##,
    ),
    (
        "promql",
        r##"node_memory_MemAvailable_bytes / on(instance) group_left node_memory_MemTotal_bytes < 0.1
"##,
    ),
    (
        "toml",
        r##"[sources.app_logs]
type = "file"
include = ["/var/log/app/*.log"]

[sinks.loki]
type = "loki"
inputs = ["app_logs"]
endpoint = "http://loki:3100"
"##,
    ),
    (
        "toml",
        r##"concurrent = 4

[[runners]]
  name = "shared-runner"
  url = "https://gitlab.example.com/"
  executor = "docker"
"##,
    ),
    (
        "toml",
        r##"[[redirects]]
from = "/docs/*"
to = "/handbook/:splat"
status = 301
"##,
    ),
    (
        "ini",
        r##"[user]
	name = Jane Doe
	email = jane@example.com
[pull]
	rebase = true
"##,
    ),
    (
        "ini",
        r##"[pytest]
addopts = -ra -q
testpaths = tests
markers =
    slow: marks tests as slow
"##,
    ),
    (
        "ini",
        r##"[webservers]
web1.example.com
web2.example.com

[webservers:vars]
http_port=8080
"##,
    ),
    (
        "markdown",
        r##"## Rollback

1. Find the last good release with `helm history api`.
2. Run `helm rollback api <revision>`.
3. Watch the error rate on the [API dashboard](https://grafana.internal/d/api).
"##,
    ),
    (
        "markdown",
        r##"# ADR 012: Use a managed Postgres

**Status:** accepted

## Context
We spend about a day a week on database toil.

## Decision
Move to the managed offering in Q3.
"##,
    ),
    (
        "text",
        r##".
├── charts
│   └── api
├── terraform
│   ├── prod
│   └── staging
└── runbooks
"##,
    ),
    (
        "text",
        r##"PING api.example.com (10.1.2.3): 56 data bytes
64 bytes from 10.1.2.3: icmp_seq=0 ttl=63 time=0.912 ms
64 bytes from 10.1.2.3: icmp_seq=1 ttl=63 time=41.207 ms
"##,
    ),
    (
        "text",
        r##"Filesystem      Size  Used Avail Use% Mounted on
/dev/nvme0n1p1   100G   97G  3.0G  98% /
tmpfs            7.8G     0  7.8G   0% /dev/shm
"##,
    ),
    (
        "text",
        r##"Step 1: confirm the alert is real by checking the dashboard.
Step 2: find the blast radius: which regions and which customers.
Step 3: mitigate first, for example roll back or fail over.
Step 4: only then dig into the root cause.
"##,
    ),
    (
        "text",
        r##"peak: 12k requests/s x 4 KB = ~48 MB/s ingress
storage: 48 MB/s x 86400 s = ~4.1 TB/day before compression
"##,
    ),
    (
        "text",
        r##"client -> gateway: POST /orders
gateway -> orders: CreateOrder()
orders -> db: INSERT
db --> orders: ok
orders --> client: 201 Created
"##,
    ),
    // -------------------------------------------- third batch
    (
        "yaml",
        r##"# nightly cleanup of completed jobs
apiVersion: batch/v1
kind: CronJob
metadata:
  name: reaper
spec:
  schedule: "0 3 * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
"##,
    ),
    (
        "yaml",
        r##"Resources:
  LogsBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${AWS::StackName}-logs"
      VersioningConfiguration:
        Status: Enabled
"##,
    ),
    (
        "yaml",
        r##"resources:
  - deployment.yaml
  - service.yaml
patches:
  - path: replicas-prod.yaml
"##,
    ),
    (
        "json",
        r##"{
  "name": "status-page",
  "scripts": {
    "start": "node server.js",
    "test": "jest"
  },
  "dependencies": {
    "express": "^4.19.2"
  }
}
"##,
    ),
    (
        "json",
        r##"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "debug"}, "status": {"phase": "Pending"}}
"##,
    ),
    (
        "json",
        r##"[
  { "name": "p50", "value": 41.2 },
  { "name": "p99", "value": 388.0 }
]
"##,
    ),
    (
        "python",
        r##"r = requests.get(url, timeout=5)
r.raise_for_status()
"##,
    ),
    (
        "python",
        r##"def lambda_handler(event, context):
    body = json.loads(event["body"])
    logger.info("received %d records", len(body["records"]))
    return {"statusCode": 202}
"##,
    ),
    (
        "python",
        r##"from kubernetes import client, config

config.load_kube_config()
v1 = client.CoreV1Api()
for pod in v1.list_namespaced_pod("prod").items:
    if pod.status.phase != "Running":
        print(pod.metadata.name, pod.status.phase)
"##,
    ),
    (
        "bash",
        r##"docker run -d --name cache -p 6379:6379 --memory 512m redis:7
"##,
    ),
    (
        "bash",
        r##"find /var/log/app -name "*.gz" -mtime +7 -delete
"##,
    ),
    (
        "bash",
        r##"for i in {1..20}; do
  curl -s -o /dev/null -w "%{http_code} %{time_total}\n" https://api.example.com/healthz
done
"##,
    ),
    (
        "bash",
        r##"export KUBECONFIG=~/.kube/prod-eu
kubectl top pods -n payments --sort-by=memory | head -n 5
"##,
    ),
    (
        "go",
        r##"client := &http.Client{Timeout: 5 * time.Second}
resp, err := client.Get(url)
if err != nil {
	return err
}
defer resp.Body.Close()
"##,
    ),
    (
        "go",
        r##"func (c *Cache) Get(key string) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.items[key]
	return v, ok
}
"##,
    ),
    (
        "go",
        r##"ticker := time.NewTicker(30 * time.Second)
for {
	select {
	case <-ticker.C:
		reportLag()
	case <-done:
		return
	}
}
"##,
    ),
    (
        "java",
        r##"CircuitBreakerConfig config = CircuitBreakerConfig.custom()
    .failureRateThreshold(50)
    .waitDurationInOpenState(Duration.ofSeconds(30))
    .build();
"##,
    ),
    (
        "java",
        r##"@Test
void returnsServiceUnavailableWhenDatabaseIsDown() {
    when(repository.ping()).thenThrow(new SQLException("down"));
    assertEquals(503, controller.health().getStatusCodeValue());
}
"##,
    ),
    (
        "java",
        r##"@Bean
public RestTemplate restTemplate(RestTemplateBuilder builder) {
    return builder.setConnectTimeout(Duration.ofSeconds(2)).build();
}
"##,
    ),
    (
        "javascript",
        r##"app.use((req, res, next) => {
  const start = Date.now();
  res.on('finish', () => {
    histogram.observe({ route: req.path, code: res.statusCode }, (Date.now() - start) / 1000);
  });
  next();
});
"##,
    ),
    (
        "javascript",
        r##"setInterval(async () => {
  const ok = await checkUpstream();
  if (!ok) alertOnCall('upstream down');
}, 30000);
"##,
    ),
    (
        "javascript",
        r##"let retries = 0;
while (retries < 3) {
  try {
    await connect();
    break;
  } catch (err) {
    retries += 1;
  }
}
"##,
    ),
    (
        "hcl",
        r##"data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}
"##,
    ),
    (
        "hcl",
        r##"terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}
"##,
    ),
    (
        "hcl",
        r##"resource "kubernetes_namespace" "team" {
  for_each = toset(local.teams)
  metadata {
    name = each.key
  }
}
"##,
    ),
    (
        "dockerfile",
        r##"# syntax=docker/dockerfile:1
FROM eclipse-temurin:21-jre
LABEL org.opencontainers.image.source="https://github.com/acme/orders"
COPY build/libs/orders.jar /app/orders.jar
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/orders.jar"]
"##,
    ),
    (
        "dockerfile",
        r##"FROM debian:bookworm-slim
VOLUME /data
EXPOSE 9100
CMD ["/usr/bin/exporter"]
"##,
    ),
    (
        "sql",
        r##"SELECT table_schema, ROUND(SUM(data_length + index_length) / 1024 / 1024) AS size_mb
FROM information_schema.tables
GROUP BY table_schema;
"##,
    ),
    (
        "sql",
        r##"CREATE INDEX CONCURRENTLY idx_orders_user_id ON orders (user_id);
"##,
    ),
    (
        "sql",
        r##"delete from audit_log where created_at < now() - interval '180 days';
"##,
    ),
    (
        "promql",
        r##"sum(kube_pod_status_phase{phase="Pending"}) by (namespace) > 0
"##,
    ),
    (
        "promql",
        r##"rate(container_cpu_cfs_throttled_periods_total[5m])
  / rate(container_cpu_cfs_periods_total[5m]) > 0.25
"##,
    ),
    (
        "promql",
        r##"max_over_time(kafka_consumergroup_lag{group="billing"}[10m])
"##,
    ),
    (
        "toml",
        r##"[profile.release]
lto = true
codegen-units = 1
panic = "abort"
"##,
    ),
    (
        "toml",
        r##"baseURL = "https://sre.example.com/"
title = "SRE handbook"

[params]
showToc = true
"##,
    ),
    (
        "toml",
        r##"[build]
command = "npm run build"
publish = "dist"
"##,
    ),
    (
        "ini",
        r##"[Service]
LimitNOFILE=65536
Environment="GOMAXPROCS=4"
"##,
    ),
    (
        "ini",
        r##"[defaults]
inventory = ./hosts
host_key_checking = False
forks = 20

[ssh_connection]
pipelining = True
"##,
    ),
    (
        "ini",
        r##"[run]
branch = True
omit = */migrations/*
"##,
    ),
    (
        "markdown",
        r##"## Status update (14:30 UTC)

**Impact:** checkout errors for ~3% of EU customers.
**Next update:** 15:00 UTC or sooner.

- [x] Rolled back release 2.14.1
- [ ] Confirm error rate is back to baseline
"##,
    ),
    (
        "markdown",
        r##"### On-call checklist

- Read the [handoff notes](https://wiki.internal/oncall/handoff)
- Check `#alerts-prod` for anything still firing
- Confirm your pager works with a **test page**
"##,
    ),
    (
        "markdown",
        r##"# Service ownership

| Service | Team     | Pager        |
| ------- | -------- | ------------ |
| ledger  | payments | payments-pri |
"##,
    ),
    (
        "text",
        r##"top - 10:41:07 up 41 days,  3:02,  2 users,  load average: 14.21, 12.80, 9.77
Tasks: 312 total,   3 running, 309 sleeping,   0 stopped,   0 zombie
%Cpu(s): 12.1 us,  4.3 sy,  0.0 ni, 20.4 id, 62.8 wa,  0.0 hi,  0.4 si,  0.0 st
"##,
    ),
    (
        "text",
        r##" pid  | usename |  state  | wait_event
------+---------+---------+------------
 4121 | app     | active  | Lock
 4187 | app     | idle in transaction | ClientRead
"##,
    ),
    (
        "text",
        r##"> GET /healthz HTTP/1.1
> Host: api.example.com
> User-Agent: curl/8.5.0
>
< HTTP/1.1 503 Service Unavailable
< Retry-After: 30
"##,
    ),
    (
        "text",
        r##"Symptoms: p99 latency doubled, no error spike, CPU flat.
Hypothesis: lock contention in the connection pool after the driver upgrade.
Evidence: pool wait time went from 2 ms to 180 ms at the deploy boundary.
"##,
    ),
    (
        "text",
        r##" 1  10.0.0.1  0.412 ms
 2  172.16.4.1  1.201 ms
 3  * * *
 4  203.0.113.9  38.774 ms
"##,
    ),
    // ------------------------------------------- fourth batch
    (
        "text",
        r##"For each service in the fleet we import the SLO targets from the catalog, then select
the ones whose error budget is below 20% and set a freeze on them until the window resets.
"##,
    ),
    (
        "text",
        r##"Request -> API gateway -> auth check -> rate limiter -> service
                                   |
                                   v
                              401 / 429
"##,
    ),
    (
        "text",
        r##"Error budget = 100% - 99.9% = 0.1%
Per 30 days: 0.001 x 43200 min = 43.2 min
"##,
    ),
    (
        "text",
        r##"WARNING: 3 nodes NotReady
  node-a: kubelet stopped posting status
  node-b: disk pressure
  node-c: network unavailable
"##,
    ),
    (
        "text",
        r##"Mon 09:00  primary: alice   secondary: bob
Tue 09:00  primary: bob     secondary: carol
Wed 09:00  primary: carol   secondary: alice
"##,
    ),
    (
        "yaml",
        r##"scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['10.0.1.5:9100', '10.0.1.6:9100']
"##,
    ),
    (
        "yaml",
        r##"env:
  - name: JAVA_OPTS
    value: "-Xmx1g -XX:+UseG1GC"
  - name: LOG_LEVEL
    value: info
"##,
    ),
    (
        "json",
        r##"{
  "annotations": {
    "prometheus.io/scrape": "true",
    "prometheus.io/port": "9102"
  }
}
"##,
    ),
    (
        "python",
        r##"for host in hosts:
    if not is_healthy(host):
        drain(host)
"##,
    ),
    (
        "python",
        r##"retry_policy = dict(max_attempts=3, backoff=2.0, jitter=True)
"##,
    ),
    (
        "bash",
        r##"helm upgrade --install ingress ingress-nginx/ingress-nginx -n ingress --version 4.10.0 -f values.yaml
"##,
    ),
    (
        "bash",
        r##"NODE=$(kubectl get pod "$POD" -o jsonpath='{.spec.nodeName}')
ssh "$NODE" sudo crictl ps | grep "$POD"
"##,
    ),
    (
        "bash",
        r##"lsof -p $(pgrep -f gunicorn | head -1) | wc -l
"##,
    ),
    (
        "go",
        r##"ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
defer cancel()
"##,
    ),
    (
        "java",
        r##"private static final Logger log = LoggerFactory.getLogger(PaymentService.class);
"##,
    ),
    (
        "javascript",
        r##"const { data } = await axios.get(`${BASE_URL}/v1/incidents`, { timeout: 5000 });
"##,
    ),
    (
        "hcl",
        r##"lifecycle {
  prevent_destroy = true
  ignore_changes  = [tags]
}
"##,
    ),
    (
        "dockerfile",
        r##"FROM prom/prometheus:v2.53.0
COPY prometheus.yml /etc/prometheus/prometheus.yml
COPY rules/ /etc/prometheus/rules/
"##,
    ),
    (
        "sql",
        r##"SELECT * FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted;
"##,
    ),
    (
        "promql",
        r##"sum by (job, instance) (rate(process_cpu_seconds_total[5m]))
"##,
    ),
    (
        "toml",
        r##"[[scrape]]
name = "api"
targets = ["10.0.0.4:9090", "10.0.0.5:9090"]
interval = "15s"
"##,
    ),
    (
        "ini",
        r##"[client]
user = backup
password = changeme
host = db-replica-2
"##,
    ),
    (
        "markdown",
        r##"## Alert: HighLatency

**Severity:** page

**What it means:** p99 latency for the API has been above 500 ms for 10 minutes.

**First steps:** open the [latency dashboard](https://grafana.internal/d/lat) and check recent deploys.
"##,
    ),
];

#[test]
fn detects_code_languages() {
    let mut per_label: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut confusion: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut misses = Vec::new();
    for (expected, code) in CASES {
        let got = detect_language(code);
        let entry = per_label.entry(expected).or_default();
        entry.0 += 1;
        if got == *expected {
            entry.1 += 1;
        } else {
            *confusion.entry((expected, got)).or_default() += 1;
            misses.push((*expected, got, code.lines().next().unwrap_or("")));
        }
    }

    println!("{:<12} {:>5} {:>7}", "label", "total", "correct");
    for (label, (total, correct)) in &per_label {
        println!("{label:<12} {total:>5} {correct:>7}");
    }
    for ((expected, got), n) in &confusion {
        println!("confused {expected} -> {got}: {n}");
    }
    for (expected, got, first) in &misses {
        println!("MISS expected {expected:<10} got {got:<10} | {first}");
    }
    let correct = CASES.len() - misses.len();
    let accuracy = correct as f64 / CASES.len() as f64;
    println!("accuracy {correct}/{} = {accuracy:.3}", CASES.len());

    assert!(CASES.len() >= 48, "the labelled set has at least 48 snippets");
    for (label, (total, _)) in &per_label {
        assert!(*total >= 3, "{label} has at least 3 snippets");
    }
    assert!(accuracy >= 0.90, "accuracy {accuracy:.3} is below 0.90");
}
