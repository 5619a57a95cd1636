// Browsers (and any ES module host without a bundler): `await init()` fetches the .wasm
// beside the glue. Copied to pkg/<module>/web/index.js by scripts/build-wasm.sh.
import wbgInit, { initSync as wbgInitSync } from "./shequ_wasm.js";

export * from "./shequ_wasm.js";

export default async function init(input) {
    await wbgInit(input === undefined ? undefined : { module_or_path: input });
}

export function initSync(module) {
    wbgInitSync({ module });
}
