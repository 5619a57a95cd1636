// Uses the generated types as an application would; must type-check (tsconfig.json).
// No DOM or @types/node here (a plain ES2022 project): declare the one global used.
declare const console: { log(...args: unknown[]): void };
import init, { policies, Plan, type CheckResult, type Finding, type PolicyInfo } from "shequ";
import { lint, type Diagnostic } from "shequ/editor";

await init();
const all: PolicyInfo[] = policies();
const ids: string[] = all.filter((p) => p.status === "in_force").map((p) => p.id);

const compiled = Plan.compile(ids.slice(0, 1), { asOf: "2024-06-30" });
if (compiled.ok) {
    const plan: Plan = compiled.plan;
    const result: CheckResult = plan.check({ households: 6200, kind: "urban", has_office: true, name: null });
    if (result.ok) {
        const failing: Finding[] = result.findings.filter((f) => f.status === "fail");
        const messages: string[] = failing.map((f) => `${f.policy}/${f.rule}: ${f.message}`);
        console.log(messages, plan.policies.length, plan.asOf.length);
    } else {
        for (const e of result.errors) console.log(e.code, e.message, e.field ?? "", e.help ?? "");
    }
    plan.free();
} else {
    console.log(compiled.errors.map((e) => e.message));
}

const diags: Diagnostic[] = lint("[policy]\n");
const lines: number[] = diags.filter((d) => d.severity === "error").map((d) => d.line);
console.log(lines);
