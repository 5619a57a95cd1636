// check.mjs — the time of `plan.check` in Node (the Node build of the form module), the
// per-keystroke call of a form: one community, re-checked many times, findings converted
// to plain objects. Reads bindings-wasm/pkg (run `make wasm` first).
//
//   node benches/wasm/check.mjs [--runs N] [--warmup N] [--policy ID ...]
//
// Prints the median, mean and 10th/90th percentiles in µs per call over N timed runs.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

const pkg = fileURLToPath(new URL("../../bindings-wasm/pkg/", import.meta.url));
if (!existsSync(pkg + "package.json")) {
    console.error(`check.mjs: no ${pkg}: run make wasm first`);
    process.exit(1);
}
const { values } = parseArgs({
    options: {
        runs: { type: "string", default: "20000" },
        warmup: { type: "string", default: "2000" },
        policy: { type: "string", multiple: true, default: ["xian-2023"] },
    },
});
const runs = Number(values.runs);
const warmup = Number(values.warmup);

// The package folder itself (its `main`: the nodejs build of the form module).
const { Plan } = createRequire(pkg)(pkg);
const compiled = Plan.compile(values.policy, { asOf: "2024-06-30" });
if (!compiled.ok) {
    console.error(compiled.errors);
    process.exit(1);
}
const plan = compiled.plan;
const community = { households: 6200, residents: 17800, workers: 20, kind: "urban" };

let findings = 0;
for (let i = 0; i < warmup; i++) plan.check({ ...community, households: 1000 + (i % 9000) });
const times = new Float64Array(runs);
for (let i = 0; i < runs; i++) {
    const c = { ...community, households: 1000 + (i % 9000) }; // a different value each time
    const t0 = performance.now();
    const r = plan.check(c);
    times[i] = performance.now() - t0;
    findings += r.ok ? r.findings.length : 0;
}
times.sort();
const us = (ms) => (ms * 1000).toFixed(1);
const q = (p) => times[Math.min(runs - 1, Math.floor(p * runs))];
const mean = times.reduce((a, b) => a + b, 0) / runs;
console.log(
    `plan.check (${values.policy.join("+")}, ${plan.policies.length} policies, ${findings / runs} findings): ` +
        `median ${us(q(0.5))} µs, mean ${us(mean)} µs, p10 ${us(q(0.1))} µs, p90 ${us(q(0.9))} µs ` +
        `over ${runs} runs (node ${process.version})`,
);
plan.free();
