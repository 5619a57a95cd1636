// A minimal page over the web build: type households, see the size verdict of 西安 2023.
import init, { policies, Plan } from "shequ";

const POLICY = "xian-2023";
const RULE = "size-households";
const AS_OF = "2024-06-30";
const LABEL = { pass: "符合", fail: "不符合", ambiguous: "有歧义", not_applicable: "不适用", missing_data: "缺少数据" };

const $ = (id) => document.getElementById(id);

await init();
const info = policies().find((p) => p.id === POLICY);
if (info) $("policy").textContent = `${info.issuer}《${info.title}》`;
$("as-of").textContent = AS_OF;

const compiled = Plan.compile([POLICY], { asOf: AS_OF });
if (!compiled.ok) throw new Error(compiled.errors.map((e) => e.message).join("; "));
const plan = compiled.plan;

function show() {
    const text = $("households").value;
    const result = plan.check({ households: text });
    const out = $("verdict");
    if (!result.ok) {
        out.dataset.status = "error";
        out.textContent = `输入有误:${result.errors.map((e) => e.message).join(";")}`;
        return;
    }
    const f = result.findings.find((x) => x.policy === POLICY && x.rule === RULE);
    out.dataset.status = f ? f.status : "none";
    out.textContent = f ? `${LABEL[f.status] ?? f.status}:${f.message}` : "没有这条规则的结果";
}

$("households").addEventListener("input", show);
show();
