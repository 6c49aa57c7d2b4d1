/// <reference types="node" />
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { defineConfig, type Plugin } from "vite";

/** Every file under `dir`, as URL paths ("/icons/icon-192.png"). */
function publicFiles(dir: string, prefix = "/"): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? publicFiles(path, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

/**
 * Emits `sw.js` from `sw/sw.js` with the list of files that make the app shell (this build's
 * hashed assets, index.html, the public files) and a version derived from that list, so each
 * release gets a fresh cache and the old one is deleted.
 */
function serviceWorker(): Plugin {
  return {
    name: "onething-service-worker",
    apply: "build",
    generateBundle(_options, bundle) {
      const files = [
        "/index.html", // emitted by Vite's HTML step, after this hook
        ...Object.keys(bundle).filter((name) => name !== "index.html").map((name) => `/${name}`),
        ...publicFiles(join(import.meta.dirname, "public")),
      ].sort();
      const version = createHash("sha256").update(files.join("\n")).digest("hex").slice(0, 16);
      const template = readFileSync(join(import.meta.dirname, "sw", "sw.js"), "utf8");
      this.emitFile({
        type: "asset",
        fileName: "sw.js",
        source: template.replace("__VERSION__", version).replace("__PRECACHE__", JSON.stringify(files)),
      });
    },
  };
}

// Vite 8 transforms TS/JSX with Oxc (the former `esbuild` option is deprecated); these are the
// same automatic-runtime JSX settings, pointed at Preact. @preact/preset-vite is not used: it
// pulls in Babel for HMR niceties the app does not need.
export default defineConfig({
  base: "/",
  plugins: [serviceWorker()],
  oxc: {
    jsx: { runtime: "automatic", importSource: "preact" },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The server's CSP allows fonts only from 'self' (no data: URLs): emit every asset as a
    // separate same-origin file rather than inlining small ones as data: URLs.
    assetsInlineLimit: 0,
    sourcemap: false,
    // No modulepreload polyfill (saves ~0.4 KB gzip): browsers without native modulepreload
    // still load the lazy wizard chunk, only without preloading.
    modulePreload: { polyfill: false },
  },
  server: {
    // `npm run dev` talks to the local API (`onething` serves on 127.0.0.1:8000 by default).
    proxy: {
      "/api": "http://127.0.0.1:8000",
    },
  },
});
