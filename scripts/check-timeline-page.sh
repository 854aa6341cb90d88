#!/usr/bin/env bash
# Renders the order timeline page in headless Chromium and checks that it drew the order's events.
# Usage: scripts/check-timeline-page.sh [base-url]   (default http://localhost:8080, e.g. ./mvnw quarkus:dev)
# Needs chromium (Debian: apt-get install chromium). Leaves a screenshot in target/timeline.png.
set -euo pipefail
base=${1:-http://localhost:8080}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "chromium is not installed (apt-get install chromium)" >&2; exit 2; }

order=$(curl -sf -X POST "$base/orders" -H 'content-type: application/json' -d '{"customerId":"page-check",
  "items":[{"sku":"SKU-1","quantity":1,"unitPrice":"2.00"}],"currency":"EUR","shippingAddress":{"country":"DE"}}' \
  | sed -E 's/.*"orderId":"([^"]+)".*/\1/')
for _ in $(seq 1 50); do
  curl -sf "$base/orders/$order" | grep -q '"status":"COMPLETED"' && break
  sleep 0.2
done

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)" --virtual-time-budget=5000)
dom=$("$browser" "${flags[@]}" --dump-dom "$base/orders/$order/view" 2>/dev/null)
mkdir -p target
"$browser" "${flags[@]}" --window-size=1200,700 --screenshot=target/timeline.png "$base/orders/$order/view" >/dev/null 2>&1

rows=$(grep -o '<tr class="[a-z]*">' <<<"$dom" | wc -l)
if grep -q 'order.completed' <<<"$dom" && [ "$rows" -ge 8 ]; then
  echo "timeline page for $order drew $rows events (screenshot: target/timeline.png)"
else
  echo "timeline page for $order did not draw the order's events" >&2
  exit 1
fi
