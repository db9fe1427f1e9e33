#!/usr/bin/env node
import { auditMain } from './audit/main.js';

const code = await auditMain(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
process.exitCode = code;
