// A static file server for the demo and the browser test (node's http module only), on
// 127.0.0.1. Serves .wasm as application/wasm, which `WebAssembly.instantiateStreaming`
// requires. Run directly to try the demo by hand:
//   node bindings-wasm/tests/server.mjs        → http://127.0.0.1:PORT/demo/
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".wasm": "application/wasm",
    ".css": "text/css; charset=utf-8",
    ".ts": "text/plain; charset=utf-8",
    ".png": "image/png",
};

/** The folder served by default: bindings-wasm/ (demo/ and pkg/ side by side). */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Serves `root` on 127.0.0.1 at `port` (0: any free port); resolves to {url, close}. */
export function serve(root = ROOT, port = 0) {
    const base = resolve(root);
    const server = createServer(async (req, res) => {
        try {
            const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
            let file = normalize(join(base, path));
            if (file !== base && !file.startsWith(base + sep)) {
                res.writeHead(403).end("forbidden");
                return;
            }
            if ((await stat(file)).isDirectory()) file = join(file, "index.html");
            const body = await readFile(file);
            res.writeHead(200, {
                "content-type": TYPES[extname(file)] ?? "application/octet-stream",
                "cache-control": "no-store",
            });
            res.end(body);
        } catch {
            res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        }
    });
    return new Promise((ok, fail) => {
        server.once("error", fail);
        server.listen(port, "127.0.0.1", () => {
            const { port: p } = server.address();
            ok({
                url: `http://127.0.0.1:${p}`,
                close: () => new Promise((done) => server.close(done)),
            });
        });
    });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
    const { url } = await serve(ROOT, Number(process.env.PORT ?? 8080));
    console.log(`serving ${ROOT} at ${url}/demo/ (Ctrl-C stops)`);
}
