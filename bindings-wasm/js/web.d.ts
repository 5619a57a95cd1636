// Types of the browser entry (pkg/<module>/web/index.js): the API, plus `init`. Copied to
// pkg/<module>/web/index.d.ts by scripts/build-wasm.sh; the API's types are generated from
// the Rust code (wasm-bindgen, tsify) into ./shequ_wasm.d.ts.
export * from "./shequ_wasm.js";
import type { InitInput, SyncInitInput } from "./shequ_wasm.js";

/**
 * Fetches and compiles the module: call it once, and wait for it, before anything else.
 * Without `input` it fetches `shequ_wasm_bg.wasm` from beside this file; `input` may be a
 * URL, a `Response`, the bytes or a compiled `WebAssembly.Module`. (Under Node and bundlers
 * the same `init` exists and does nothing.)
 */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;

/** `init` without waiting, from the module's bytes or a compiled `WebAssembly.Module`. */
export function initSync(module: SyncInitInput): void;
