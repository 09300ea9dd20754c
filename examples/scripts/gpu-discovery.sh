#!/usr/bin/env bash
# A Spark GPU discovery script: prints the GPUs of this machine as Spark's resource format, e.g.
#   {"name": "gpu", "addresses": ["0","1"]}
# Point spark.executor.resource.gpu.discoveryScript (or spark.worker.resource.gpu.discoveryScript) at it;
# it must be executable on every executor/worker machine. See docs/deploy.md.
set -euo pipefail

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-discovery.sh: nvidia-smi not found; install the NVIDIA driver on this machine or request no GPUs" >&2
  exit 1
fi
addresses="$(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ' | awk 'NF { printf "%s\"%s\"", (n++ ? "," : ""), $0 }')"
echo "{\"name\": \"gpu\", \"addresses\": [$addresses]}"
