// `npm run test:imports` (issue 17): imports in src/ run one way, and every export of src/ is used.
//
// 1. Layers, lowest first; a module may import its own unit and any LOWER layer, nothing else (not
//    a sibling of its own layer). A unit is a folder of src/, a file at src/ itself, or `admin`:
//    a family's tenant administration (`src/<family>/admin*.ts`) lives beside the family but sits
//    with src/admin/ above the families. The families do not know each other, their admin files
//    included. Type-only and dynamic imports count: a cycle through types is still a cycle.
// 2. An exported name of src/ that no module of src/, test/, scripts/ or bench/ imports is dead:
//    drop the `export` (or the code). src/index.ts is the Worker's entry and exempt. With `--fix`,
//    `export` is dropped from such declarations that their own module still uses; a name used
//    nowhere at all is left for a person to delete.
// 3. zod and jose's keys/JWT modules are never initialised at startup (docs/architecture.md#startup): no
//    module that src/index.ts reaches through value imports (type-only imports and `import()` do not
//    count) imports them. Schema modules and jose are loaded with `import()` on first use.
// Plain regular expressions over the source, no TypeScript program: it runs in well under a second.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const SRC = join(ROOT, "src");

/** `shared ← cpr|portal|upi ← admin|oauth ← openapi ← families.ts ← index.ts` (folders, or files at src/). */
const LAYERS = [
  ["shared"],
  ["cpr", "portal", "upi"],
  ["admin", "oauth"],
  ["openapi"],
  ["families.ts"],
  ["index.ts"],
];
const FAMILIES = LAYERS[1];
const ENTRY = join(SRC, "index.ts");

function filesUnder(dir, extensions) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, extensions));
    else if (extensions.some((extension) => name.endsWith(extension))) out.push(path);
  }
  return out;
}

/** The first folder under src/ (or the file's own name at src/ itself); `admin` for a family's admin files. */
function unitOf(file) {
  const [top, name] = relative(SRC, file).split("/");
  return FAMILIES.includes(top) && /^admin(-[a-z-]+)?\.ts$/.test(name) ? "admin" : top;
}

/** The family whose folder holds `file`, if any. */
function familyOf(file) {
  const top = relative(SRC, file).split("/")[0];
  return FAMILIES.includes(top) ? top : undefined;
}

function layerOf(unit) {
  return LAYERS.findIndex((layer) => layer.includes(unit));
}

