// The ES module entry of the `shequ` package (`import ... from "shequ"` or "shequ/editor"):
// the same API in browsers, bundlers and Node. Copied into pkg/<module>/ by
// scripts/build-wasm.sh; the types of the API come from the Rust code (tsify, wasm-bindgen).
export * from "./web/shequ_wasm.js";
import type { InitInput, SyncInitInput } from "./web/shequ_wasm.js";

/**
 * Makes the module ready; call it once, and wait for it, before anything else. In a browser
 * it fetches and compiles `shequ_wasm_bg.wasm` (from beside the JavaScript, or from `input`:
 * a URL, a `Response`, bytes or a compiled `WebAssembly.Module`). Under Node and bundlers the
 * module is loaded on import and this does nothing.
 */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;

/**
 * `init` without waiting, from the module's bytes or a compiled `WebAssembly.Module`
 * (browsers); does nothing under Node and bundlers.
 */
export function initSync(module?: SyncInitInput): void;
