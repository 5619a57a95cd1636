// Bundlers that load .wasm as an ES module (webpack 5 with `experiments.asyncWebAssembly`):
// the module is ready once imported, so `init` does nothing. Copied to
// pkg/<module>/bundler/index.js by scripts/build-wasm.sh.
export * from "./shequ_wasm.js";

export default async function init() {}

export function initSync() {}
