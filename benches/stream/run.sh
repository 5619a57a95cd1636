#!/usr/bin/env bash
# The command end to end on large rosters: CSV in, each output format to /dev/null, on one
# core (taskset -c 0), with wall time and peak memory (GNU time's maximum resident set).
# Rosters of 10^4, 10^5 and 10^6 communities from the seeded generator, against 西安 2023 +
# 毕节 2017 (with their national layer: 57 rules, about 40 findings per community).
#
#   bash benches/stream/run.sh            # all sizes
#   SIZES="10000 100000" bash benches/stream/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZES=${SIZES:-"10000 100000 1000000"}
dir=${STREAM_DIR:-target/stream}
mkdir -p "$dir"
cargo build --release -q -p shequ-cli -p shequ-bench
bin=target/release/shequ
pin=()
if command -v taskset >/dev/null 2>&1; then pin=(taskset -c 0); fi
printf '| communities | output | flags | seconds | communities/s | peak memory (MB) | output (MB) |\n|---|---|---|---|---|---|---|\n'
for n in $SIZES; do
    roster="$dir/roster-$n.csv"
    [ -f "$roster" ] || target/release/shequ-bench generate --n "$n" --seed 42 --out "$roster"
    for spec in "jsonl|" "jsonl|--messages" "json|" "json|--no-messages" "csv|" "csv|--no-messages" "csv --wide|" "table|"; do
        fmt=${spec%%|*}
        flags=${spec#*|}
        # shellcheck disable=SC2086
        /usr/bin/time -f "%e %M" -o "$dir/time" "${pin[@]}" "$bin" check --policy xian-2023 --policy bijie-2017 \
            --as-of 2024-06-30 --format $fmt $flags "$roster" | wc -c > "$dir/bytes"
        read -r secs kb < "$dir/time"
        bytes=$(cat "$dir/bytes")
        rate=$(awk -v n="$n" -v s="$secs" 'BEGIN { if (s > 0) printf "%d", n / s; else print "-" }')
        printf '| %s | %s | %s | %s | %s | %.1f | %.0f |\n' "$n" "$fmt" "${flags:--}" "$secs" "$rate" \
            "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')" "$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')"
    done
done

# The same rosters as offices have them: GB18030 CSV (Chinese Excel's "CSV") and an .xlsx
# sheet with a title row and a 合计 row, Chinese headers; JSON Lines out.
printf '\n| communities | input | seconds | communities/s | peak memory (MB) |\n|---|---|---|---|---|\n'
for n in $SIZES; do
    csv="$dir/roster-$n.csv"
    [ -f "$dir/roster-$n-gbk.csv" ] || target/release/shequ-bench office --input "$csv" --out "$dir/roster-$n-gbk.csv"
    [ -f "$dir/roster-$n.xlsx" ] || target/release/shequ-bench office --input "$csv" --out "$dir/roster-$n.xlsx"
    for input in "$csv" "$dir/roster-$n-gbk.csv" "$dir/roster-$n.xlsx"; do
        /usr/bin/time -f "%e %M" -o "$dir/time" "${pin[@]}" "$bin" check --policy xian-2023 --policy bijie-2017 \
            --as-of 2024-06-30 --format jsonl "$input" > /dev/null
        read -r secs kb < "$dir/time"
        rate=$(awk -v n="$n" -v s="$secs" 'BEGIN { if (s > 0) printf "%d", n / s; else print "-" }')
        printf '| %s | %s | %s | %s | %.1f |\n' "$n" "$(basename "$input")" "$secs" "$rate" \
            "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"
    done
done
