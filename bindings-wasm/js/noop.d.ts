// Types of the ES module entries for Node (pkg/<module>/node/index.d.mts) and bundlers
// (pkg/<module>/bundler/index.d.ts): the API, plus an `init` that does nothing, so that
// code written for browsers type-checks and runs unchanged. Copied by scripts/build-wasm.sh.
export * from "./shequ_wasm.js";

/** Does nothing: the module is loaded on import here. (In browsers it fetches the .wasm.) */
export default function init(input?: unknown): Promise<void>;

/** Does nothing: the module is loaded on import here. */
export function initSync(module?: unknown): void;
