// The web build in a real browser: Debian's Chromium driven by playwright-core over the
// demo page (demo/index.html + demo/app.js), served by tests/server.mjs. Types a number of
// households and checks that the size verdict changes; saves a screenshot of the Chinese page
// to target/wasm-test/screenshot-zh.png. Needs `make browser-deps`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

import { serve } from "./server.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const OUT = fileURLToPath(new URL("../../target/wasm-test/", import.meta.url));

let server;
let browser;

before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: run make browser-deps`);
    server = await serve();
    browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    });
});

after(async () => {
    await browser?.close();
    await server?.close();
});

test("the demo page shows the size-households verdict as households are typed", async () => {
    const page = await browser.newPage({ viewport: { width: 720, height: 480 }, locale: "zh-CN" });
    const problems = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));

    await page.goto(`${server.url}/demo/`);
    const verdict = page.locator("#verdict");
    await page.waitForFunction(() => document.getElementById("verdict")?.dataset.status === "pass");
    assert.match(await verdict.textContent(), /^符合:户数 3000户/);
    assert.match(await page.locator("#policy").textContent(), /西安市《/);

    await page.fill("#households", "6200");
    await page.waitForFunction(() => document.getElementById("verdict")?.dataset.status === "fail");
    const failing = await verdict.textContent();
    assert.match(failing, /^不符合:户数 6200户,要求 1000–5000户,超出1200户/);

    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: `${OUT}screenshot-zh.png` });

    await page.fill("#households", "abc");
    await page.waitForFunction(() => document.getElementById("verdict")?.dataset.status === "error");
    assert.match(await verdict.textContent(), /^输入有误/);

    assert.deepEqual(problems, []);
    await page.close();
});
