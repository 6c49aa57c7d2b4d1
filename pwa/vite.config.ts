import { defineConfig } from "vite";

// Vite 8 transforms TS/JSX with Oxc (the former `esbuild` option is deprecated); these are the
// same automatic-runtime JSX settings, pointed at Preact. @preact/preset-vite is not used: it
// pulls in Babel for HMR niceties the app does not need.
export default defineConfig({
  base: "/",
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
