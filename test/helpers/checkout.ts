// A copy of this checkout as a fresh clone has it (no dist/, no ui/dist/), sharing node_modules by a
// link: for the build's own tests and the startup benchmark's first `npm start`.
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

/** Copies the checkout's sources into `<dir>/checkout`; with `ui` also the web UI's. Returns the copy. */
export function copyCheckout(dir: string, o: { ui?: boolean } = {}): string {
  const copy = path.join(dir, "checkout");
  const parts = ["package.json", ".npmrc", "tsconfig.json", "bin", "scripts", "src", ...(o.ui ? ["ui"] : [])];
  for (const f of parts) {
    if (!fs.existsSync(path.join(root, f))) continue;
    fs.cpSync(path.join(root, f), path.join(copy, f), {
      recursive: true,
      filter: (src) => !/(^|\/)(dist|node_modules)$/.test(path.relative(root, src)),
    });
  }
  fs.symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"));
  return copy;
}
