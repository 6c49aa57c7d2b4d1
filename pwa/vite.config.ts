import { defineConfig, type Plugin } from "vite";

/**
 * Deep links (/bundles/newborn-birth/form/mother) and reloads must get the app shell. The API
 * serves pwa/dist with Litestar's static files in HTML mode, which answers an unknown path with
 * `404.html` when there is one (status 404, but the page loads and routes itself). Until the
 * server has a real SPA fallback (index.html with 200 for non-API paths), ship the shell twice.
 */
function shellAs404(): Plugin {
  return {
    name: "onething:shell-as-404",
    apply: "build",
    enforce: "post",
    generateBundle(_options, bundle) {
      const shell = bundle["index.html"];
      if (shell?.type !== "asset") this.error("index.html missing from the bundle");
      this.emitFile({ type: "asset", fileName: "404.html", source: shell.source });
    },
  };
}

// Vite 8 transforms TS/JSX with Oxc (the former `esbuild` option is deprecated); these are the
// same automatic-runtime JSX settings, pointed at Preact. @preact/preset-vite is not used: it
// pulls in Babel for HMR niceties the app does not need.
export default defineConfig({
  base: "/",
  plugins: [shellAs404()],
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