/** The module a relative specifier names, or undefined for packages and files outside the repo. */
function resolveSpecifier(from, specifier) {
  if (!specifier.startsWith(".")) return undefined;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.mjs`, join(base, "index.ts")]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  return undefined;
}

const STATIC =
  /(?:^|[;\n])\s*(import|export)\s+(?:type\s+)?((?:\w+\s*,\s*)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\}|\w+))\s+from\s+["']([^"']+)["']/g;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Every import of a module: the target specifier and the names it takes (`*` for all of them). */
function importsOf(source) {
  const found = [];
  for (const [, keyword, clause, specifier] of source.matchAll(STATIC)) {
    const names = [];
    const braces = clause.match(/\{([^}]*)\}/);
    if (braces) {
      for (const part of braces[1].split(",")) {
        const name = part
          .trim()
          .replace(/^type\s+/, "")
          .split(/\s+as\s+/)[0];
        if (name) names.push(name);
      }
    }
    if (clause.includes("*")) names.push("*");
    const defaultName = clause.match(/^(\w+)\s*(,|$)/);
    if (keyword === "import" && defaultName) names.push("default");
    found.push({ specifier, names });
  }
  for (const [, specifier] of source.matchAll(DYNAMIC)) found.push({ specifier, names: ["*"] });
  return found;
}

const DECLARED =
  /^export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\*?|const|let|var|class|interface|type|enum|namespace)\s+(\w+)/gm;
const LISTED = /^export\s+(?:type\s+)?\{([^}]*)\}\s*(?:from\s+["'][^"']+["'])?/gm;

function exportsOf(source) {
  const names = [...source.matchAll(DECLARED)].map(([, name]) => name);
  for (const [, list] of source.matchAll(LISTED)) {
    for (const part of list.split(",")) {
      const name = part
        .trim()
        .replace(/^type\s+/, "")
        .split(/\s+as\s+/)
        .pop();
      if (name) names.push(name);
    }
  }
  if (/^export\s+default\b/m.test(source)) names.push("default");
  return names;
}

const failures = [];
const sourceFiles = filesUnder(SRC, [".ts"]);
const readers = [
  ...sourceFiles,
  ...["test", "scripts", "bench"].flatMap((dir) => filesUnder(join(ROOT, dir), [".ts", ".mjs"])),
  join(ROOT, "vitest.config.ts"),
];

const used = new Map(); // module → Set of imported names
for (const file of readers) {
  const source = readFileSync(file, "utf8");
  for (const { specifier, names } of importsOf(source)) {
    const target = resolveSpecifier(file, specifier);
    if (!target) continue;
    if (!used.has(target)) used.set(target, new Set());
    for (const name of names) used.get(target).add(name);

    if (!sourceFiles.includes(file) || !target.startsWith(`${SRC}/`)) continue;
    const [from, to] = [unitOf(file), unitOf(target)];
    const where = `${relative(ROOT, file)} imports ${relative(ROOT, target)}`;
    const [fromFamily, toFamily] = [familyOf(file), familyOf(target)];
    if (fromFamily && toFamily && fromFamily !== toFamily)
      failures.push(`${where}: the families do not import each other (move the shared piece to src/shared/)`);
    if (from === to) continue;
    const [fromLayer, toLayer] = [layerOf(from), layerOf(to)];
    if (fromLayer < 0) failures.push(`${where}: src/${from} is in no layer (add it to LAYERS)`);
    else if (toLayer < 0) failures.push(`${where}: src/${to} is in no layer (add it to LAYERS)`);
    else if (toLayer >= fromLayer)
      failures.push(
        `${where}: ${from} (layer ${fromLayer}) may import only lower layers, ${to} is layer ${toLayer}`,
      );
  }
}

const FIX = process.argv.includes("--fix");
const DECLARATION_HEAD =
  "(?:declare\\s+)?(?:async\\s+)?(?:abstract\\s+)?(?:function\\*?|const|let|var|class|interface|type|enum)";
for (const file of sourceFiles) {
  if (file === ENTRY) continue;
  const imported = used.get(file) ?? new Set();
  if (imported.has("*")) continue;
  const original = readFileSync(file, "utf8");
  let source = original;
  const exported = exportsOf(original);
  if (FIX) {
    // A name another module imports but this one declares without `export` (after a merge).
    for (const name of imported) {
      if (name === "*" || name === "default" || exported.includes(name)) continue;
      const local = new RegExp(`^(${DECLARATION_HEAD}\\s+${name}\\b)`, "m");
      if (!local.test(source)) continue;
      source = source.replace(local, "export $1");
      console.log(`fixed ${relative(ROOT, file)}: ${name} is exported again`);
    }
  }
  for (const name of exported) {
    if (imported.has(name)) continue;
    const declaration = new RegExp(`^export\\s+(${DECLARATION_HEAD}\\s+${name}\\b)`, "m");
    const usedInModule = (source.match(new RegExp(`\\b${name}\\b`, "g")) ?? []).length > 1;
    if (FIX && usedInModule && declaration.test(source)) {
      source = source.replace(declaration, "$1");
      console.log(`fixed ${relative(ROOT, file)}: ${name} is no longer exported`);
    } else {
      failures.push(`${relative(ROOT, file)}: export ${name} is imported nowhere`);
    }
  }
  if (source !== original) writeFileSync(file, source);
}

const VALUE_IMPORT =
  /(?:^|[;\n])\s*(import|export)\s+(type\s+)?((?:\w+\s*,\s*)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\}|\w+))\s+from\s+["']([^"']+)["']/g;

/** The specifiers a module imports for values (what runs when it starts), not for types only. */
function valueImportsOf(source) {
  const found = [];
  for (const [, , typeOnly, clause, specifier] of source.matchAll(VALUE_IMPORT)) {
    if (typeOnly) continue;
    const braces = clause.match(/^\{([^}]*)\}$/);
    const parts = braces
      ? braces[1]
          .split(",")
          .map((part) => part.trim())
          .filter(Boolean)
      : [];
    if (braces && parts.every((part) => part.startsWith("type "))) continue;
    found.push(specifier);
  }
  return found;
}

/** Packages kept out of startup: zod, and jose's JWT and key modules (its header decoder is small). */
const LOADED_ON_FIRST_USE = /^(zod|zod\/.*|jose\/(jwt|key)\/.*|jose\/errors)$/;

// Rule 3: walk the startup graph from the entry; a path to zod names the chain that brings it in.
const startupChain = new Map([[ENTRY, [ENTRY]]]);
for (const [file, chain] of startupChain) {
  for (const specifier of valueImportsOf(readFileSync(file, "utf8"))) {
    if (LOADED_ON_FIRST_USE.test(specifier)) {
      failures.push(
        `${chain.map((module) => relative(ROOT, module)).join(" → ")} imports ${specifier} at startup: load it (or the schema module) with import()`,
      );
      continue;
    }
    const target = resolveSpecifier(file, specifier);
    if (target?.endsWith(".ts") && !startupChain.has(target)) startupChain.set(target, [...chain, target]);
  }
}

for (const failure of failures) console.error(`FAIL  ${failure}`);
if (failures.length === 0)
  console.log(`imports: ${sourceFiles.length} modules of src/ import one way; every export is used`);
process.exit(failures.length === 0 ? 0 : 1);
