// Lists user-facing literal text in the PWA's sources outside the message catalogs (src/i18n):
// words between JSX tags, labelling attributes with literal text, and Chinese in any string.
// Parses with the bundler's own parser (rolldown/oxc). Prints JSON: [{file, text}], exit 0.
// Usage: node scripts/strings.mjs [file ...]   (default: every .ts/.tsx file under src/)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAst } from "rolldown/parseAst";

const root = join(import.meta.dirname, "..");
const WORDS = /[A-Za-z\u3400-\u9fff]/;
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
const LABELS = new Set(["aria-label", "aria-description", "title", "placeholder", "alt", "label"]);

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "i18n" ? [] : files(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

function walk(node, visit) {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (typeof node.type === "string") visit(node);
  for (const [key, value] of Object.entries(node)) {
    if (key !== "parent") walk(value, visit);
  }
}

function literalsIn(path) {
  const source = readFileSync(path, "utf8");
  const program = parseAst(source, { lang: path.endsWith(".tsx") ? "tsx" : "ts" }, path);
  const found = [];
  walk(program, (node) => {
    if (node.type === "JSXText" && WORDS.test(node.value)) found.push(node.value.trim());
    const inner = node.type === "JSXExpressionContainer" ? node.expression : null;
    if (inner?.type === "Literal" && typeof inner.value === "string" && WORDS.test(inner.value)) found.push(inner.value);
    if (node.type === "JSXAttribute" && node.value?.type === "Literal") {
      const name = node.name?.name;
      if (LABELS.has(name) && WORDS.test(String(node.value.value))) found.push(`${name}="${node.value.value}"`);
    }
    if (node.type === "Literal" && typeof node.value === "string" && CJK.test(node.value)) found.push(node.value);
    if (node.type === "TemplateElement" && CJK.test(node.value?.raw ?? "")) found.push(node.value.raw);
  });
  return found.map((text) => ({ file: relative(root, path), text }));
}

const targets = process.argv.length > 2 ? process.argv.slice(2) : files(join(root, "src"));
process.stdout.write(JSON.stringify({ files: targets.length, found: targets.flatMap(literalsIn) }));
