// Deliberately wrong uses of the API; tsconfig.bad.json must FAIL on each marked line.
// No DOM or @types/node here (a plain ES2022 project): declare the one global used.
declare const console: { log(...args: unknown[]): void };
import { policies, Plan } from "shequ";

Plan.compile("xian-2023", { asOf: "2024-06-30" }); // error: ids must be string[]
Plan.compile(["xian-2023"], { asof: "2024-06-30" }); // error: the option is asOf
const compiled = Plan.compile(["xian-2023"], { asOf: "2024-06-30" });
compiled.plan.check({ households: 6200 }); // error: plan exists only when ok
if (compiled.ok) {
    compiled.plan.check({ households: [6200] }); // error: a value is not an array
    const r = compiled.plan.check({});
    if (!r.ok) console.log(r.findings); // error: failures have no findings
}
const n: number = policies()[0].title; // error: title is a string
new Plan(); // error: the constructor is private
console.log(n);
