#!/usr/bin/env bash
# A Spark GPU discovery script: prints the GPUs this process may use in Spark's resource format, e.g.
#   {"name": "gpu", "addresses": ["0","1"]}
# Point spark.executor.resource.gpu.discoveryScript (or spark.worker.resource.gpu.discoveryScript) at it; it must
# be executable on every executor/worker machine. When CUDA_VISIBLE_DEVICES is set (one standalone Worker per
# GPU, or a container runtime that sets it) those GPUs are the answer; otherwise every GPU nvidia-smi lists.
# See docs/deploy.md.
set -euo pipefail

if [[ -n "${CUDA_VISIBLE_DEVICES:-}" ]]; then
  indexes="$(tr ',' '\n' <<< "$CUDA_VISIBLE_DEVICES")"
elif command -v nvidia-smi >/dev/null 2>&1; then
  indexes="$(nvidia-smi --query-gpu=index --format=csv,noheader)"
else
  echo "gpu-discovery.sh: nvidia-smi not found and CUDA_VISIBLE_DEVICES not set; install the NVIDIA driver on" \
    "this machine or request no GPUs" >&2
  exit 1
fi
addresses="$(tr -d ' ' <<< "$indexes" | awk 'NF { printf "%s\"%s\"", (n++ ? "," : ""), $0 }')"
echo "{\"name\": \"gpu\", \"addresses\": [$addresses]}"
