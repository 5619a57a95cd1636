// The generated TypeScript declarations, checked with `tsc --noEmit -p` against the
// installed package: a correct program must pass (NodeNext and Bundler resolution, ESM and
// CommonJS), and a deliberately wrong one must fail, on the lines it marks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const TYPES = fileURLToPath(new URL("./types/", import.meta.url));
const TSC = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));

function tsc(config) {
    const r = spawnSync(process.execPath, [TSC, "--noEmit", "-p", TYPES + config, "--pretty", "false"], {
        encoding: "utf8",
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test("a correct program type-checks (NodeNext: import and require)", () => {
    const r = tsc("tsconfig.json");
    assert.equal(r.status, 0, r.out);
});

test("a correct program type-checks (Bundler resolution, the default condition)", () => {
    const r = tsc("tsconfig.bundler.json");
    assert.equal(r.status, 0, r.out);
});

test("a wrong program fails, on every line marked `error:`", () => {
    const r = tsc("tsconfig.bad.json");
    assert.notEqual(r.status, 0, "tsc accepted bad.ts");
    const marked = readFileSync(TYPES + "bad.ts", "utf8")
        .split("\n")
        .flatMap((line, i) => (/\/\/ error:/.test(line) ? [i + 1] : []));
    const reported = new Set([...r.out.matchAll(/bad\.ts\((\d+),\d+\): error TS\d+/g)].map((m) => Number(m[1])));
    assert.ok(marked.length >= 6);
    for (const line of marked) assert.ok(reported.has(line), `no error on bad.ts line ${line}:\n${r.out}`);
    for (const line of reported) assert.ok(marked.includes(line), `unexpected error on bad.ts line ${line}:\n${r.out}`);
});
