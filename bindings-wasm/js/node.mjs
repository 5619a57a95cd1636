// Node, `import`: the CommonJS build (which loads the .wasm synchronously on first import),
// re-exported as an ES module, with `init` doing nothing so that code written for browsers
// runs unchanged. Copied to pkg/<module>/node/index.mjs by scripts/build-wasm.sh.
export * from "./shequ_wasm.js";

export default async function init() {}

export function initSync() {}
