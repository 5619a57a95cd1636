// The CommonJS entry's types (the `require` condition); must type-check.
// No DOM or @types/node here (a plain ES2022 project): declare the one global used.
declare const console: { log(...args: unknown[]): void };
import shequ = require("shequ");

const compiled = shequ.Plan.compile(["xian-2023"], { asOf: "2024-06-30" });
const verdicts: string[] = compiled.ok
    ? (() => {
          const r = compiled.plan.check({ households: 6200 });
          return r.ok ? r.findings.map((f) => f.status) : [];
      })()
    : compiled.errors.map((e) => e.code);
console.log(verdicts, shequ.policies().length);
