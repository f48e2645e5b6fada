// The web UI: built into ui/dist, which the server serves (with index.html for client-side pages).
// `npm run build:ui` runs this; `npx vite --config ui/vite.config.ts` serves it with the API proxied.
import path from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root,
  base: "/",
  plugins: [react()],
  build: {
    outDir: path.join(root, "dist"),
    emptyOutDir: true,
    // The reports page (ECharts) is its own chunk; the journal loads without it.
    chunkSizeWarningLimit: 700,
    sourcemap: false,
  },
  server: {
    port: 5173,
    proxy: { "/api": { target: "http://127.0.0.1:8080", changeOrigin: false } },
  },
});
