// The flags every bench script takes: --quick (a smoke run), --strict (exit 1 when a target
// fails), --output <file> (the JSON's path). Anything else: one line, exit 2.
export function parseBenchArgs(argv, prog) {
  const a = { quick: false, strict: false, output: undefined };
  for (let i = 0; i < argv.length; ++i) {
    const f = argv[i];
    if (f === '--quick') a.quick = true;
    else if (f === '--strict') a.strict = true;
    else if (f === '--output' && i + 1 < argv.length) a.output = argv[++i];
    else {
      process.stderr.write(`${prog}: argument ${JSON.stringify(f)} is invalid; allowed: --quick, --strict, --output <file>\n`);
      process.exit(2);
    }
  }
  return a;
}
