// Prints pkg/package.json (argument: the package version). Run by scripts/build-wasm.sh.
//
// Every entry point is one of two modules: `shequ` (the form module: policies, Plan) and
// `shequ/editor` (the form module plus `lint`). Conditions, first match wins:
//   node    → require: the CommonJS build (nodejs target); import: an ES wrapper over it
//   webpack → the bundler target (webpack itself sets "browser" too, so this comes first)
//   browser, default → the web target (ES module; `await init()` fetches the .wasm)
// Each entry has its own types beside it: the web one declares `init(input?)` with the DOM's
// types; the Node ESM and bundler ones an `init` that does nothing; `require` gets
// wasm-bindgen's declarations as they are.
const version = process.argv[2];
if (!version) {
    console.error("usage: node package-json.mjs VERSION");
    process.exit(2);
}

const entry = (m) => ({
    node: {
        import: { types: `./${m}/node/index.d.mts`, default: `./${m}/node/index.mjs` },
        require: { types: `./${m}/node/shequ_wasm.d.ts`, default: `./${m}/node/shequ_wasm.js` },
    },
    webpack: { types: `./${m}/bundler/index.d.ts`, default: `./${m}/bundler/index.js` },
    browser: { types: `./${m}/web/index.d.ts`, default: `./${m}/web/index.js` },
    default: { types: `./${m}/web/index.d.ts`, default: `./${m}/web/index.js` },
});

const pkg = {
    name: "shequ",
    version,
    description:
        "Chinese urban-community governance policy as checkable data, in WebAssembly: check a community against bundled policies",
    license: "MIT OR Apache-2.0",
    repository: "https://example.invalid/shequ",
    main: "./form/node/shequ_wasm.js",
    types: "./form/node/shequ_wasm.d.ts",
    exports: {
        ".": entry("form"),
        "./editor": entry("editor"),
        "./package.json": "./package.json",
    },
    files: ["form/", "editor/", "README.md"],
    sideEffects: ["./*/bundler/shequ_wasm.js", "./*/bundler/index.js"],
    engines: { node: ">=18" },
};

process.stdout.write(JSON.stringify(pkg, null, 2) + "\n");
