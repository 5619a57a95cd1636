// The built package as a Node user gets it: `shequ` installed from the packed
// bindings-wasm/pkg into tests/node_modules (scripts/wasm-test.sh does that), imported by
// name through its exports map. Run: `make wasm-test`, or `node --test tests/` after it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

import init, { policies, Plan } from "shequ";
import * as editor from "shequ/editor";

const require = createRequire(import.meta.url);
const COMMUNITY = { households: 6200, residents: 17800, workers: 20, kind: "urban" };

function sizeHouseholds(result) {
    assert.equal(result.ok, true, JSON.stringify(result.errors));
    return result.findings.find((f) => f.policy === "xian-2023" && f.rule === "size-households");
}

test("the ESM import resolves to the node build", () => {
    assert.match(import.meta.resolve("shequ"), /\/node_modules\/shequ\/form\/node\/index\.mjs$/);
    assert.match(require.resolve("shequ"), /\/node_modules\/shequ\/form\/node\/shequ_wasm\.js$/);
    assert.equal(typeof init, "function");
    assert.equal(typeof Plan.compile, "function");
});

test("policies() lists the bundled documents as plain objects", async () => {
    await init(); // a no-op under Node; code written for browsers runs unchanged
    const all = policies();
    assert.ok(Array.isArray(all) && all.length >= 9);
    const xian = all.find((p) => p.id === "xian-2023");
    assert.ok(xian, "xian-2023 is bundled");
    assert.deepEqual(Object.keys(xian).sort(), ["id", "issuer", "published", "rules", "status", "title"]);
    assert.equal(xian.issuer, "西安市");
    assert.match(xian.published, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(xian.status, "in_force");
    assert.ok(xian.rules.includes("size-households"));
    assert.equal(Object.getPrototypeOf(xian), Object.prototype);
});

test("xian-2023: 6200 households fail size-households", () => {
    const compiled = Plan.compile(["xian-2023"], { asOf: "2024-06-30" });
    assert.equal(compiled.ok, true);
    const { plan } = compiled;
    assert.ok(plan instanceof Plan);
    assert.deepEqual(plan.policies, ["national-rcl-2018", "national-plan-2021", "xian-2023"]);
    assert.equal(plan.asOf, "2024-06-30");

    const f = sizeHouseholds(plan.check(COMMUNITY));
    assert.ok(f, "a size-households finding");
    assert.equal(f.status, "fail");
    assert.equal(f.actual, 6200);
    assert.equal(f.measure, "households");
    assert.equal(f.required.max, 5000);
    assert.match(f.message, /户数 6200户/);
    // plain objects all the way down (json_compatible), not Maps
    assert.equal(Object.getPrototypeOf(f.citation), Object.prototype);

    // the same plan, re-checked (the form's keystroke path), passes at 3000
    assert.equal(sizeHouseholds(plan.check({ ...COMMUNITY, households: "3000" })).status, "pass");
    assert.equal(sizeHouseholds(plan.check({ ...COMMUNITY, households: null })).status, "missing_data");
    plan.free();
});

test("require() gets the CommonJS build with the same API", () => {
    const cjs = require("shequ");
    assert.equal(typeof cjs.Plan, "function");
    assert.equal(cjs.lint, undefined, "lint is only in shequ/editor");
    const compiled = cjs.Plan.compile(["xian-2023"], { asOf: "2024-06-30" });
    assert.equal(compiled.ok, true);
    assert.equal(sizeHouseholds(compiled.plan.check(COMMUNITY)).status, "fail");
    assert.equal(typeof require("shequ/editor").lint, "function");
});

test("expected failures come back as {ok: false, errors}", () => {
    const unknown = Plan.compile(["nowhere-2099"], { asOf: "2024-06-30" });
    assert.equal(unknown.ok, false);
    assert.equal(unknown.errors[0].code, "unknown-policy");
    assert.match(unknown.errors[0].help, /xian-2023/);

    const date = Plan.compile(["xian-2023"], { asOf: "2024-13-01" });
    assert.equal(date.ok, false);
    assert.equal(date.errors[0].code, "invalid-date");

    const { plan } = Plan.compile(["xian-2023"], { asOf: "2024-06-30" });
    const bad = plan.check({ households: "many", househlds: 10, residents: Number.NaN });
    assert.equal(bad.ok, false);
    assert.deepEqual(
        bad.errors.map((e) => [e.code, e.field]),
        [
            ["invalid-value", "households"],
            ["unknown-field", "househlds"],
            ["invalid-value", "residents"],
        ],
    );
    assert.match(bad.errors[1].help, /households/);
});

test("misuse throws a real TypeError, never a string", () => {
    const { plan } = Plan.compile(["xian-2023"], { asOf: "2024-06-30" });
    const cases = [
        () => Plan.compile("xian-2023", { asOf: "2024-06-30" }),
        () => Plan.compile([42], { asOf: "2024-06-30" }),
        () => Plan.compile(["xian-2023"], {}),
        () => Plan.compile(["xian-2023"]),
        () => plan.check(null),
        () => plan.check([6200]),
        () => plan.check({ households: { value: 6200 } }),
    ];
    for (const call of cases) {
        assert.throws(call, (e) => e instanceof TypeError && !/Rust|shequ_wasm::/.test(e.message), call.toString());
    }
});

test("shequ/editor adds lint, which returns diagnostics", async () => {
    await editor.default();
    assert.equal(typeof editor.Plan.compile, "function");
    const diags = editor.lint("[policy]\nid = \"x\"\n");
    assert.ok(Array.isArray(diags) && diags.length > 0);
    const d = diags[0];
    assert.deepEqual(
        Object.keys(d).sort(),
        ["code", "column", "file", "help", "line", "message", "policy", "rule", "severity"],
    );
    assert.equal(d.severity, "error");
    assert.equal(d.file, "policy.toml");
    assert.deepEqual(editor.lint("this is not toml = = ")[0].code, "syntax");
});
