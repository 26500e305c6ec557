// Parses each .ps1 file in a folder with tree-sitter-powershell (its
// WebAssembly build, through web-tree-sitter) and fails when any holds a
// syntax error, printing the file, the line and the node. exdr's own
// reader (providers/ems/cmdlets) is written for the subset exdr emits;
// this grammar was written by others, for all of PowerShell.
import { Parser, Language } from 'web-tree-sitter';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node parse.mjs FOLDER');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
await Parser.init();
const lang = await Language.load(join(here, 'node_modules/tree-sitter-powershell/tree-sitter-powershell.wasm'));
const parser = new Parser();
parser.setLanguage(lang);

function firstError(node) {
  if (node.type === 'ERROR' || node.isMissing) return node;
  for (const child of node.children) {
    if (child.hasError) {
      const e = firstError(child);
      if (e) return e;
    }
  }
  return node.hasError ? node : null;
}

const files = readdirSync(dir).filter((f) => f.endsWith('.ps1')).sort();
let bad = 0;
for (const f of files) {
  const src = readFileSync(join(dir, f), 'utf8');
  const tree = parser.parse(src);
  if (!tree.rootNode.hasError) continue;
  bad++;
  const e = firstError(tree.rootNode);
  const line = e.startPosition.row;
  console.error(`${f}:${line + 1}:${e.startPosition.column + 1}: syntax error (${e.isMissing ? 'missing ' + e.type : e.type})`);
  console.error('  ' + src.split('\n')[line]);
}
console.log(`${files.length} scripts parsed with tree-sitter-powershell, ${bad} with a syntax error`);
if (files.length === 0 || bad > 0) process.exit(1);
