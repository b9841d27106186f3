#!/usr/bin/env node
// Records what Enki's official parser and JSON compiler extract from lesson files, so our Python
// reader can be compared with them without Node at test time. One pretty-printed JSON per input:
//   expected/<path relative to --base>.json
// Usage: node record.js [--base DIR] [--out DIR] INPUT...
//   INPUT is a lesson file or a folder (walked for *.md, README.md manifests excluded), relative
//   to --base (default: the shared folder next to the repository, ../../../shared).
'use strict';

const fs = require('fs');
const path = require('path');
const { getParser } = require('@enkidevs/curriculum-parser-markdown');
const { getCompiler } = require('@enkidevs/curriculum-compiler-json');
const { contentTypes } = require('@enkidevs/curriculum-helpers');

const TOOLS = [
  '@enkidevs/curriculum-parser-markdown',
  '@enkidevs/curriculum-compiler-json',
  '@enkidevs/curriculum-helpers',
  '@enkidevs/curriculum-compiler-string',
];

function parseArgs(argv) {
  const args = { base: path.resolve(__dirname, '../../../shared'), out: null, inputs: [] };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--base') args.base = path.resolve(argv[(i += 1)]);
    else if (argv[i] === '--out') args.out = path.resolve(argv[(i += 1)]);
    else args.inputs.push(argv[i]);
  }
  args.out = args.out || path.join(__dirname, 'expected');
  if (args.inputs.length === 0) throw new Error('no INPUT given');
  return args;
}

// Sorted walk so the set and order of recorded files never depend on the file system.
function lessonFiles(base, input) {
  const full = path.join(base, input);
  if (!fs.statSync(full).isDirectory()) return [input];
  return fs
    .readdirSync(full)
    .sort()
    .flatMap((name) => {
      const rel = path.posix.join(input, name);
      if (fs.statSync(path.join(base, rel)).isDirectory()) return lessonFiles(base, rel);
      return name.endsWith('.md') && name !== 'README.md' ? [rel] : [];
    });
}

// The installed versions, read from node_modules so the record says what really ran.
function toolVersions() {
  const versions = {};
  for (const name of TOOLS) {
    const manifest = require.resolve(`${name}/package.json`);
    versions[name] = JSON.parse(fs.readFileSync(manifest, 'utf8')).version;
  }
  return versions;
}

function walk(node, visit, ancestors = []) {
  visit(node, ancestors);
  for (const child of node.children || []) walk(child, visit, [...ancestors, node]);
}

// Gap counts per question section, split the way the validator and the parser see them: the
// parser marks as many answers correct as there are gaps anywhere in the section (answer items
// included); the validator counts gaps outside the answer list.
function sectionFacts(ast) {
  return ast.children
    .filter((node) => node.type === 'section')
    .map((section) => {
      const facts = { name: section.name, question: Boolean(section.question) };
      if (!section.question) return facts;
      const gaps = { prose: 0, code: 0, answers: 0 };
      walk(section, (node, ancestors) => {
        if (node.type !== 'questionGap') return;
        if (ancestors.some((a) => a.answers)) gaps.answers += 1;
        else if (ancestors.some((a) => a.type === 'questionCode')) gaps.code += 1;
        else gaps.prose += 1;
      });
      const answers = section.children.find((child) => child.type === 'list' && child.answers);
      return { ...facts, gaps, answerList: Boolean(answers) };
    });
}

function record(markdown) {
  const ast = getParser(contentTypes.INSIGHT).parseSync(markdown);
  const parsed = { sections: sectionFacts(ast) };
  try {
    const compiled = getCompiler(contentTypes.INSIGHT).compileSync(ast);
    return { parsed, compiled, error: null };
  } catch (error) {
    return { parsed, compiled: null, error: error.message };
  }
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const tools = toolVersions();
  const sources = args.inputs.flatMap((input) => lessonFiles(args.base, input));
  for (const source of sources) {
    const markdown = fs.readFileSync(path.join(args.base, source), 'utf8');
    const result = { source, tools, ...record(markdown) };
    const target = path.join(args.out, `${source}.json`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${path.relative(process.cwd(), target)}${result.error ? `  ERROR: ${result.error}` : ''}\n`);
  }
}

main();
